package actors

import (
	"errors"
	"fmt"
	"sort"
	"strings"
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
	live    map[string]child // by name: the registry callers find actors in
	// stopping are the cells of actors told to stop that have not stopped
	// yet: a panic while draining restarts them, and the new shell must
	// find its cell.
	stopping map[string]*cell
	kinds    map[string]*kindShell
	spawned  uint64 // spawn counter: StopAll stops in spawn order
}

type child struct {
	pid  *actor.PID
	seq  uint64
	cell *cell
}

// NewSupervisor returns the supervisor of the actors named name/... .
func NewSupervisor(sys *actor.ActorSystem, name string) *Supervisor {
	return &Supervisor{
		root: sys.Root,
		name: name,
		strategy: actor.NewOneForOneStrategy(1<<30, time.Second, func(any) actor.Directive {
			return actor.RestartDirective
		}),
		live:     map[string]child{},
		stopping: map[string]*cell{},
		kinds:    map[string]*kindShell{},
	}
}

// Spawn starts a domain actor named name under this supervisor, in a shell
// of cfg's kind; newActor makes it at its first start (and again only if
// that Start panicked). Safe from any goroutine, an actor's mailbox
// included.
func (s *Supervisor) Spawn(name string, cfg ShellConfig, newActor func() Actor) (*actor.PID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, fmt.Errorf("spawn %s/%s: %w", s.name, name, ErrStopped)
	}
	id := s.name + "/" + name
	if _, dup := s.live[name]; dup {
		return nil, fmt.Errorf("spawn %s: %w", id, actor.ErrNameExists)
	}
	k, ok := s.kinds[cfg.Kind]
	if !ok {
		k = newKindShell(cfg, s)
		s.kinds[cfg.Kind] = k
	}
	c := &cell{kind: k, newActor: newActor}
	// The shell looks its cell up when it starts, on its own goroutine,
	// and waits for this lock to do so: registered below, it is there.
	pid, err := s.root.SpawnNamed(k.props, id)
	if err != nil {
		return nil, fmt.Errorf("spawn %s: %w", id, err)
	}
	s.spawned++
	s.live[name] = child{pid: pid, seq: s.spawned, cell: c}
	return pid, nil
}

// Get is the live actor named name, if any.
func (s *Supervisor) Get(name []byte) (*actor.PID, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.live[string(name)]
	return c.pid, ok
}

// nameOf is the name an actor was spawned under, from its protoactor id.
func (s *Supervisor) nameOf(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, s.name)
	if !ok {
		return "", false
	}
	return strings.CutPrefix(rest, "/")
}

// cellOf is the cell of the actor with protoactor id id (nil if none).
func (s *Supervisor) cellOf(id string) *cell {
	name, ok := s.nameOf(id)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.live[name]; ok {
		return c.cell
	}
	return s.stopping[name]
}

// forget drops the cell of an actor that has stopped.
func (s *Supervisor) forget(id string, c *cell) {
	name, ok := s.nameOf(id)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping[name] == c {
		delete(s.stopping, name)
	}
	if ch, ok := s.live[name]; ok && ch.cell == c {
		delete(s.live, name) // stopped by protoactor itself (the system shutting down)
	}
}

// Stop stops the actor named name once it has handled everything already
// in its mailbox (Poison, not Stop, which would drop them), without
// waiting.
func (s *Supervisor) Stop(name []byte) {
	s.mu.Lock()
	c, ok := s.live[string(name)]
	if ok {
		delete(s.live, string(name))
		s.stopping[string(name)] = c.cell
	}
	s.mu.Unlock()
	if ok {
		s.root.Poison(c.pid)
	}
}

// Each calls f with every live actor's name and PID.
func (s *Supervisor) Each(f func(name string, pid *actor.PID)) {
	s.mu.Lock()
	type entry struct {
		name string
		pid  *actor.PID
	}
	all := make([]entry, 0, len(s.live))
	for name, c := range s.live {
		all = append(all, entry{name, c.pid})
	}
	s.mu.Unlock()
	for _, e := range all {
		f(e.name, e.pid)
	}
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
	for name, c := range s.live {
		children = append(children, c)
		s.stopping[name] = c.cell
	}
	s.live = map[string]child{}
	s.mu.Unlock()
	sort.Slice(children, func(i, j int) bool { return children[i].seq < children[j].seq })
	return children
}
