package kafka

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// hopRig is a hop without a broker: its outbox records batches, its
// barriers are recorded, its handler records what it delivers.
type hopRig struct {
	t         *testing.T
	h         *hop
	ingress   *Tracker
	mu        sync.Mutex
	batches   []Batch
	sent      []uint64 // barrier numbers, in order
	delivered []int64  // ingress offsets of the inputs delivered here
	inputs    map[int64]*Input
}

const (
	rigSource   = "COMMANDS"
	rigInternal = "INTERNAL"
)

func (r *hopRig) Submit(b Batch) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, b)
	return nil
}

func newHopRig(t *testing.T, sources ...int32) *hopRig {
	r := &hopRig{t: t, ingress: NewTracker(), inputs: map[int64]*Input{}}
	for _, p := range sources {
		r.ingress.Assign(rigSource, p)
	}
	actors := NewTracker()
	for p := int32(0); p < 2; p++ {
		actors.Assign(rigInternal, p)
	}
	r.h = &hop{topic: messages.InternalTopicTransport, name: rigInternal, nonce: "me",
		parts: map[int32]*hopPart{}, dirty: map[int32]bool{}, out: r, ingress: r.ingress, actors: actors,
		log: zaptest.NewLogger(t), m: metrics.New(), done: make(chan struct{})}
	r.h.send = func(p int32, seq uint64) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.sent = append(r.sent, seq)
	}
	r.h.handler = func(in *Input) error {
		r.delivered = append(r.delivered, in.Offset)
		r.inputs[in.Offset] = in
		return nil
	}
	return r
}

// input reads offset off of source partition src and passes its effects,
// forwards to the internal partitions parts, through the hop.
func (r *hopRig) input(src int32, off int64, parts ...int32) {
	s, ok := r.ingress.Begin(rigSource, src, off)
	require.True(r.t, ok)
	in := &Input{Offset: off, Source: s}
	b := Batch{Source: &in.Source, Owner: &in.Source}
	for _, p := range parts {
		b.Records = append(b.Records, Out{Topic: rigInternal, Partition: p, Value: []byte(strconv.FormatInt(off, 10))})
	}
	require.NoError(r.t, r.h.pass(in, b))
}

// barrier reads barrier seq back from partition p.
func (r *hopRig) barrier(p int32, nonce string, seq uint64) {
	r.h.barrier(p, []byte(nonce+"/"+strconv.FormatUint(seq, 10)))
}

// forwarded is the ingress offsets of the submitted batches that forward
// one input, in order; -1 for a batch with no source (a barrier request).
func (r *hopRig) forwarded() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int64
	for _, b := range r.batches {
		if b.Source == nil {
			out = append(out, -1)
			continue
		}
		out = append(out, b.Source.Offset)
	}
	return out
}

// An input for an actor of this replica waits for a barrier produced after
// it was read; one barrier covers every input waiting when it was produced,
// and the inputs after it wait for the next. Barriers of another replica,
// or an earlier one, deliver nothing.
func TestHopDeliversAfterABarrierReadBack(t *testing.T) {
	r := newHopRig(t, 0)
	r.h.placed([]int32{0})
	r.input(0, 10, 0)
	require.Len(t, r.sent, 1, "a barrier at once")
	r.input(0, 11, 0)
	r.input(0, 12, 0)
	assert.Empty(t, r.delivered, "nothing before its barrier")
	assert.Len(t, r.sent, 1, "one barrier in flight at a time")

	r.barrier(0, "someone else", r.sent[0])
	r.barrier(0, "me", r.sent[0]+100)
	assert.Empty(t, r.delivered, "not our barrier")

	r.barrier(0, "me", r.sent[0])
	assert.Equal(t, []int64{10}, r.delivered, "the input the barrier covers")
	require.Len(t, r.sent, 2, "the next barrier, for the inputs that came after")
	r.barrier(0, "me", r.sent[0])
	assert.Equal(t, []int64{10}, r.delivered, "a barrier read twice delivers nothing")
	r.barrier(0, "me", r.sent[1])
	assert.Equal(t, []int64{10, 11, 12}, r.delivered, "one barrier covers every input waiting when it was produced, in order")
	assert.Len(t, r.sent, 2, "nothing waits: no barrier")
	assert.Empty(t, r.batches, "nothing forwarded")

	in := r.inputs[10]
	assert.Equal(t, r.h.actors.Stamp(Source{Topic: rigInternal, Partition: 0}), in.hop.owner,
		"its effects are owned by its actor's partition")
	assert.Equal(t, rigSource, in.Source.Topic, "and commit the ingress record")

	r.input(0, 13, 1)
	assert.Equal(t, []int64{13}, r.forwarded(), "a partition whose actors run elsewhere is forwarded to")
}

