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
func (m *Machine) NextDeadline() (time.Time, bool) {
	at, kind := m.due()
	return at, kind != noDeadline
}

// due picks the earliest armed deadline of the current state. On a tie the
// run (global) limit wins, so expiry fails the run rather than advancing it.
func (m *Machine) due() (time.Time, deadlineKind) {
	if m.s.Destroyed {
		return time.Time{}, noDeadline
	}
	switch m.s.State {
	case StateRegistering:
		if !m.s.RegistrationEndsAt.IsZero() {
			return m.s.RegistrationEndsAt, registrationDeadline
		}
	case StateActive, StateClearing:
		at, kind := m.s.RunEndsAt, runDeadline
		if at.IsZero() {
			kind = noDeadline
		}
		if st := m.s.StageEndsAt; !st.IsZero() && (kind == noDeadline || st.Before(at)) {
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
		at, kind := m.due()
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
