package actors

import "github.com/asynkron/protoactor-go/actor"

// Resting (passivation): a Rester told nothing for a while leaves memory
// and the next message or timer fire wakes it. The supervisor decides and
// wakes, under its lock, so no message can reach a process that let go of
// its state; the shell drops the state from the actor's own mailbox.

// restNow asks an actor to rest (see Supervisor.Sweep).
type restNow struct{}

// maxPatience bounds how many idle sweeps a busy actor waits before it
// rests: at the default 30 s period, 16 minutes; at 2 s, about a minute.
const maxPatience = 32

// adjustPatience learns from a wake how busy the actor is. Woken before
// it had rested as long as it had waited to rest, it was put to rest too
// soon: it waits twice as many idle sweeps next time. Resting four times
// longer than it waited, it may rest sooner again. So an actor whose
// inputs come a little slower than the sweep period (a loaded service's
// latency, a player's pace) stops paying a rest and a wake for each.
func (ch *child) adjustPatience() {
	switch {
	case ch.asleep < ch.patience && ch.patience < maxPatience:
		ch.patience *= 2
	case ch.asleep >= 4*ch.patience && ch.patience > 1:
		ch.patience /= 2
	}
	ch.asleep = 0
}

// Sweep asks every actor that was told nothing for its patience (one
// sweep at first, see adjustPatience) to rest. A Rester then leaves memory
// (its process stops, its cell stays with its snapshot and its armed
// timer) unless a message was told to it meanwhile; the next message, or
// its timer, wakes it. Called every period P, it rests an actor idle for
// between P and 2P, or longer for one that proved busy.
func (s *Supervisor) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.live {
		switch {
		case ch.pid == nil:
			if ch.asleep < 255 {
				ch.asleep++
			}
		case ch.restless || ch.closing:
		case ch.touched:
			ch.touched, ch.idle = false, 0
		default:
			if ch.idle++; ch.idle >= ch.patience {
				ch.closing = true
				s.root.Send(ch.pid, restNow{})
			}
		}
	}
}

// settleRest is the actor's answer to restNow, from its mailbox: r rests
// (r.Rest is called under the lock) only if nothing was told to the actor
// since it was asked; a nil r cannot rest, and is not asked again. It
// reports whether the actor now rests; its process must then stop without
// touching its cell again.
func (s *Supervisor) settleRest(c *cell, self *actor.PID, r Rester) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.live[c.name]
	if !ok || ch.cell != c || ch.pid == nil || ch.pid.Id != self.Id || !ch.closing {
		return false
	}
	ch.closing = false
	if r == nil {
		ch.restless = true
		return false
	}
	if !r.Rest() {
		return false
	}
	ch.pid = nil
	c.kind.live.Dec()
	c.counted = false
	c.kind.resting.Inc()
	return true
}

// dropRestingLocked forgets a resting actor. No mailbox runs for it, so
// its timer is stopped here; a fire racing this finds nothing to wake.
func (s *Supervisor) dropRestingLocked(ch *child) {
	ch.cell.timer.Stop()
	ch.cell.kind.resting.Dec()
}

// rest answers the supervisor's sweep: a Rester idle since it was asked
// drops its live state and this process stops; the cell keeps the
// snapshot and the armed timer for the next incarnation. A user message
// runs only after a start completed, so the domain actor exists and no
// message is being retried here.
func (s *shell) rest(ctx actor.Context) {
	r, _ := s.cell.a.(Rester)
	if s.sup.settleRest(s.cell, ctx.Self(), r) {
		s.cell, s.retired = nil, true
		ctx.Stop(ctx.Self())
	}
}
