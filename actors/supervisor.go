package actors

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// ErrStopped is returned by Spawn once the supervisor has stopped.
var ErrStopped = errors.New("supervisor stopped")

// Supervisor starts the actors of one tenant and subsystem and restarts
// any of them that panics, alone: its siblings are untouched. Restart
// limits are not used: each shell bounds the retries of the input that made
// it panic, so an actor is never stopped for failing, only its poisonous
// input is given up.
//
// It supervises as a protoactor guardian rather than as a parent actor, so
// Spawn is a plain call that never waits on any mailbox: an actor can start
// others from its own mailbox without blocking it. It also keeps the PIDs
// of its live actors, because a guardian does not, so StopAll can stop them.
type Supervisor struct {
	root     *actor.RootContext
	name     string
	strategy actor.SupervisorStrategy

	mu      sync.Mutex
	stopped bool
	live    map[string]child
	spawned uint64 // spawn counter: StopAll stops in spawn order
}

type child struct {
	pid *actor.PID
	seq uint64
}

// NewSupervisor returns the supervisor of the actors named name/... .
func NewSupervisor(sys *actor.ActorSystem, name string) *Supervisor {
	return &Supervisor{
		root: sys.Root,
		name: name,
		strategy: actor.NewOneForOneStrategy(1<<30, time.Second, func(any) actor.Directive {
			return actor.RestartDirective
		}),
		live: map[string]child{},
	}
}

// Spawn starts an actor named name under this supervisor. Safe from any
// goroutine, an actor's mailbox included.
func (s *Supervisor) Spawn(name string, props *actor.Props) (*actor.PID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, fmt.Errorf("spawn %s/%s: %w", s.name, name, ErrStopped)
	}
	id := s.name + "/" + name
	pid, err := s.root.SpawnNamed(props.Configure(actor.WithGuardian(s.strategy)), id)
	if err != nil {
		return nil, fmt.Errorf("spawn %s: %w", id, err)
	}
	s.spawned++
	s.live[pid.Id] = child{pid: pid, seq: s.spawned}
	return pid, nil
}

// Stop stops one actor once it has handled everything already in its
// mailbox (Poison, not Stop, which would drop them), without waiting.
func (s *Supervisor) Stop(pid *actor.PID) {
	s.mu.Lock()
	delete(s.live, pid.Id)
	s.mu.Unlock()
	s.root.Poison(pid)
}

// StopAll stops every live actor, in the order they were started, each
// after it has drained its mailbox, and waits for them. Spawn fails
// afterwards.
func (s *Supervisor) StopAll() {
	for _, c := range s.takeAll() {
		_ = s.root.PoisonFuture(c.pid).Wait()
	}
}

// Halt stops every live actor at once, dropping what their mailboxes
// still hold (Stop, not Poison), and waits for them; their timers stop
// with them. It is for when nothing an actor could still do would count:
// effects can no longer be committed. Spawn fails afterwards.
func (s *Supervisor) Halt() {
	children := s.takeAll()
	stopped := make([]*actor.Future, len(children))
	for i, c := range children {
		stopped[i] = s.root.StopFuture(c.pid)
	}
	for _, f := range stopped {
		_ = f.Wait()
	}
}

// takeAll ends spawning and returns the live actors in spawn order.
func (s *Supervisor) takeAll() []child {
	s.mu.Lock()
	s.stopped = true
	children := make([]child, 0, len(s.live))
	for _, c := range s.live {
		children = append(children, c)
	}
	s.live = map[string]child{}
	s.mu.Unlock()
	sort.Slice(children, func(i, j int) bool { return children[i].seq < children[j].seq })
	return children
}
