package ride

import "container/heap"

// queue is a binary min-heap of instances that records each member's position
// inside the instance, so membership tests, removal and re-keying are O(1) or
// O(log n). The Machine keeps two: deadlines (by due time) and vacant
// instances (by creation order).
type queue struct {
	items []*instance
	less  func(a, b *instance) bool
	pos   func(in *instance) *int
}

// byDue orders the deadline queue; ties go to the older instance so Tick's
// output order is deterministic.
func byDue(a, b *instance) bool {
	if !a.due.Equal(b.due) {
		return a.due.Before(b.due)
	}
	return a.seq < b.seq
}

// bySeq orders the vacancy queue: the oldest instance is joined first.
func bySeq(a, b *instance) bool { return a.seq < b.seq }

func duePos(in *instance) *int    { return &in.duePos }
func vacantPos(in *instance) *int { return &in.vacantPos }

// heap.Interface; use the methods below instead.
func (q *queue) Len() int           { return len(q.items) }
func (q *queue) Less(i, j int) bool { return q.less(q.items[i], q.items[j]) }
func (q *queue) Swap(i, j int) {
	q.items[i], q.items[j] = q.items[j], q.items[i]
	*q.pos(q.items[i]) = i
	*q.pos(q.items[j]) = j
}
func (q *queue) Push(x any) {
	in := x.(*instance)
	*q.pos(in) = len(q.items)
	q.items = append(q.items, in)
}
func (q *queue) Pop() any {
	last := len(q.items) - 1
	in := q.items[last]
	q.items[last] = nil // let a released instance be collected
	q.items = q.items[:last]
	*q.pos(in) = -1
	return in
}

// peek returns the minimum, or nil when empty.
func (q *queue) peek() *instance {
	if len(q.items) == 0 {
		return nil
	}
	return q.items[0]
}

// add inserts in unless it is already a member.
func (q *queue) add(in *instance) {
	if *q.pos(in) < 0 {
		heap.Push(q, in)
	}
}

// remove deletes in if it is a member.
func (q *queue) remove(in *instance) {
	if p := *q.pos(in); p >= 0 {
		heap.Remove(q, p)
	}
}

// fix restores the order after in's key changed.
func (q *queue) fix(in *instance) {
	if p := *q.pos(in); p >= 0 {
		heap.Fix(q, p)
	}
}

// pop removes and returns the minimum.
func (q *queue) pop() *instance { return heap.Pop(q).(*instance) }
