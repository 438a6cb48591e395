package kafka

import (
	"sync"
)

// Source identifies one consumed record whose effects must be committed
// before its offset is.
type Source struct {
	Topic     string
	Partition int32
	Offset    int64
	// epoch is the assignment generation the record was read under; a record
	// from an earlier assignment of the partition is never committed.
	epoch uint64
	// tracker is the tracker (of one consumer group) that handed the
	// source out, so an outbox shared by several groups settles it in the
	// right one; nil for a source no tracker knows.
	tracker *Tracker
}

type partKey struct {
	topic     string
	partition int32
}

// mark is the state of one offset in a partition's window.
type mark uint8

const (
	pending mark = iota // a record read and not yet done
	done                // a record done, its effects in a transaction
	skipped             // an offset that is no record (compaction, a transaction marker)
)

// partitionTrack is the in-order window of offsets read from one partition.
type partitionTrack struct {
	epoch     uint64
	base      int64  // offset of window[0]
	window    []mark // window[i] is offset base+i
	committed int64  // last offset committed (next offset to read), -1 unknown
	// unsettled counts the records read and not yet committed; awaiting
	// holds the done records Committable handed out, by the offset whose
	// commit settles them.
	unsettled int
	awaiting  []settles
}

// settles is n done records that a commit of offset next or beyond settles.
type settles struct {
	next int64
	n    int
}

// Tracker records which offsets of each assigned partition are in flight and
// which are done, so that only the highest contiguous done offset is ever
// committed: an offset is never committed past an earlier record of the same
// partition that is still being handled. Safe for concurrent use.
type Tracker struct {
	mu       sync.Mutex
	cond     *sync.Cond
	parts    map[partKey]*partitionTrack
	epoch    uint64
	inFlight int
	// unsettled is the records read and not yet committed, done or not.
	unsettled int
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker {
	t := &Tracker{parts: make(map[partKey]*partitionTrack)}
	t.cond = sync.NewCond(&t.mu)
	return t
}

// Assign starts tracking partitions.
func (t *Tracker) Assign(topic string, partition int32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.epoch++
	k := partKey{topic, partition}
	t.forgetLocked(k)
	t.parts[k] = &partitionTrack{epoch: t.epoch, base: -1, committed: -1}
}

// Revoke stops tracking a partition; its pending offsets are forgotten and
// late completions for it are ignored.
func (t *Tracker) Revoke(topic string, partition int32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forgetLocked(partKey{topic, partition})
}

// forgetLocked drops a partition's track and what it counted.
func (t *Tracker) forgetLocked(k partKey) {
	if p, ok := t.parts[k]; ok {
		t.inFlight -= p.pending()
		t.unsettled -= p.unsettled
		delete(t.parts, k)
		t.cond.Broadcast()
	}
}

func (p *partitionTrack) pending() int {
	n := 0
	for _, m := range p.window {
		if m == pending {
			n++
		}
	}
	return n
}

// Begin records that offset was read and is now in flight. Offsets of a
// partition must be begun in increasing order, as the consumer reads them.
func (t *Tracker) Begin(topic string, partition int32, offset int64) (Source, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.parts[partKey{topic, partition}]
	if !ok {
		return Source{}, false
	}
	if p.base < 0 || len(p.window) == 0 {
		p.base = offset
		p.window = p.window[:0]
	} else if gap := offset - (p.base + int64(len(p.window))); gap > 0 {
		// Offsets skipped by the broker (compaction, transaction markers)
		// are not records: count them as done.
		for i := int64(0); i < gap; i++ {
			p.window = append(p.window, skipped)
		}
	}
	p.window = append(p.window, pending)
	t.inFlight++
	p.unsettled++
	t.unsettled++
	return Source{Topic: topic, Partition: partition, Offset: offset, epoch: p.epoch, tracker: t}, true
}

// Done marks a source as handled, its effects on their way in the current
// transaction. Done is idempotent.
func (t *Tracker) Done(s Source) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.parts[partKey{s.Topic, s.Partition}]
	if !ok || p.epoch != s.epoch || p.base < 0 {
		return
	}
	i := s.Offset - p.base
	if i < 0 || i >= int64(len(p.window)) || p.window[i] != pending {
		return
	}
	p.window[i] = done
	t.inFlight--
	t.cond.Broadcast()
}

