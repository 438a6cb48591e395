package actors

import (
	"fmt"
	"sync"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/gamehost/transitquest/kafka"
)

// Partitions runs a subsystem's actors by the internal-topic partition
// their identity hashes to. Each owned partition has a supervisor of its
// own (a task, in Kafka Streams' words), so revoking a partition stops
// exactly its actors, and a key's actor is found without asking anyone:
// the subsystem's handlers look it up here. Safe for concurrent use.
type Partitions struct {
	sys  *actor.ActorSystem
	kind string

	mu    sync.Mutex
	count int32
	owned map[int32]*partition
}

// partition is one owned partition: its supervisor is also the registry of
// its actors, by key.
type partition struct {
	sup *Supervisor
}

// NewPartitions returns an empty placement for actors of one subsystem.
func NewPartitions(sys *actor.ActorSystem, kind string) *Partitions {
	return &Partitions{sys: sys, kind: kind, owned: map[int32]*partition{}}
}

// Assign takes ownership of partitions among count; their actors are
// spawned with Spawn.
func (ps *Partitions) Assign(count int32, ids []int32) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.count = count
	for _, id := range ids {
		if _, ok := ps.owned[id]; !ok {
			ps.owned[id] = &partition{sup: NewSupervisor(ps.sys, fmt.Sprintf("%s/p%d", ps.kind, id))}
		}
	}
}

// Count is the internal topic's partition count (0 before any Assign).
func (ps *Partitions) Count() int32 {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.count
}

// Of is the partition key hashes to, and whether this replica owns it.
func (ps *Partitions) Of(key []byte) (int32, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.ofLocked(key)
}

func (ps *Partitions) ofLocked(key []byte) (int32, bool) {
	if ps.count == 0 {
		return 0, false
	}
	id := kafka.PartitionFor(key, ps.count)
	_, ok := ps.owned[id]
	return id, ok
}

// Spawn starts the actor of key (see Supervisor.Spawn) under its
// partition's supervisor and registers it; it fails when this replica does
// not own the partition.
func (ps *Partitions) Spawn(key []byte, cfg ShellConfig, newActor func() Actor) (*actor.PID, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	id, ok := ps.ofLocked(key)
	if !ok {
		return nil, fmt.Errorf("%s actor %q: partition %d is not owned here", ps.kind, key, id)
	}
	p := ps.owned[id]
	if pid, ok := p.sup.Get(key); ok {
		return pid, nil
	}
	return p.sup.Spawn(string(key), cfg, newActor)
}

// Get is the running actor of key, if this replica runs it.
func (ps *Partitions) Get(key []byte) (*actor.PID, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	id, ok := ps.ofLocked(key)
	if !ok {
		return nil, false
	}
	return ps.owned[id].sup.Get(key)
}

// Stop stops the actor of key once its mailbox is drained (an actor that
// ended itself) and forgets it.
func (ps *Partitions) Stop(key []byte) {
	ps.mu.Lock()
	id, ok := ps.ofLocked(key)
	var sup *Supervisor
	if ok {
		sup = ps.owned[id].sup
	}
	ps.mu.Unlock()
	if sup != nil {
		sup.Stop(key)
	}
}

// Each calls f with every running actor's key and PID (queries).
func (ps *Partitions) Each(f func(key string, pid *actor.PID)) {
	ps.mu.Lock()
	sups := make([]*Supervisor, 0, len(ps.owned))
	for _, p := range ps.owned {
		sups = append(sups, p.sup)
	}
	ps.mu.Unlock()
	for _, s := range sups {
		s.Each(f)
	}
}

// Revoke stops the actors of partitions, each once its mailbox is
// drained, and waits for them: nothing of theirs runs afterwards.
func (ps *Partitions) Revoke(ids []int32) {
	for _, p := range ps.take(ids) {
		p.sup.StopAll()
	}
}

// HaltAll stops every actor at once, dropping what their mailboxes hold
// (see Supervisor.Halt), and waits for them.
func (ps *Partitions) HaltAll() {
	for _, p := range ps.take(nil) {
		p.sup.Halt()
	}
}

// StopAll stops every actor after its mailbox is drained and waits.
func (ps *Partitions) StopAll() {
	for _, p := range ps.take(nil) {
		p.sup.StopAll()
	}
}

// take removes partitions (every one when ids is nil) from ownership.
func (ps *Partitions) take(ids []int32) []*partition {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ids == nil {
		for id := range ps.owned {
			ids = append(ids, id)
		}
	}
	var out []*partition
	for _, id := range ids {
		if p, ok := ps.owned[id]; ok {
			out = append(out, p)
			delete(ps.owned, id)
		}
	}
	return out
}

// Owned is the partitions this replica runs actors for.
func (ps *Partitions) Owned() []int32 {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	out := make([]int32, 0, len(ps.owned))
	for id := range ps.owned {
		out = append(out, id)
	}
	return out
}
