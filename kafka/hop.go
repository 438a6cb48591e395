package kafka

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/tracing"
)

// HeaderHopBarrier marks a barrier record on the internal topic: no input,
// a signal from one replica's ingress to its own actors stage (see hop).
// Every replica skips barriers, its own included, after committing their
// offset.
const HeaderHopBarrier = "tq.hop.barrier"

// hop hands an input to its actor in this process, instead of forwarding
// it through the internal topic, when this replica's actors stage owns the
// actor's partition: the forward's produce, the broker's round trip, the
// second consume and a transaction are saved. The input's effects commit
// with the ingress record's offset and a fence of the actors group's
// partition (Outbox.fence), as a forwarded input's commit with the
// internal record's.
//
// Order. An actor must not see an input before anything committed to its
// partition before the input was read: an earlier input of the same source
// forwarded by this replica or by the source's previous owner, or a
// message another actor sent it (a registrar's create, a ride's exit) that
// the game server has already reacted to. So each input waits here until a
// barrier read back from its partition shows the actors stage has read
// everything committed before it: ingress produces a barrier record,
// outside any transaction, after the input was read, and once the actors
// stage reads the barrier every record committed before it has been read
// (they have lower offsets). One barrier covers every input waiting when it
// was produced, and at most one per partition is in flight. A barrier waits
// for this replica's own forwards to the partition to commit first (a
// transaction retried after an abort would land after it).
//
// Moves. When the actors stage loses the partition, its inputs wait here;
// once the actors have stopped and the outbox has committed what they
// emitted, every input delivered here whose effects did not commit, then
// every waiting one, is forwarded through the internal topic, in order, to
// the partition's next owner. When ingress loses a source partition
// without revoking it cleanly, the effects of its inputs delivered here may
// not commit (its next owner reads them again) although the actors have
// applied them: their partition is then placed again from its changelog
// (Pipeline.replace).
type hop struct {
	// mu orders local deliveries with each other and with the actors
	// stage's dispatch of internal records, and guards the parts.
	mu      sync.Mutex
	topic   messages.Topic
	name    string // the internal topic's real name
	nonce   string // tells this replica's barriers from any other's
	seq     uint64 // the last barrier or entry number
	parts   map[int32]*hopPart
	handler Handler  // the internal topic's handler
	emitter *Emitter // the actors stage's: it places and commits their effects
	out     interface {
		Submit(Batch) error
	}
	barriers *ck.Producer // produces barriers, outside transactions
	// send produces barrier seq to partition p (a field so tests can see
	// the barriers without a broker).
	send    func(p int32, seq uint64)
	ingress *Tracker // the sources'
	actors  *Tracker // the internal partitions'
	dirty   map[int32]bool
	hasDirt atomic.Bool
	// stopped: the actors stage reads no more barriers; everything is
	// forwarded.
	stopped bool
	// gap is the least time between two rounds of barriers; round is the
	// next round when one is scheduled (roundGen tells a stale one).
	gap       time.Duration
	lastRound time.Time
	round     *time.Timer
	roundGen  uint64
	log       *zap.Logger
	m         *metrics.Metrics
	done      chan struct{} // closed when the barrier producer's events are drained

	// liveMu guards every part's live set: taken by commit callbacks on
	// the outbox's goroutine, so it is never held while submitting.
	liveMu sync.Mutex
}

// hopPart is the local-delivery state of one internal partition whose
// actors run here.
type hopPart struct {
	p        int32
	revoking bool
	stamp    Source   // the partition under its current assignment
	waiting  []*Input // inputs waiting for a barrier, in the order read
	covered  int      // waiting[:covered] are covered by the barrier in flight
	inflight uint64   // that barrier's number; 0: none
	// forwarded: this replica forwarded to the partition since its last
	// barrier, which the next one must not overtake.
	forwarded bool
	live      map[*hopEntry]struct{} // delivered, effects not committed (liveMu)
}

// hopEntry is one input delivered or waiting here, with what forwarding it
// instead needs.
type hopEntry struct {
	seq   uint64
	src   Source // the ingress record
	fwd   Out    // the internal record ingress would have produced
	owner Source // its actor's partition, under the assignment it was delivered in
	part  *hopPart
	h     *hop
}

