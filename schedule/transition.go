package schedule

import (
	"time"

	"github.com/google/uuid"
)

// TransitionKind is what happens at a Transition.
type TransitionKind int

// Transition kinds. Every trip yields exactly one BoardingOpened,
// BoardingClosed, Departed and Arrived, in that order.
const (
	// BoardingOpened: the trip's boarding opens (vessel docked; ARRIVED).
	BoardingOpened TransitionKind = iota + 1
	// BoardingClosed: the trip's boarding closes.
	BoardingClosed
	// Departed: the trip departs (staging -> first en-route map; DEPARTED).
	Departed
	// Arrived: the trip arrives (every en-route map -> destination).
	Arrived
	// DayStarted: at 00:00 UTC the state leaves out_of_service although no
	// trip event happens then. Only routes whose first trip opens after
	// midnight (a vessel's route B) have it; Trip is the day's first trip.
	DayStarted
)

var kindNames = [...]string{"", "boarding_opened", "boarding_closed", "departed", "arrived", "day_started"}

// String is a stable lower-case name for logs and metrics.
func (k TransitionKind) String() string {
	if k <= 0 || int(k) >= len(kindNames) {
		return "unknown"
	}
	return kindNames[k]
}

// Transition is one event of a route's timetable. From is the route's state
// just before At and To its state from At on (StateAt(At)). When several
// transitions share an instant they all carry the same From and To. In an
// overlapping timetable (cycle shorter than the trip) an event can leave the
// state unchanged (e.g. a boarding opening while another trip is in transit:
// From = To = in_transit); callers that announce a docked vessel should check
// To.Docked().
type Transition struct {
	At   time.Time
	Kind TransitionKind
	Trip Trip
	From State
	To   State
}

// Before is the total order of a route's transitions: by At, and at equal
// instants the transition of the earlier trip (earlier BoardingOpen) first.
// So an Arrived of trip N comes before the BoardingOpened of trip N+1 at the
// same instant, and more generally a finishing event before a starting one.
// A trip never has two events at one instant, so the order is strict.
func (x Transition) Before(y Transition) bool {
	if !x.At.Equal(y.At) {
		return x.At.Before(y.At)
	}
	return x.Trip.BoardingOpen.Before(y.Trip.BoardingOpen)
}

// NextTransition is the route's first transition strictly after the instant
// after, possibly on a following UTC day; false if the route has no trips.
// If several transitions share that first instant it returns the first of
// them (see Before).
//
// To walk transitions, call NextTransition once and then NextAfter with the
// transition just handled. Do NOT call NextTransition(prev.At) again: it
// would skip the other transitions at prev.At (e.g. the BoardingOpened that
// shares its instant with the previous trip's Arrived).
func (t *Timetable) NextTransition(routeID uuid.UUID, after time.Time) (Transition, bool) {
	e, ok := t.routes[routeID]
	if !ok || e.plan.n == 0 {
		return Transition{}, false
	}
	d := midnight(after)
	return e.next(routeID, d, eventKey{at: after.Sub(d), open: maxDuration})
}

// NextAfter is the transition that immediately follows prev in the route's
// order (see Before): the one after it at the same instant if there is one,
// else the first at a later instant. A caller that handles prev and then asks
// NextAfter(prev) never skips or repeats a transition. It only reads prev's
// At, Trip.RouteID and Trip.BoardingOpen, so it keeps working across a
// rebuilt Timetable. False if the route is unknown or has no trips.
func (t *Timetable) NextAfter(prev Transition) (Transition, bool) {
	routeID := prev.Trip.RouteID
	e, ok := t.routes[routeID]
	if !ok || e.plan.n == 0 {
		return Transition{}, false
	}
	d := midnight(prev.At)
	return e.next(routeID, d, eventKey{at: prev.At.Sub(d), open: prev.Trip.BoardingOpen.Sub(d)})
}

// next searches day d, then the following day whose first event always
// qualifies (every day has the same non-empty timetable), so the search is
// bounded to two days.
func (e *entry) next(routeID uuid.UUID, d time.Time, after eventKey) (Transition, bool) {
	ev, ok := e.plan.nextEvent(after)
	if !ok {
		d = d.Add(day)
		ev = e.plan.firstEvent()
	}
	at := d.Add(ev.key.at)
	return Transition{
		At:   at,
		Kind: ev.kind,
		Trip: e.plan.trip(routeID, d, ev.trip),
		From: e.stateOnly(at.Add(-1)),
		To:   e.stateOnly(at),
	}, true
}
