package route

import (
	"time"

	"github.com/gamehost/transitquest/schedule"
	"github.com/google/uuid"
)

// Position is how far a Machine has walked its route's timetable: the first
// transition it has not applied yet, named by its instant and its trip's
// boarding opening (which orders the transitions of one instant, see
// schedule.Transition.Before). It is what an owner persists with the
// effects of every Tick, so that whoever runs the route next resumes there:
// it neither repeats a transition the previous owner committed nor misses
// one. The zero Position names no transition (a route that never runs).
type Position struct {
	At           time.Time `json:"at"`
	BoardingOpen time.Time `json:"boardingOpen"`
}

// IsZero reports whether p names no transition.
func (p Position) IsZero() bool { return p.At.IsZero() }

// Position is the machine's current position: its first pending transition.
func (m *Machine) Position() Position {
	if !m.hasNext {
		return Position{}
	}
	return Position{At: m.next.At.UTC(), BoardingOpen: m.next.Trip.BoardingOpen.UTC()}
}

// Restore rebuilds the machine of a route at a persisted Position, without
// start-up effects: the previous owner announced what it committed, and
// nothing before the position is replayed. Transitions from the position on
// are pending, so when the position lies in the past the owner's first Tick
// applies them (each once, under the usual MaxCatchUp rule: overdue ones
// lose their side effects except the ARRIVED of a trip still docked).
//
// The position is looked up in the current timetable: the first transition
// at or after it in timetable order, so a timetable changed in between
// resumes at the next transition it has. A zero position (the route had no
// trips) starts at now, as New does, but announces nothing.
func Restore(tt *schedule.Timetable, routeID uuid.UUID, pos Position, now time.Time, opts ...Option) *Machine {
	m := &Machine{tt: tt, id: routeID, maxCatchUp: DefaultMaxCatchUp}
	for _, o := range opts {
		o(m)
	}
	m.route, _ = tt.Route(routeID)
	if pos.IsZero() {
		m.next, m.hasNext = tt.NextTransition(routeID, now.Add(-time.Nanosecond))
		return m
	}
	// NextTransition just before the instant finds the first transition at
	// it (a trip arriving at midnight included, which belongs to the day
	// before); then skip those of the same instant that come earlier.
	tr, ok := tt.NextTransition(routeID, pos.At.Add(-time.Nanosecond))
	for ok && tr.At.Equal(pos.At) && tr.Trip.BoardingOpen.Before(pos.BoardingOpen) {
		tr, ok = tt.NextAfter(tr)
	}
	m.next, m.hasNext = tr, ok
	return m
}
