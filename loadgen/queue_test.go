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
