package loadgen

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCmdQueueIsUnboundedFIFO(t *testing.T) {
	q := newCmdQueue()
	for i := 0; i < 200000; i++ { // far past any channel bound: push never blocks
		q.push(Command{Character: uint32(i)})
	}
	for i := 0; i < 200000; i++ {
		c, ok := q.pop(context.Background())
		require.True(t, ok)
		require.Equal(t, uint32(i), c.Character)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, ok := q.pop(ctx)
	assert.False(t, ok)
}

// Interleaved pushes and pops keep FIFO order across compactions.
func TestCmdQueueInterleaved(t *testing.T) {
	q := newCmdQueue()
	next, want := 0, 0
	for round := 0; round < 50; round++ {
		for range 1000 + round*37 {
			q.push(Command{Character: uint32(next)})
			next++
		}
		for range 900 + round*29 {
			c, ok := q.pop(context.Background())
			require.True(t, ok)
			require.Equal(t, uint32(want), c.Character)
			want++
		}
	}
	for want < next {
		c, ok := q.pop(context.Background())
		require.True(t, ok)
		require.Equal(t, uint32(want), c.Character)
		want++
	}
	assert.Equal(t, 0, q.head)
	assert.Empty(t, q.items)
}

// BenchmarkCmdQueue pushes and pops with a standing backlog, as the send
// loop sees under load.
func BenchmarkCmdQueue(b *testing.B) {
	q := newCmdQueue()
	for range 5000 {
		q.push(Command{})
	}
	b.ReportAllocs()
	for b.Loop() {
		q.push(Command{Character: 1})
		_, _ = q.pop(context.Background())
	}
}