// newHop connects the producer of barriers.
func newHop(actors, ingress *Pipeline) (*hop, error) {
	cfg := baseConfig(actors.cfg)
	for k, v := range (ck.ConfigMap{
		"linger.ms":                 0,
		"acks":                      "all",
		"enable.idempotence":        false,
		"go.delivery.report.fields": "key,headers",
		"go.events.channel.size":    1_000,
		"go.produce.channel.size":   1,
	}) {
		cfg[k] = v
	}
	p, err := ck.NewProducer(&cfg)
	if err != nil {
		return nil, fmt.Errorf("barrier producer: %w", err)
	}
	h := &hop{topic: actors.cfg.Internal, name: actors.internal, nonce: uuid.NewString(),
		parts: map[int32]*hopPart{}, dirty: map[int32]bool{}, emitter: actors.emitter, out: actors.outbox,
		barriers: p, ingress: ingress.tracker, actors: actors.tracker, log: actors.log, m: actors.m,
		done: make(chan struct{}), gap: actors.cfg.BarrierGap}
	h.handler = actors.router.routes[h.name].handler
	h.send = h.produceBarrier
	go h.drainEvents()
	return h, nil
}

// close closes the barrier producer (barriers not yet delivered are
// dropped: the inputs they cover are read again by their next owner).
func (h *hop) close() {
	h.mu.Lock()
	h.stopped = true
	h.cancelRoundLocked()
	h.mu.Unlock()
	h.barriers.Close()
	<-h.done
}

// drainEvents reads the barrier producer's events for its whole life: a
// barrier that could not be delivered is produced again.
func (h *hop) drainEvents() {
	defer close(h.done)
	for ev := range h.barriers.Events() {
		switch e := ev.(type) {
		case *ck.Message:
			if e.TopicPartition.Error == nil {
				continue
			}
			h.log.Warn("barrier not delivered; producing it again", zap.Int32("partition", e.TopicPartition.Partition),
				zap.Error(e.TopicPartition.Error))
			h.mu.Lock()
			if part := h.parts[e.TopicPartition.Partition]; part != nil && part.inflight != 0 {
				h.send(part.p, part.inflight)
			}
			h.mu.Unlock()
		case ck.Error:
			h.log.Warn("barrier producer error", zap.Error(e))
		}
	}
}

// pass takes an ingress input's effects b, which forward to the internal
// topic: a single forward to a partition whose actors run here waits for a
// barrier and is then delivered here; anything else is submitted, after
// the inputs waiting for the partitions it forwards to (which it must not
// overtake).
func (h *hop) pass(in *Input, b Batch) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(b.Records) == 1 && !h.stopped {
		fwd := b.Records[0]
		if part := h.parts[fwd.Partition]; part != nil {
			h.seq++
			ent := &hopEntry{seq: h.seq, src: in.Source, fwd: fwd, part: part, h: h}
			part.waiting = append(part.waiting, &Input{Topic: h.topic, topicName: h.name,
				Partition: fwd.Partition, Offset: in.Offset, Key: fwd.Key, Value: fwd.Value, Headers: fwd.Headers,
				Timestamp: in.Timestamp, Tenant: in.Tenant, Source: in.Source, via: h.emitter, hop: ent})
			h.requestLocked(part)
			return nil
		}
	}
	for _, r := range b.Records {
		if part := h.parts[r.Partition]; part != nil && r.Topic == h.name {
			h.forwardWaitingLocked(part)
		}
	}
	return h.out.Submit(b)
}

// forwardWaitingLocked forwards a partition's waiting inputs, in order.
func (h *hop) forwardWaitingLocked(part *hopPart) {
	for _, lin := range part.waiting {
		h.forward(lin.hop)
	}
	part.waiting, part.covered = nil, 0
	part.forwarded = true
}

// requestLocked asks for a barrier for a partition's waiting inputs: in
// the next round, unless one is in flight (its return asks again) or the
// partition is being revoked.
func (h *hop) requestLocked(part *hopPart) {
	if part.inflight != 0 || part.revoking || len(part.waiting) == 0 || h.round != nil || h.stopped {
		return
	}
	wait := h.gap - time.Since(h.lastRound)
	if wait <= 0 {
		h.roundLocked()
		return
	}
	h.roundGen++
	gen := h.roundGen
	h.round = time.AfterFunc(wait, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.roundGen == gen {
			h.round = nil
			h.roundLocked()
		}
	})
}

