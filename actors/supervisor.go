package actors

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"
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
//
// It is the registry actors are found in, by name, and the one way to put a
// message in their mailboxes (Tell), because an actor may rest: a Rester
// idle for a sweep period leaves memory but stays registered, and the next
// message wakes it (see Sweep).
type Supervisor struct {
	root     *actor.RootContext
	name     string
	strategy actor.SupervisorStrategy

	mu      sync.Mutex
	stopped bool
	live    map[string]*child // by name, resting actors included
	// stopping are the cells of actors told to stop that have not stopped
	// yet: a panic while draining restarts them, and the new shell must
	// find its cell.
	stopping map[string]*child
	kinds    map[string]*kindShell
	spawned  uint64 // spawn counter: StopAll stops in spawn order
}

// child is what the supervisor keeps of an actor; every field is guarded
// by the supervisor's lock.
type child struct {
	pid  *actor.PID // nil while the actor rests
	seq  uint64
	cell *cell
	// incarnation numbers the protoactor processes the actor has had: a
	// woken actor must not wait for its resting predecessor to leave
	// protoactor's registry, so each gets a name of its own.
	incarnation uint32
	// touched: a message was told since the last sweep.
	touched bool
	// idle counts the sweeps since the last message; the actor is asked
	// to rest once it reaches patience. asleep counts the sweeps it has
	// rested through (saturating).
	idle, patience, asleep uint8
	// closing: the actor was asked to rest and nothing was told since; a
	// message told clears it, and the actor then stays.
	closing bool
	// restless: the actor cannot rest (not a Rester); sweeps skip it.
	restless bool
}

// NewSupervisor returns the supervisor of the actors named name/... .
func NewSupervisor(sys *actor.ActorSystem, name string) *Supervisor {
	return &Supervisor{
		root: sys.Root,
		name: name,
		strategy: actor.NewOneForOneStrategy(1<<30, time.Second, func(any) actor.Directive {
			return actor.RestartDirective
		}),
		live:     map[string]*child{},
		stopping: map[string]*child{},
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
	k, err := s.admitLocked(name, cfg)
	if err != nil {
		return nil, err
	}
	ch := &child{seq: s.spawned, patience: 1, cell: &cell{kind: k, name: name, newActor: newActor}}
	if err := s.startLocked(ch); err != nil {
		return nil, err
	}
	s.live[name] = ch
	return ch.pid, nil
}

// SpawnResting registers a, a Rester, named name already at rest, as if it had
// run and gone to rest with snapshot: no process starts until a message
// or its timer (armed at deadline when armed is true) wakes it, which
// then restores it from snapshot. Restoring a partition's many idle
// actors this way costs their records, not a process each.
func (s *Supervisor) SpawnResting(name string, cfg ShellConfig, a Actor, snapshot any, deadline time.Time, armed bool) error {
	if _, ok := a.(Rester); !ok {
		return fmt.Errorf("spawn %s/%s at rest: %T cannot rest", s.name, name, a)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.admitLocked(name, cfg)
	if err != nil {
		return err
	}
	c := &cell{kind: k, name: name, a: a, snapshot: snapshot}
	c.timer = s.timerOf(c)
	if armed {
		c.timer.Arm(deadline, c.fireAt(deadline))
	}
	s.live[name] = &child{seq: s.spawned, patience: 1, cell: c}
	k.resting.Inc()
	return nil
}

// timerOf makes the timer of cell c. Its fires go through Tell, which
// wakes a resting actor.
func (s *Supervisor) timerOf(c *cell) *Timer {
	name := c.name
	return NewTimer(c.kind.cfg.Clock, func(f TimerFired) { s.tell(name, f) })
}

// admitLocked checks that an actor named name may be spawned and numbers
// it; it returns the shell of cfg's kind.
func (s *Supervisor) admitLocked(name string, cfg ShellConfig) (*kindShell, error) {
	if s.stopped {
		return nil, fmt.Errorf("spawn %s/%s: %w", s.name, name, ErrStopped)
	}
	if _, dup := s.live[name]; dup {
		return nil, fmt.Errorf("spawn %s/%s: %w", s.name, name, actor.ErrNameExists)
	}
	k, ok := s.kinds[cfg.Kind]
	if !ok {
		k = newKindShell(cfg, s)
		s.kinds[cfg.Kind] = k
	}
	s.spawned++
	return k, nil
}

// startLocked starts a protoactor process for ch: its first, or a woken
// one. The shell looks its cell up when it starts, on its own goroutine,
// and waits for this lock to do so: registered by the caller, it is there.
func (s *Supervisor) startLocked(ch *child) error {
	ch.incarnation++
	id := s.name + "/" + ch.cell.name + "~" + strconv.FormatUint(uint64(ch.incarnation), 10)
	pid, err := s.root.SpawnNamed(ch.cell.kind.props, id)
	if err != nil {
		return fmt.Errorf("spawn %s: %w", id, err)
	}
	ch.pid, ch.touched, ch.closing, ch.idle = pid, true, false, 0
	return nil
}

// Tell puts msg in the mailbox of the actor named name, waking it if it
// rests, and reports whether there is such an actor. Messages told from
// one goroutine arrive in order.
func (s *Supervisor) Tell(name []byte, msg any) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliverLocked(s.live[string(name)], msg)
}

// tell is Tell by a name held as a string (an actor's timer, a Mailbox).
func (s *Supervisor) tell(name string, msg any) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deliverLocked(s.live[name], msg)
}

