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
	items []Command // items[head:] are queued
	head  int
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
		if q.head < len(q.items) {
			c := q.items[q.head]
			q.items[q.head] = Command{}
			q.head++
			q.compact()
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

// compact reuses the slice's room instead of slicing its head off, which
// left append reallocating the backing array again and again: once empty it
// starts over, and once the popped head is half of it the rest moves down
// (amortised O(1) per command).
func (q *cmdQueue) compact() {
	switch {
	case q.head == len(q.items):
		q.items, q.head = q.items[:0], 0
	case q.head >= 1024 && 2*q.head >= len(q.items):
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
}