// A forward of this replica's to a partition whose actors run here (an
// input for several actors) must not overtake the inputs waiting for it,
// which go first, and the next barrier waits until the outbox has
// committed it: a retried transaction would land after the barrier.
func TestHopForwardsKeepTheOrder(t *testing.T) {
	r := newHopRig(t, 0)
	r.h.placed([]int32{0})
	r.input(0, 10, 0)
	r.input(0, 11, 0, 1) // two actors: forwarded
	assert.Equal(t, []int64{10, 11}, r.forwarded(), "the waiting input first, then the forward")
	r.barrier(0, "me", r.sent[0])
	assert.Empty(t, r.delivered, "the barrier finds nothing left to deliver")

	r.input(0, 12, 0)
	assert.Len(t, r.sent, 1, "no barrier before the forward committed")
	batches := r.forwarded()
	require.Equal(t, int64(-1), batches[len(batches)-1], "a commit callback requested instead")
	r.batches[len(r.batches)-1].Committed()
	require.Len(t, r.sent, 2, "the barrier once everything before it committed")
	r.barrier(0, "me", r.sent[1])
	assert.Equal(t, []int64{12}, r.delivered)
}

// When the actors stage gives a partition up, the inputs delivered here
// whose effects did not commit, then the waiting ones, are forwarded in
// order to its next owner; an input whose effects committed is not, nor is
// one whose source partition is no longer this replica's.
func TestHopForwardsWhatDidNotCommitWhenRevoked(t *testing.T) {
	r := newHopRig(t, 0, 1)
	r.h.placed([]int32{0})
	r.input(0, 10, 0)
	r.input(0, 11, 0)
	r.input(1, 20, 0)
	r.barrier(0, "me", r.sent[0])
	r.barrier(0, "me", r.sent[1])
	require.Equal(t, []int64{10, 11, 20}, r.delivered)
	r.inputs[10].hop.committing(nil)() // its effects committed
	r.input(0, 12, 0)                  // waiting for the next barrier
	r.h.revoking([]int32{0})
	r.input(0, 13, 0) // waits: nothing goes before the uncommitted ones
	assert.Empty(t, r.forwarded())
	r.barrier(0, "me", r.sent[2])
	assert.Equal(t, []int64{10, 11, 20}, r.delivered, "nothing more delivered while revoking")

	r.ingress.Revoke(rigSource, 1)
	r.h.revoked([]int32{0})
	assert.Equal(t, []int64{11, 12, 13}, r.forwarded(), "20's source moved: its next owner reads it again")
	r.input(0, 14, 0)
	assert.Equal(t, []int64{11, 12, 13, 14}, r.forwarded(), "no longer local")
}

// A source partition lost without a clean revocation: its waiting inputs
// are dropped (its next owner reads them again), and a partition whose
// actors applied one of its inputs is frozen, then placed again.
func TestHopSourceLostFreezesThePartitionThatAppliedItsInputs(t *testing.T) {
	r := newHopRig(t, 0, 1)
	r.h.placed([]int32{0, 1})
	r.input(0, 10, 0)
	r.barrier(0, "me", r.sent[0])
	require.Equal(t, []int64{10}, r.delivered)
	r.input(1, 20, 0)
	r.input(0, 11, 0)
	r.input(0, 12, 1)

	r.ingress.Revoke(rigSource, 0)
	r.h.sourcesLost([]Source{{Topic: rigSource, Partition: 0}})
	part := r.h.parts[0]
	require.Len(t, part.waiting, 1)
	assert.Equal(t, int64(20), part.waiting[0].Offset, "the lost source's waiting inputs are dropped")
	assert.Empty(t, r.h.parts[1].waiting)
	assert.Equal(t, []int32{0}, r.h.takeDirty(), "partition 0 applied input 10: placed again")
	assert.Empty(t, r.h.takeDirty())
	assert.False(t, r.h.actors.Owns(part.stamp), "nothing its actors emit commits meanwhile")
	assert.True(t, r.h.actors.Owns(r.h.parts[1].stamp), "partition 1 applied nothing of it")
}

// Once the actors stage stops reading, no barrier comes back: the waiting
// inputs are forwarded, and so is every input after them.
func TestHopForwardsEverythingOnceTheActorsStageStops(t *testing.T) {
	r := newHopRig(t, 0)
	r.h.placed([]int32{0})
	r.input(0, 10, 0)
	r.h.stop()
	assert.Equal(t, []int64{10}, r.forwarded())
	r.input(0, 11, 0)
	assert.Equal(t, []int64{10, 11}, r.forwarded())
	assert.Empty(t, r.delivered)
}
