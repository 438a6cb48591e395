package actors

import (
	"fmt"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/gamehost/transitquest/clock"
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
	// sweeps is the timer of the next Sweep (nil: none); closed once
	// StopAll or HaltAll ran, after which none is armed.
	sweeps clock.Timer
	closed bool
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
// partition's supervisor and registers it, unless it is registered
// already; it fails when this replica does not own the partition.
func (ps *Partitions) Spawn(key []byte, cfg ShellConfig, newActor func() Actor) error {
	return ps.register(key, func(sup *Supervisor) error {
		_, err := sup.Spawn(string(key), cfg, newActor)
		return err
	})
}

// SpawnResting registers the actor of key at rest (see
// Supervisor.SpawnResting) under its partition's supervisor, unless it is
// registered already; it fails when this replica does not own the
// partition.
func (ps *Partitions) SpawnResting(key []byte, cfg ShellConfig, a Actor, snapshot any, deadline time.Time, armed bool) error {
	return ps.register(key, func(sup *Supervisor) error {
		return sup.SpawnResting(string(key), cfg, a, snapshot, deadline, armed)
	})
}

// register runs spawn with the supervisor of key's partition unless key is
// registered already; it fails when this replica does not own the
// partition.
func (ps *Partitions) register(key []byte, spawn func(*Supervisor) error) error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	id, ok := ps.ofLocked(key)
	if !ok {
		return fmt.Errorf("%s actor %q: partition %d is not owned here", ps.kind, key, id)
	}
	p := ps.owned[id]
	if p.sup.Has(key) {
		return nil
	}
	return spawn(p.sup)
}

// supOf is the supervisor of key's partition, if this replica owns it.
func (ps *Partitions) supOf(key []byte) *Supervisor {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	id, ok := ps.ofLocked(key)
	if !ok {
		return nil
	}
	return ps.owned[id].sup
}

// Has reports whether this replica runs the actor of key (awake or
// resting).
func (ps *Partitions) Has(key []byte) bool {
	sup := ps.supOf(key)
	return sup != nil && sup.Has(key)
}

// Tell puts msg in the mailbox of key's actor, waking it if it rests
// (see Supervisor.Tell); false when this replica does not run it.
func (ps *Partitions) Tell(key []byte, msg any) bool {
	sup := ps.supOf(key)
	return sup != nil && sup.Tell(key, msg)
}

// Mailbox addresses key's actor (see Tell).
func (ps *Partitions) Mailbox(key []byte) Mailbox { return partMailbox{ps, key} }

type partMailbox struct {
	ps  *Partitions
	key []byte
}

func (m partMailbox) Tell(msg any) bool { return m.ps.Tell(m.key, msg) }
func (m partMailbox) String() string    { return m.ps.kind + " actor " + string(m.key) }

// Stop stops the actor of key once its mailbox is drained (an actor that
// ended itself) and forgets it.
func (ps *Partitions) Stop(key []byte) {
	if sup := ps.supOf(key); sup != nil {
		sup.Stop(key)
	}
}

// Each calls f with every key whose actor runs here, resting ones
// included (queries, shutdown).
func (ps *Partitions) Each(f func(key string)) {
	for _, s := range ps.supervisors() {
		s.Each(f)
	}
}

// RestIdle sweeps every period (see Sweep), so an actor that can rest
// does so after between one and two periods without a message; until
// StopAll or HaltAll. A period of 0 never sweeps.
func (ps *Partitions) RestIdle(clk clock.Clock, period time.Duration) {
	if period <= 0 {
		return
	}
	var sweep func()
	sweep = func() {
		ps.Sweep()
		ps.mu.Lock()
		defer ps.mu.Unlock()
		if !ps.closed {
			ps.sweeps = clk.AfterFunc(period, sweep)
		}
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if !ps.closed && ps.sweeps == nil {
		ps.sweeps = clk.AfterFunc(period, sweep)
	}
}

// Sweep asks the actors of every owned partition that were told nothing
// since the previous sweep to rest (see Supervisor.Sweep).
func (ps *Partitions) Sweep() {
	for _, s := range ps.supervisors() {
		s.Sweep()
	}
}

func (ps *Partitions) supervisors() []*Supervisor {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	sups := make([]*Supervisor, 0, len(ps.owned))
	for _, p := range ps.owned {
		sups = append(sups, p.sup)
	}
	return sups
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

// take removes partitions (every one when ids is nil, which also ends the
// sweeps) from ownership.
func (ps *Partitions) take(ids []int32) []*partition {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ids == nil {
		ps.closed = true
		if ps.sweeps != nil {
			ps.sweeps.Stop()
		}
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
