package schedule

import (
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Timetable is the set of scheduled routes and shared vessels of ONE tenant.
// It is immutable once built, holds no cache and is safe for concurrent use.
// Build a new one to change the configuration.
type Timetable struct {
	routes map[uuid.UUID]*entry
	order  []uuid.UUID // route ids in input order
}

// entry is one accepted route and its daily plan.
type entry struct {
	route Route
	plan  plan // zero n: the route never runs
}

// RecordError explains why NewTimetable rejected (or could not schedule) one
// input record, so a config loader can point at the offending file entry.
type RecordError struct {
	Kind  string    // "route" or "vessel"
	Index int       // position in the input slice
	ID    uuid.UUID // the record's id as given
	Err   error     // the reasons; errors.Is works through it
}

// Error names the record and its reasons.
func (e *RecordError) Error() string {
	return fmt.Sprintf("%s #%d (%s): %v", e.Kind, e.Index, e.ID, e.Err)
}

// Unwrap exposes the reasons to errors.Is / errors.As.
func (e *RecordError) Unwrap() error { return e.Err }

// Errors reported by NewTimetable besides the Validate errors.
var (
	ErrDuplicateRouteID  = errors.New("duplicate route ID")
	ErrDuplicateVesselID = errors.New("duplicate vessel ID")
	ErrRouteNotFound     = errors.New("route not found")
	ErrRouteInTwoVessels = errors.New("route already belongs to another vessel")
)

// NewTimetable validates and indexes one tenant's routes and vessels. Invalid
// records are rejected with a *RecordError each and the valid rest is kept
// (unlike the reference, where one bad record emptied the tenant).
//
// Scheduling rules:
//   - A route named by no vessel record runs independently on its
//     CycleInterval.
//   - A route named by any vessel record, valid or not, never runs
//     independently: the operator meant it to be a vessel leg. If the vessel
//     is rejected, names a missing route, or names a route already taken by
//     an earlier accepted vessel, it yields no trips and the routes it names stay
//     out_of_service (as in the reference for a missing route).
//   - Duplicate ids: the first record wins, later ones are rejected.
func NewTimetable(routes []Route, vessels []SharedVessel) (*Timetable, []error) {
	t := &Timetable{routes: make(map[uuid.UUID]*entry, len(routes))}
	var errs []error
	reject := func(kind string, i int, id uuid.UUID, err error) {
		errs = append(errs, &RecordError{Kind: kind, Index: i, ID: id, Err: err})
	}

	for i, r := range routes {
		if err := r.Validate(); err != nil {
			reject("route", i, r.ID, err)
			continue
		}
		if _, dup := t.routes[r.ID]; dup {
			reject("route", i, r.ID, ErrDuplicateRouteID)
			continue
		}
		r = r.clone()
		t.routes[r.ID] = &entry{route: r, plan: independentPlan(r)}
		t.order = append(t.order, r.ID)
	}

	// Any route a vessel names loses its independent timetable first, so
	// the outcome does not depend on which vessels turn out valid.
	for _, v := range vessels {
		for _, id := range [...]uuid.UUID{v.RouteA, v.RouteB} {
			if e, ok := t.routes[id]; ok {
				e.plan = plan{}
			}
		}
	}

	seenVessel := make(map[uuid.UUID]bool, len(vessels))
	claimed := make(map[uuid.UUID]bool, 2*len(vessels))
	for i, v := range vessels {
		if err := v.Validate(); err != nil {
			reject("vessel", i, v.ID, err)
			continue
		}
		if seenVessel[v.ID] {
			reject("vessel", i, v.ID, ErrDuplicateVesselID)
			continue
		}
		seenVessel[v.ID] = true
		a, okA := t.routes[v.RouteA]
		b, okB := t.routes[v.RouteB]
		var problems []error
		if !okA {
			problems = append(problems, fmt.Errorf("route A %s: %w", v.RouteA, ErrRouteNotFound))
		}
		if !okB {
			problems = append(problems, fmt.Errorf("route B %s: %w", v.RouteB, ErrRouteNotFound))
		}
		if claimed[v.RouteA] {
			problems = append(problems, fmt.Errorf("route A %s: %w", v.RouteA, ErrRouteInTwoVessels))
		}
		if claimed[v.RouteB] {
			problems = append(problems, fmt.Errorf("route B %s: %w", v.RouteB, ErrRouteInTwoVessels))
		}
		if len(problems) > 0 {
			reject("vessel", i, v.ID, errors.Join(problems...))
			continue
		}
		claimed[v.RouteA], claimed[v.RouteB] = true, true
		a.plan, b.plan = vesselPlans(a.route, b.route, v.Turnaround)
	}
	return t, errs
}

// Route returns an accepted route's configuration (a copy).
func (t *Timetable) Route(routeID uuid.UUID) (Route, bool) {
	e, ok := t.routes[routeID]
	if !ok {
		return Route{}, false
	}
	return e.route.clone(), true
}

// RouteIDs lists the accepted routes in input order.
func (t *Timetable) RouteIDs() []uuid.UUID {
	return append([]uuid.UUID(nil), t.order...)
}

// TripsPerDay is how many trips the route runs each UTC day (the same every
// day); 0 for an unknown route or one that never runs.
func (t *Timetable) TripsPerDay(routeID uuid.UUID) int {
	if e, ok := t.routes[routeID]; ok {
		return e.plan.n
	}
	return 0
}

// Trips lists the route's trips of the UTC day containing day, ordered by
// boarding open; nil for an unknown route or one that never runs.
func (t *Timetable) Trips(routeID uuid.UUID, day time.Time) []Trip {
	e, ok := t.routes[routeID]
	if !ok || e.plan.n == 0 {
		return nil
	}
	d := midnight(day)
	trips := make([]Trip, e.plan.n)
	for i := range trips {
		trips[i] = e.plan.trip(routeID, d, i)
	}
	return trips
}

// StateAt is the route's state at now and the trip that state refers to (nil
// when out of service):
//
//	[open, closed)       open_entry      (that trip)
//	[closed, departure)  locked_entry    (that trip)
//	[departure, arrival) in_transit      (that trip)
//	before a trip's open, after the previous arrival (or from 00:00 for a
//	vessel's route B): awaiting_return   (the next trip)
//	from the day's last arrival to midnight, or all day for a route that
//	never runs: out_of_service           (nil)
//
// The intervals are half-open; the reference's strict test at departure and
// arrival was a 1-second-tick artefact. When trips overlap (cycle shorter
// than the trip), a trip in transit hides later boardings, as in the
// reference.
func (t *Timetable) StateAt(routeID uuid.UUID, now time.Time) (State, *Trip) {
	e, ok := t.routes[routeID]
	if !ok {
		return OutOfService, nil
	}
	d := midnight(now)
	s, i := e.plan.stateAt(now.Sub(d))
	if i < 0 {
		return s, nil
	}
	trip := e.plan.trip(routeID, d, i)
	return s, &trip
}

// stateOnly is StateAt without building the trip (no hashing).
func (e *entry) stateOnly(at time.Time) State {
	d := midnight(at)
	s, _ := e.plan.stateAt(at.Sub(d))
	return s
}

// midnight is the start of t's UTC day. Truncate is exact here because Go's
// zero time is a UTC midnight and UTC days have no leap seconds in Go.
func midnight(t time.Time) time.Time {
	return t.UTC().Truncate(day)
}