// roundLocked produces a barrier to every partition with inputs waiting
// and none in flight. Rounds are at least gap apart: a barrier costs a
// produce request and a record read back, so inputs arriving together
// share one.
func (h *hop) roundLocked() {
	h.lastRound = time.Now()
	for _, part := range h.parts {
		if part.inflight != 0 || part.revoking || len(part.waiting) == 0 {
			continue
		}
		h.seq++
		part.inflight, part.covered = h.seq, len(part.waiting)
		if !part.forwarded {
			h.send(part.p, part.inflight)
			continue
		}
		// After a forward of this replica's to the partition, the barrier
		// is produced once the outbox has committed it. The callback runs
		// on the outbox's goroutine once everything submitted before it
		// has committed (or been dropped); it must not take mu, which a
		// submitter may hold.
		part.forwarded = false
		p, seq := part.p, part.inflight
		if err := h.out.Submit(Batch{Committed: func() { h.send(p, seq) }}); err != nil {
			h.log.Info("barrier not requested; the inputs waiting for it are read again by their next owner",
				zap.Int32("partition", p), zap.Error(err))
		}
	}
}

// cancelRoundLocked drops the next round, if one is scheduled.
func (h *hop) cancelRoundLocked() {
	if h.round != nil {
		h.round.Stop()
		h.round = nil
		h.roundGen++
	}
}

// produceBarrier produces barrier seq to partition p.
func (h *hop) produceBarrier(p int32, seq uint64) {
	topic := h.name
	err := h.barriers.Produce(&ck.Message{TopicPartition: ck.TopicPartition{Topic: &topic, Partition: p},
		Key: []byte("hop"), Headers: []ck.Header{{Key: HeaderHopBarrier, Value: []byte(h.nonce + "/" + strconv.FormatUint(seq, 10))}}}, nil)
	if err != nil {
		h.log.Warn("barrier not produced", zap.Int32("partition", p), zap.Error(err))
		return
	}
	h.m.Barriers.WithLabelValues(h.name).Inc()
}

// barrier is a barrier read back from partition p: when it is the one in
// flight, the inputs it covers are delivered in order. Actors stage, on
// reading it.
func (h *hop) barrier(p int32, value []byte) {
	nonce, seq, ok := strings.Cut(string(value), "/")
	if !ok || nonce != h.nonce {
		return
	}
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	part := h.parts[p]
	if part == nil || part.inflight != n {
		return
	}
	part.inflight = 0
	if part.revoking {
		return
	}
	covered := part.waiting[:part.covered]
	part.waiting, part.covered = part.waiting[part.covered:], 0
	for _, lin := range covered {
		h.deliverLocked(part, lin)
	}
	h.requestLocked(part)
}

// deliverLocked hands a local input to the internal topic's handler, as
// the actors stage would the forwarded record.
func (h *hop) deliverLocked(part *hopPart, lin *Input) {
	lin.hop.owner = part.stamp
	h.liveMu.Lock()
	part.live[lin.hop] = struct{}{}
	h.liveMu.Unlock()
	span, tc := tracing.StartConsume(tracing.Context(TraceFromHeaders(lin.Headers)), h.name, lin.Partition, lin.Offset)
	lin.Trace, lin.span = Trace(tc), span
	h.m.Local.WithLabelValues(h.name).Inc()
	if err := h.handler(lin); err != nil {
		h.emitter.Reject(lin, err)
	}
}

// committing chains an entry's resolution (its effects committed: nothing
// to forward) before done.
func (ent *hopEntry) committing(done func()) func() {
	return func() {
		ent.h.liveMu.Lock()
		delete(ent.part.live, ent)
		ent.h.liveMu.Unlock()
		if done != nil {
			done()
		}
	}
}

// placed starts local delivery to partitions whose actors now run here.
// Actors stage, once the actors run.
func (h *hop) placed(parts []int32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, p := range parts {
		h.parts[p] = &hopPart{p: p, live: map[*hopEntry]struct{}{},
			stamp: h.actors.Stamp(Source{Topic: h.name, Partition: p})}
	}
}

// stop forwards every waiting input, and every input from now on: the
// actors stage has stopped reading, so no barrier will come back. Inputs
// already delivered are the actors' to finish. Actors stage, as its poll
// loop ends.
func (h *hop) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopped = true
	h.cancelRoundLocked()
	for _, part := range h.parts {
		h.forwardWaitingLocked(part)
	}
}

// revoking keeps the inputs of partitions the actors stage is giving up
// waiting, until revoked forwards them. Actors stage, before the actors
// stop.
func (h *hop) revoking(parts []int32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, p := range parts {
		if part := h.parts[p]; part != nil {
			part.revoking = true
		}
	}
}

