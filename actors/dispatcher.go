package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// workerIdle is how long a worker waits for the next mailbox before it
// ends: a burst keeps its workers, a quiet service keeps none.
const workerIdle = time.Second

// Throughput is how many messages a mailbox runs per turn before it lets
// other mailboxes run (protoactor's default).
const Throughput = 300

// Workers is a protoactor dispatcher that runs mailboxes on reused
// goroutines. protoactor's default starts a goroutine per mailbox run; each
// started with a small stack and grew it again (JSON encoding is deep), and
// stack growth plus goroutine creation took about 12 % of the service's
// CPU at 6,000 commands/s over 100,000 actors. A worker keeps its grown
// stack between runs. Workers end on their own after workerIdle without
// work, so the dispatcher owns no goroutine once the system is quiet and
// needs no stop.
type Workers struct {
	throughput int
	handoff    chan func()
}

// NewWorkers returns a dispatcher that runs at most throughput messages of
// a mailbox per turn, like actor.NewDefaultDispatcher.
func NewWorkers(throughput int) *Workers {
	return &Workers{throughput: throughput, handoff: make(chan func())}
}

// Schedule implements actor.Dispatcher: an idle worker takes fn, or a new
// one starts with it. It never blocks.
func (w *Workers) Schedule(fn func()) {
	select {
	case w.handoff <- fn:
	default:
		go w.work(fn)
	}
}

// Throughput implements actor.Dispatcher.
func (w *Workers) Throughput() int { return w.throughput }

func (w *Workers) work(fn func()) {
	idle := time.NewTimer(workerIdle)
	defer idle.Stop()
	for {
		fn()
		idle.Reset(workerIdle)
		select {
		case fn = <-w.handoff:
		case <-idle.C:
			return
		}
	}
}

var _ actor.Dispatcher = (*Workers)(nil)
