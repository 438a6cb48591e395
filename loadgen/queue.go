package loadgen

import (
	"context"
	"sync"
)

// cmdQueue is an unbounded FIFO of commands waiting for the rate limiter.
// It must not be bounded: the consume loop feeds it, and a full queue would
// stop the loadgen reading effects, inflating the latency it measures.
type cmdQueue struct {
	mu    sync.Mutex
	items []Command
	ready chan struct{} // a token when items may be non-empty
}

func newCmdQueue() *cmdQueue { return &cmdQueue{ready: make(chan struct{}, 1)} }

func (q *cmdQueue) push(c Command) {
	q.mu.Lock()
	q.items = append(q.items, c)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop waits for the next command; false once ctx ends.
func (q *cmdQueue) pop(ctx context.Context) (Command, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			c := q.items[0]
			q.items[0] = Command{}
			q.items = q.items[1:]
			q.mu.Unlock()
			return c, true
		}
		q.mu.Unlock()
		select {
		case <-q.ready:
		case <-ctx.Done():
			return Command{}, false
		}
	}
}