// revoked forwards, through the internal topic, every input delivered to
// the partitions' actors whose effects did not commit, then every waiting
// input, in order; the partitions are no longer local. Actors stage, once
// the actors stopped and the outbox committed what they emitted: an entry
// still live now never will be.
func (h *hop) revoked(parts []int32) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, p := range parts {
		part := h.parts[p]
		if part == nil {
			continue
		}
		delete(h.parts, p)
		h.liveMu.Lock()
		ents := make([]*hopEntry, 0, len(part.live))
		for ent := range part.live {
			ents = append(ents, ent)
		}
		part.live = map[*hopEntry]struct{}{}
		h.liveMu.Unlock()
		sort.Slice(ents, func(i, j int) bool { return ents[i].seq < ents[j].seq })
		for _, ent := range ents {
			h.forward(ent)
		}
		h.forwardWaitingLocked(part)
	}
}

// forward produces an entry's record as ingress would have, committed with
// its source's offset, unless the source is no longer this replica's (its
// next owner reads it again).
func (h *hop) forward(ent *hopEntry) {
	if !h.ingress.Owns(ent.src) {
		return
	}
	src := ent.src
	if err := h.out.Submit(Batch{Records: []Out{ent.fwd}, Source: &src, Owner: &src}); err != nil {
		h.log.Info("input not forwarded; its partition's next owner reads it again", zap.Error(err))
	}
}

// sourcesLost is told of source partitions ingress lost without revoking
// them (another replica may read them already): inputs of them waiting
// here are dropped, and the partitions whose actors applied inputs of them
// that may not commit are frozen (nothing they emit commits) and queued
// for Pipeline.replace. Ingress, once its tracker forgot the sources.
func (h *hop) sourcesLost(keys []Source) {
	lost := map[partKey]bool{}
	for _, k := range keys {
		lost[partKey{k.Topic, k.Partition}] = true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for p, part := range h.parts {
		kept := part.waiting[:0]
		for i, lin := range part.waiting {
			if !lost[partKey{lin.Source.Topic, lin.Source.Partition}] {
				kept = append(kept, lin)
			} else if i < part.covered {
				part.covered--
			}
		}
		part.waiting = kept
		h.liveMu.Lock()
		dirty := false
		for ent := range part.live {
			if lost[partKey{ent.src.Topic, ent.src.Partition}] {
				dirty = true
				break
			}
		}
		h.liveMu.Unlock()
		if dirty && !h.dirty[p] {
			h.actors.Revoke(h.name, p)
			part.revoking = true
			h.dirty[p] = true
			h.hasDirt.Store(true)
			h.log.Warn("source partition lost with inputs applied here uncommitted: placing the actors' partition again",
				zap.Int32("partition", p))
		}
	}
}

// takeDirty returns the partitions to place again.
func (h *hop) takeDirty() []int32 {
	if !h.hasDirt.Load() {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]int32, 0, len(h.dirty))
	for p := range h.dirty {
		out = append(out, p)
	}
	h.dirty = map[int32]bool{}
	h.hasDirt.Store(false)
	return out
}

// isBarrier reports whether a record is a barrier, and its value.
func isBarrier(hs []ck.Header) ([]byte, bool) {
	for _, hd := range hs {
		if hd.Key == HeaderHopBarrier {
			return hd.Value, true
		}
	}
	return nil, false
}

// replace places partitions again whose actors' state may include inputs
// whose effects will never commit (see hop.sourcesLost): their actors stop,
// their uncommitted inputs of sources still here are forwarded, and they
// restart from the changelog, reading the internal partition again from
// its committed offset. Poll goroutine of the actors stage.
func (pl *Pipeline) replace(dirty []int32) {
	var parts []int32
	for _, p := range dirty {
		if pl.assigned[partKey{pl.internal, p}] {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return // revoked meanwhile
	}
	pl.release(parts, false)
	ctx, cancel := context.WithTimeout(context.Background(), pl.revokeMax)
	defer cancel()
	if err := pl.outbox.Flush(ctx); err != nil {
		pl.log.Warn("placing partitions again before their last effects are settled", zap.Error(err))
	}
	pl.hop.revoked(parts)
	tps := pl.internalPartitions(parts)
	if err := pl.c.IncrementalUnassign(tps); err != nil {
		pl.log.Error("incremental unassign", zap.Error(err))
	}
	for _, p := range parts {
		pl.tracker.Assign(pl.internal, p)
	}
	if err := pl.c.IncrementalAssign(tps); err != nil {
		pl.log.Error("incremental assign", zap.Error(err))
	}
	pl.adopt(tps)
	if pl.paused {
		_ = pl.c.Pause(tps)
	}
}
