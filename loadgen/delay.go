package loadgen

import (
	"container/heap"
	"context"
	"time"
)

// delayed is a command held back until At.
type delayed struct {
	At  time.Time
	Cmd Command
}

type delayHeap []delayed

func (h delayHeap) Len() int           { return len(h) }
func (h delayHeap) Less(i, j int) bool { return h[i].At.Before(h[j].At) }
func (h delayHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *delayHeap) Push(x any)        { *h = append(*h, x.(delayed)) }
func (h *delayHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// delayLoop releases commands to out once their delay has passed. It owns
// its heap and returns when ctx ends.
func delayLoop(ctx context.Context, in <-chan delayed, out func(context.Context, []Command) bool) {
	var h delayHeap
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		var wake <-chan time.Time
		if len(h) > 0 {
			t.Reset(time.Until(h[0].At))
			wake = t.C
		}
		select {
		case <-ctx.Done():
			return
		case d := <-in:
			heap.Push(&h, d)
		case <-wake:
		}
		now := time.Now()
		var due []Command
		for len(h) > 0 && !h[0].At.After(now) {
			due = append(due, heap.Pop(&h).(delayed).Cmd)
		}
		if len(due) > 0 && !out(ctx, due) {
			return
		}
	}
}
