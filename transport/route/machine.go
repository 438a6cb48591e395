package route

import (
	"slices"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/google/uuid"
)

// Machine walks one route's transitions. It is not safe for concurrent use:
// its owner serializes every call.
type Machine struct {
	tt         *schedule.Timetable
	id         uuid.UUID
	route      schedule.Route
	maxCatchUp time.Duration
	portals    map[uint32]uint32

	next    schedule.Transition // the first transition not applied yet
	hasNext bool                // false: the route never runs
}

// New positions the machine at now and returns its start-up effects.
//
// Transitions at exactly now are still pending, so the owner's first
// Tick(now) applies them: a start-up at a departure instant still warps the
// staging map. Accordingly the start-up ARRIVED (record key = routeID, body
// mapId = observation map) is emitted only if the vessel is docked
// (open_entry or locked_entry) just before now; a BoardingOpened due at now
// announces itself. Nothing else is replayed: passengers of a trip in
// progress were handled by the previous run, or cannot be told apart now.
//
// An unknown route, or one without trips, gives a machine with no deadline.
func New(tt *schedule.Timetable, routeID uuid.UUID, now time.Time, opts ...Option) (*Machine, []Effect) {
	m := &Machine{tt: tt, id: routeID, maxCatchUp: DefaultMaxCatchUp}
	for _, o := range opts {
		o(m)
	}
	m.route, _ = tt.Route(routeID)
	before := now.Add(-time.Nanosecond)
	m.next, m.hasNext = tt.NextTransition(routeID, before)

	s, trip := tt.StateAt(routeID, before)
	if !s.Docked() {
		return m, nil
	}
	return m, []Effect{{
		Transition: schedule.Transition{At: now.UTC(), Kind: schedule.BoardingOpened, Trip: *trip, From: s, To: s},
		Records:    []messages.Record{m.status(messages.TypeArrived)},
	}}
}

// RouteID is the route the machine runs.
func (m *Machine) RouteID() uuid.UUID { return m.id }

// NextDeadline is the instant of the next pending transition; the owner arms
// its timer there and calls Tick. False when the route never runs. It may
// lie in the past if the owner was late: Tick at once.
func (m *Machine) NextDeadline() (time.Time, bool) {
	return m.next.At, m.hasNext
}

// State is the route's state at now (for REST); it depends only on the
// timetable, not on how far the machine has ticked.
func (m *Machine) State(now time.Time) schedule.State {
	s, _ := m.tt.StateAt(m.id, now)
	return s
}

// status is an ARRIVED or DEPARTED record of this route.
func (m *Machine) status(typ string) messages.Record {
	return messages.TransportStatus(m.id, typ, m.route.ObservationMapID)
}

// sweep builds a Sweep to map `to` with its configured spawn portal. From is
// a fresh slice so no two effects share memory.
func (m *Machine) sweep(from []uint32, to uint32) *Sweep {
	return &Sweep{From: slices.Clone(from), To: to, Portal: m.portals[to]}
}