// deliverLocked tells ch (nil: no such actor; a stopped supervisor has
// none) msg, waking it if it rests.
func (s *Supervisor) deliverLocked(ch *child, msg any) bool {
	if ch == nil {
		return false
	}
	if ch.pid == nil {
		// The cell was last written by the mailbox that put the actor to
		// rest, under this lock: it is safe to read here.
		if r, ok := ch.cell.a.(Rester); ok && r.Peek(ch.cell.snapshot, msg) {
			return true
		}
		if err := s.startLocked(ch); err != nil {
			// Only if protoactor's registry held the name: never for the
			// unique names startLocked makes.
			ch.cell.kind.cfg.Log.Error("resting actor not woken", zap.Error(err))
			return false
		}
		ch.adjustPatience()
		ch.cell.kind.resting.Dec()
		ch.cell.kind.wakes.Inc()
	}
	ch.touched, ch.closing = true, false
	s.root.Send(ch.pid, msg)
	return true
}

// Mailbox addresses the actor named name (see Tell).
func (s *Supervisor) Mailbox(name string) Mailbox { return supMailbox{s, name} }

type supMailbox struct {
	s    *Supervisor
	name string
}

func (m supMailbox) Tell(msg any) bool { return m.s.tell(m.name, msg) }
func (m supMailbox) String() string    { return m.s.name + "/" + m.name }

// Has reports whether an actor named name is registered, running or
// resting.
func (s *Supervisor) Has(name []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.live[string(name)]
	return ok
}

// nameOf is the name an actor was spawned under, from its protoactor id.
func (s *Supervisor) nameOf(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, s.name+"/")
	if !ok {
		return "", false
	}
	i := strings.LastIndexByte(rest, '~')
	if i < 0 {
		return "", false
	}
	return rest[:i], true
}

// cellOf is the cell of the actor with protoactor id id (nil if none).
func (s *Supervisor) cellOf(id string) *cell {
	name, ok := s.nameOf(id)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.live[name]; ok && ch.pid != nil && ch.pid.Id == id {
		return ch.cell
	}
	if ch, ok := s.stopping[name]; ok && ch.pid.Id == id {
		return ch.cell
	}
	return nil
}

// forget drops the cell of an actor whose process has stopped.
func (s *Supervisor) forget(id string, c *cell) {
	name, ok := s.nameOf(id)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.stopping[name]; ok && ch.cell == c && ch.pid.Id == id {
		delete(s.stopping, name)
	}
	if ch, ok := s.live[name]; ok && ch.cell == c && ch.pid != nil && ch.pid.Id == id {
		delete(s.live, name) // stopped by protoactor itself (the system shutting down)
	}
}

// Stop stops the actor named name once it has handled everything already
// in its mailbox (Poison, not Stop, which would drop them), without
// waiting. A resting actor is dropped at once, with its timer.
func (s *Supervisor) Stop(name []byte) {
	s.mu.Lock()
	ch, ok := s.live[string(name)]
	if ok {
		delete(s.live, string(name))
		if ch.pid == nil {
			s.dropRestingLocked(ch)
		} else {
			s.stopping[string(name)] = ch
		}
	}
	s.mu.Unlock()
	if ok && ch.pid != nil {
		s.root.Poison(ch.pid)
	}
}

// Each calls f with every registered actor's name, resting ones included.
func (s *Supervisor) Each(f func(name string)) {
	s.mu.Lock()
	all := make([]string, 0, len(s.live))
	for name := range s.live {
		all = append(all, name)
	}
	s.mu.Unlock()
	for _, name := range all {
		f(name)
	}
}

// StopAll stops every live actor, in the order they were started, each
// after it has drained its mailbox, and waits for them. Resting actors are
// dropped. Spawn fails afterwards.
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

// takeAll ends spawning, drops the resting actors and returns the running
// ones in spawn order.
func (s *Supervisor) takeAll() []*child {
	s.mu.Lock()
	s.stopped = true
	children := make([]*child, 0, len(s.live))
	for name, ch := range s.live {
		if ch.pid == nil {
			s.dropRestingLocked(ch)
			continue
		}
		children = append(children, ch)
		s.stopping[name] = ch
	}
	s.live = map[string]*child{}
	s.mu.Unlock()
	sort.Slice(children, func(i, j int) bool { return children[i].seq < children[j].seq })
	return children
}