// Committable returns, per partition, the next offset to commit where it is
// ahead of what was last committed. It also trims the done prefix.
func (t *Tracker) Committable() []Source {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Source
	for k, p := range t.parts {
		n, records := 0, 0
		for n < len(p.window) && p.window[n] != pending {
			if p.window[n] == done {
				records++
			}
			n++
		}
		if n == 0 {
			continue
		}
		next := p.base + int64(n)
		if records > 0 {
			p.awaiting = append(p.awaiting, settles{next: next, n: records})
		}
		p.window = p.window[n:]
		p.base = next
		out = append(out, Source{Topic: k.topic, Partition: k.partition, Offset: next, epoch: p.epoch, tracker: t})
	}
	return out
}

// Committed records that offsets were committed by the broker.
func (t *Tracker) Committed(offs []Source) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, s := range offs {
		p, ok := t.parts[partKey{s.Topic, s.Partition}]
		if !ok || p.epoch != s.epoch {
			continue
		}
		if s.Offset > p.committed {
			p.committed = s.Offset
		}
		settled := 0
		for settled < len(p.awaiting) && p.awaiting[settled].next <= s.Offset {
			p.unsettled -= p.awaiting[settled].n
			t.unsettled -= p.awaiting[settled].n
			settled++
		}
		p.awaiting = p.awaiting[settled:]
	}
	t.cond.Broadcast()
}

// InFlight is the number of records read and not yet done.
func (t *Tracker) InFlight() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.inFlight
}

// Unsettled is the number of records read and not yet committed: those in
// flight and those done whose transaction has not committed yet.
func (t *Tracker) Unsettled() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.unsettled
}

// settledLocked reports whether a partition has nothing in flight and
// everything read has been committed.
func (t *Tracker) settledLocked(k partKey) bool {
	p, ok := t.parts[k]
	if !ok {
		return true
	}
	if p.pending() > 0 {
		return false
	}
	return p.base < 0 || p.committed >= p.base+int64(len(p.window))
}

// WaitSettled blocks until every listed partition is settled or stop is
// closed; it reports whether all settled.
func (t *Tracker) WaitSettled(keys []Source, stop <-chan struct{}) bool {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-stop:
		case <-done:
		}
		t.mu.Lock()
		t.cond.Broadcast()
		t.mu.Unlock()
	}()
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		all := true
		for _, s := range keys {
			if !t.settledLocked(partKey{s.Topic, s.Partition}) {
				all = false
				break
			}
		}
		if all {
			return true
		}
		select {
		case <-stop:
			return false
		default:
		}
		t.cond.Wait()
	}
}

// Current keeps the offsets whose partition is still assigned under the
// same assignment they were computed for.
func (t *Tracker) Current(offs []Source) []Source {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := offs[:0:0]
	for _, s := range offs {
		if p, ok := t.parts[partKey{s.Topic, s.Partition}]; ok && p.epoch == s.epoch {
			out = append(out, s)
		}
	}
	return out
}

// Owns reports whether s's partition is assigned to this replica, under
// the same assignment s was read in or stamped with (any assignment when
// s has none).
func (t *Tracker) Owns(s Source) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.parts[partKey{s.Topic, s.Partition}]
	return ok && (s.epoch == 0 || s.epoch == p.epoch)
}

// Fence is the offset to commit again for s's partition in a transaction
// that completes no input of it (an actor's timer effects): the broker
// refuses offsets sent with the group metadata of an older generation, so a
// replica that lost the partition without noticing cannot commit them. It
// reports false when the partition is not owned or nothing was committed
// for it yet.
func (t *Tracker) Fence(s Source) (Source, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.parts[partKey{s.Topic, s.Partition}]
	if !ok || p.committed < 0 {
		return Source{}, false
	}
	return Source{Topic: s.Topic, Partition: s.Partition, Offset: p.committed, epoch: p.epoch, tracker: t}, true
}

// SetCommitted records the group's committed offset of a partition found
// at assignment, so Fence works before this replica commits anything.
func (t *Tracker) SetCommitted(topic string, partition int32, offset int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if p, ok := t.parts[partKey{topic, partition}]; ok && offset > p.committed {
		p.committed = offset
	}
}

// Stamp is s under the partition's current assignment, so its effects are
// committed only while that assignment lasts; a partition not owned gets a
// stamp no assignment matches.
func (t *Tracker) Stamp(s Source) Source {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.epoch, s.tracker = ^uint64(0), t
	if p, ok := t.parts[partKey{s.Topic, s.Partition}]; ok {
		s.epoch = p.epoch
	}
	return s
}
