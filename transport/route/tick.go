package route

import (
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
)

// Tick applies, in timetable order, every pending transition due at or
// before now (each exactly once: the walk uses schedule.NextAfter), and
// returns the effects of those that emit something. BoardingClosed and
// DayStarted change only the state and yield no Effect.
//
// A transition more than MaxCatchUp before now (the actor stalled or was
// paused) loses its side effects and is returned in skipped, for a log line
// and a metric: warping people onto a ship that left long ago, or to a
// destination they reached by other means, is worse than doing nothing.
// One exception: an ARRIVED whose trip is still docked at now is emitted
// anyway, because it is still true and a restart at now would emit it too;
// if the same transition also had a sweep, that sweep is dropped and the
// transition appears in both lists.
//
// A now before NextDeadline applies nothing, so a spurious or repeated Tick
// is harmless.
func (m *Machine) Tick(now time.Time) (effects []Effect, skipped []schedule.Transition) {
	for m.hasNext && !m.next.At.After(now) {
		tr := m.next
		m.next, m.hasNext = m.tt.NextAfter(tr)

		e, docked := m.effect(tr)
		if e.empty() {
			continue
		}
		if m.maxCatchUp <= 0 || now.Sub(tr.At) <= m.maxCatchUp {
			effects = append(effects, e)
			continue
		}
		keep := docked != nil && m.stillDocked(now, docked)
		if keep {
			effects = append(effects, Effect{Transition: tr, Records: []messages.Record{m.status(messages.TypeArrived)}})
		}
		if !keep || e.Sweep != nil {
			skipped = append(skipped, tr)
		}
	}
	return effects, skipped
}

// effect is what tr emits, and the trip it docks (nil if it docks none).
func (m *Machine) effect(tr schedule.Transition) (Effect, *schedule.Trip) {
	e := Effect{Transition: tr}
	switch tr.Kind {
	case schedule.Departed:
		e.Sweep = m.sweep([]uint32{m.route.StagingMapID}, m.firstEnRoute())
		e.Records = []messages.Record{m.status(messages.TypeDeparted)}
	case schedule.Arrived:
		e.Sweep = m.sweep(m.route.EnRouteMapIDs, m.route.DestinationMapID)
	}
	docked := m.docks(tr)
	if docked != nil {
		e.Records = append(e.Records, m.status(messages.TypeArrived))
	}
	return e, docked
}

// docks returns the trip whose vessel tr makes docked, announced by ARRIVED,
// or nil. The state goes from not docked to docked at a trip's
// BoardingOpened, or, when trips overlap (cycle shorter than the trip), at
// the Arrived that uncovers a trip whose boarding opened during that
// transit (the reference then announced open_entry as well). Transitions at
// one instant share From and To, so exactly one of them claims the docking:
// the BoardingOpened of the docked trip itself, else the uncovering Arrived.
// A boarding that opens while another trip is docked (From already docked)
// announces nothing: the vessel is already there.
func (m *Machine) docks(tr schedule.Transition) *schedule.Trip {
	if tr.From.Docked() || !tr.To.Docked() {
		return nil
	}
	if tr.Kind != schedule.BoardingOpened && tr.Kind != schedule.Arrived {
		return nil
	}
	_, d := m.tt.StateAt(m.id, tr.At)
	if d == nil {
		return nil
	}
	switch {
	case tr.Kind == schedule.BoardingOpened && d.ID == tr.Trip.ID:
		return d
	case tr.Kind == schedule.Arrived && d.BoardingOpen.Before(tr.At):
		return d
	}
	return nil
}

// stillDocked reports whether trip is the trip docked at now.
func (m *Machine) stillDocked(now time.Time, trip *schedule.Trip) bool {
	s, cur := m.tt.StateAt(m.id, now)
	return s.Docked() && cur != nil && cur.ID == trip.ID
}

// firstEnRoute is where the staging map is emptied; validation guarantees
// at least one en-route map, the guard only protects a zero Route.
func (m *Machine) firstEnRoute() uint32 {
	if len(m.route.EnRouteMapIDs) == 0 {
		return 0
	}
	return m.route.EnRouteMapIDs[0]
}
