package kafka

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/metrics"
)

func TestTrackerCommitsOnlyContiguousDoneOffsets(t *testing.T) {
	tr := NewTracker()
	tr.Assign("in", 0)
	var srcs []Source
	for off := int64(10); off < 15; off++ {
		s, ok := tr.Begin("in", 0, off)
		require.True(t, ok)
		srcs = append(srcs, s)
	}
	assert.Equal(t, 5, tr.InFlight())

	// 11 and 12 finish first: 10 is still in flight, so nothing is committable.
	tr.Done(srcs[1])
	tr.Done(srcs[2])
	assert.Empty(t, tr.Committable())

	tr.Done(srcs[0])
	c := tr.Committable()
	require.Len(t, c, 1)
	assert.Equal(t, int64(13), c[0].Offset, "commit points past the last contiguous done offset")

	tr.Done(srcs[0]) // idempotent
	assert.Equal(t, 2, tr.InFlight())
	assert.Empty(t, tr.Committable())
}

func TestTrackerSkipsOffsetGapsAndIgnoresRevokedPartitions(t *testing.T) {
	tr := NewTracker()
	tr.Assign("in", 3)
	a, _ := tr.Begin("in", 3, 0)
	b, _ := tr.Begin("in", 3, 5) // 1..4 were transaction markers or compacted away
	tr.Done(a)
	tr.Done(b)
	c := tr.Committable()
	require.Len(t, c, 1)
	assert.Equal(t, int64(6), c[0].Offset)

	late, _ := tr.Begin("in", 3, 6)
	tr.Revoke("in", 3)
	tr.Done(late) // no panic, no effect
	assert.Empty(t, tr.Committable())
	assert.Equal(t, 0, tr.InFlight())

	// A new assignment of the same partition does not accept sources of the old one.
	tr.Assign("in", 3)
	_, _ = tr.Begin("in", 3, 6)
	tr.Done(late)
	assert.Empty(t, tr.Committable())
	assert.Empty(t, tr.Current([]Source{late}))
}

func TestTrackerSettled(t *testing.T) {
	tr := NewTracker()
	tr.Assign("in", 0)
	s, _ := tr.Begin("in", 0, 0)
	stop := make(chan struct{})
	close(stop)
	assert.False(t, tr.WaitSettled([]Source{{Topic: "in", Partition: 0}}, stop))
	tr.Done(s)
	tr.Committed(tr.Committable())
	assert.True(t, tr.WaitSettled([]Source{{Topic: "in", Partition: 0}}, make(chan struct{})))
}

// A record stays unsettled from its read to the commit of its offset, not
// only until it is done: a reader of the in-flight gauge and the produced
// counters must not see an input finished while its transaction is open.
func TestTrackerCountsRecordsUnsettledUntilCommitted(t *testing.T) {
	tr := NewTracker()
	tr.Assign("in", 0)
	a, _ := tr.Begin("in", 0, 0)
	b, _ := tr.Begin("in", 0, 3) // 1 and 2 are no records
	c, _ := tr.Begin("in", 0, 4)
	assert.Equal(t, 3, tr.Unsettled())

	tr.Done(a)
	tr.Done(b)
	assert.Equal(t, 1, tr.InFlight())
	assert.Equal(t, 3, tr.Unsettled(), "done is not committed")

	first := tr.Committable()
	tr.Done(c)
	second := tr.Committable()
	assert.Equal(t, 3, tr.Unsettled(), "handed to a transaction is not committed")

	tr.Committed(first)
	assert.Equal(t, 1, tr.Unsettled(), "the first commit settles a and b, the skipped offsets are no records")
	tr.Committed(first) // a fence commits the same offset again
	assert.Equal(t, 1, tr.Unsettled())
	tr.Committed(second)
	assert.Equal(t, 0, tr.Unsettled())

	// A revoked partition's records are no longer this replica's to settle.
	d, _ := tr.Begin("in", 0, 5)
	tr.Done(d)
	tr.Committable()
	_, _ = tr.Begin("in", 0, 6)
	assert.Equal(t, 2, tr.Unsettled())
	tr.Revoke("in", 0)
	assert.Equal(t, 0, tr.Unsettled())
	assert.Equal(t, 0, tr.InFlight())
}

// An actor's effects belong to its partition: the outbox commits them only
// while the partition is owned under the same assignment, and fences a
// transaction of them with the partition's committed offset.
func TestEffectsAreOwnedAndFencedByTheirPartition(t *testing.T) {
	tr := NewTracker()
	o := &Outbox{m: metrics.New()}
	o.Serve(nil, tr)
	tr.Assign("internal", 2)
	owner := tr.Stamp(Source{Topic: "internal", Partition: 2})
	s, ok := tr.Begin("internal", 2, 40)
	require.True(t, ok)
	timer := Batch{Records: []Out{{Topic: "out"}}, Owner: &owner}
	input := Batch{Records: []Out{{Topic: "out"}}, Source: &s, Owner: &s}

	_, fenced := tr.Fence(owner)
	assert.False(t, fenced, "nothing committed yet: no offset to fence with")
	tr.SetCommitted("internal", 2, 40)
	assert.Equal(t, []Source{{Topic: "internal", Partition: 2, Offset: 40, epoch: s.epoch, tracker: tr}},
		o.fence([]Batch{timer}, nil), "a timer-only transaction commits the partition's offset again")
	assert.Len(t, o.fence([]Batch{timer, input}, []Source{{Topic: "internal", Partition: 2, Offset: 41}}), 1,
		"not twice when an input of the partition is in the transaction")

	assert.Len(t, o.owned([]Batch{timer, input}), 2)
	tr.Revoke("internal", 2)
	tr.Assign("internal", 2) // back, under a new assignment
	assert.Empty(t, o.owned([]Batch{timer, input}),
		"effects of the old assignment go: the input is read again, the restarted actors decide again")
	now := tr.Stamp(Source{Topic: "internal", Partition: 2})
	assert.Len(t, o.owned([]Batch{{Owner: &now}}), 1, "the new assignment's effects commit")
	tr.Revoke("internal", 2)
	assert.Empty(t, o.owned([]Batch{{Owner: &now}}), "nothing of a partition owned elsewhere commits")
	gone := tr.Stamp(Source{Topic: "internal", Partition: 2})
	tr.Assign("internal", 2)
	assert.Empty(t, o.owned([]Batch{{Owner: &gone}}), "nor what was emitted while it was not owned")
}
