package kafka

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
