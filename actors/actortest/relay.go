package actortest

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Relay stands in for a subsystem's internal topic in broker-free tests. It
// is an actors.Effects that passes every Emit and Reject on to Effects (a
// Recorder, usually) and, once an Emit is recorded, hands each of its
// records of Topic to Handle as a consumed input of that topic, as the
// pipeline of the partition's owner does once the transaction commits.
//
// An input gets the batch's tenant and trace, the partition its record's
// Owner (else Key) hashes to among Count, and the next offset of that
// partition. Delivery is synchronous, on the emitting goroutine, after
// Effects returned: the records of one emitter arrive in emit order, and a
// test that waits for an input's completion waits for what it relayed too.
// An error from Handle rejects the input, as the router does. Handle may
// pick among several subsystems by the input's partition (replicas).
type Relay struct {
	Effects actors.Effects
	Topic   messages.Topic
	Count   int32
	Handle  kafka.Handler

	busy    atomic.Int64 // Emits in progress, their deliveries included
	mu      sync.Mutex
	offsets map[int32]int64
	causes  map[*kafka.Input]*kafka.Input
}

var _ actors.Effects = (*Relay)(nil)

// Emit implements actors.Effects.
func (r *Relay) Emit(t tenant.Tenant, tr kafka.Trace, recs []messages.Record, in *kafka.Input, done func()) error {
	r.busy.Add(1)
	defer r.busy.Add(-1)
	if err := r.Effects.Emit(t, tr, recs, in, done); err != nil {
		return err
	}
	for _, rec := range recs {
		if rec.Topic == r.Topic {
			r.deliver(t, tr, rec, in)
		}
	}
	return nil
}

// Reject implements actors.Effects.
func (r *Relay) Reject(in *kafka.Input, err error) { r.Effects.Reject(in, err) }

func (r *Relay) deliver(t tenant.Tenant, tr kafka.Trace, rec messages.Record, cause *kafka.Input) {
	value, err := kafka.EncodeValue(rec.Value)
	if err != nil {
		panic("actortest.Relay: " + err.Error()) // the emitter would have refused the batch
	}
	owner := rec.Owner
	if owner == nil {
		owner = rec.Key
	}
	p := kafka.PartitionFor(owner, r.Count)
	r.mu.Lock()
	if r.offsets == nil {
		r.offsets, r.causes = map[int32]int64{}, map[*kafka.Input]*kafka.Input{}
	}
	off := r.offsets[p]
	r.offsets[p]++
	in := &kafka.Input{Topic: r.Topic, Partition: p, Offset: off, Key: rec.Key, Value: value,
		Headers: kafka.Headers(t, tr), Tenant: t, Trace: tr,
		Source: kafka.Source{Topic: string(r.Topic), Partition: p, Offset: off}}
	r.causes[in] = cause
	r.mu.Unlock()
	if err := r.Handle(in); err != nil {
		r.Effects.Reject(in, err)
	}
}

// Cause is the input whose Emit carried in, a relayed input; nil for an
// input the Relay did not deliver, or one emitted by a timer or a caller.
func (r *Relay) Cause(in *kafka.Input) *kafka.Input {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.causes[in]
}

// Idle reports whether no Emit is in progress. A test that saw every input
// completed and then the Relay idle, with no new input meanwhile, has seen
// everything relayed so far handled.
func (r *Relay) Idle() bool { return r.busy.Load() == 0 }

// Placed is a subsystem that places its actors by internal partition.
type Placed interface {
	Topology() kafka.Topology
	Start(fx actors.Effects) error
}

// Place runs sub broker-free as the only replica: it starts it on fx
// through a Relay of its internal topic, and assigns it every partition of
// count with state as the restored changelog (nil: nothing). It returns the
// Relay.
func Place(t testing.TB, sub Placed, fx actors.Effects, count int32, state map[string][]byte) *Relay {
	t.Helper()
	topo := sub.Topology()
	r := &Relay{Effects: fx, Topic: topo.Internal.Topic, Count: count, Handle: topo.Internal.Handler}
	if err := sub.Start(r); err != nil {
		t.Fatalf("start: %v", err)
	}
	parts := make([]int32, count)
	for i := range parts {
		parts[i] = int32(i)
	}
	if err := topo.Owner.Assign(kafka.Assignment{Partitions: parts, Count: count, State: state}); err != nil {
		t.Fatalf("assign: %v", err)
	}
	return r
}
