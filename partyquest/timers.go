package partyquest

import (
	"time"

	"github.com/gamehost/transitquest/messages"
)

type deadlineKind uint8

const (
	noDeadline deadlineKind = iota
	registrationDeadline
	runDeadline
	stageDeadline
)

// NextDeadline is the instant at which Tick has something to do, if any. The
// actor arms one timer for it after every call.
func (m *Machine) NextDeadline() (time.Time, bool) { return m.s.NextDeadline() }

// NextDeadline is Machine.NextDeadline of a machine restored from s,
// without restoring one (which copies the whole state).
func (s *State) NextDeadline() (time.Time, bool) {
	at, kind := s.due()
	return at, kind != noDeadline
}

// due picks the earliest armed deadline of the current state. On a tie the
// run (global) limit wins, so expiry fails the run rather than advancing it.
func (s *State) due() (time.Time, deadlineKind) {
	if s.Destroyed {
		return time.Time{}, noDeadline
	}
	switch s.State {
	case StateRegistering:
		if !s.RegistrationEndsAt.IsZero() {
			return s.RegistrationEndsAt, registrationDeadline
		}
	case StateActive, StateClearing:
		at, kind := s.RunEndsAt, runDeadline
		if at.IsZero() {
			kind = noDeadline
		}
		if st := s.StageEndsAt; !st.IsZero() && (kind == noDeadline || st.Before(at)) {
			at, kind = st, stageDeadline
		}
		return at, kind
	}
	return time.Time{}, noDeadline
}

// Tick fires every deadline due at now (a deadline is due at its instant), in
// due order, so a late timer or a restore after downtime catches up:
//
//	registration window  → start (as START; requirements checked)
//	global limit         → FAILED time_expired + destroy (active or clearing;
//	                       after COMPLETED just destroy)
//	stage limit          → advance, from active or clearing
//	bonus limit          → destroy (stage limit of a trailing bonus stage)
func (m *Machine) Tick(now time.Time) []messages.Record {
	now = now.UTC()
	var out []messages.Record
	// Each firing moves the deadlines past now or destroys; the bound is a
	// guard against a definition that would otherwise loop.
	for range len(m.s.Definition.Stages) + 3 {
		at, kind := m.s.due()
		if kind == noDeadline || now.Before(at) {
			break
		}
		switch kind {
		case registrationDeadline:
			out = m.start(out, now)
		case runDeadline:
			out = m.end(out, messages.FailTimeExpired)
		case stageDeadline:
			if m.inTrailingBonus() {
				m.s.State = StateCompleted
				out = m.destroy(out)
			} else {
				out = m.advance(out, now)
			}
		}
	}
	return out
}

// Shutdown destroys a live instance as the reference does on service
// shutdown: warps to exit and INSTANCE_DESTROYED, no FAILED.
func (m *Machine) Shutdown() []messages.Record {
	if m.s.Destroyed {
		return nil
	}
	return m.destroy(nil)
}
