package config

import (
	"fmt"

	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/transport/ride"
	"github.com/google/uuid"
)

// origin says where a record came from, for its Problem.
type origin struct {
	file   string
	record string
}

// sourced is an accepted record and its origin.
type sourced[T any] struct {
	value T
	at    origin
}

// builder collects one tenant's records from every source in load order,
// rejecting invalid ones and later duplicates as they arrive, then checks
// what needs the whole tenant (vessel legs) in finish.
type builder struct {
	report func(origin, string)

	routes  []sourced[schedule.Route]
	vessels []sourced[schedule.SharedVessel]
	rides   []sourced[ride.Route]
	ids     map[uuid.UUID]origin // id → record that took it first

	// vesselLegs are the routes named by any vessel record, valid or not,
	// so finish can withhold those left without an accepted vessel.
	vesselLegs map[uuid.UUID]bool
}

func newBuilder(report func(origin, string)) *builder {
	return &builder{report: report, ids: map[uuid.UUID]origin{}, vesselLegs: map[uuid.UUID]bool{}}
}

// claim takes id for at, or reports the earlier record holding it. Ids are
// unique across routes, vessels and instance routes: actor identities and
// vessel references must not be ambiguous.
func (b *builder) claim(id uuid.UUID, at origin) bool {
	if first, dup := b.ids[id]; dup {
		b.report(at, fmt.Sprintf("duplicate id %s (first used by %s in %s)", id, first.record, first.file))
		return false
	}
	b.ids[id] = at
	return true
}

// valid reports the record's problems, if any. Validate runs only when every
// field was readable: an unreadable field is left at zero, and Validate would
// repeat its error in other words ("id is not a UUID; route ID must not be
// nil").
func (b *builder) valid(at origin, fieldErrs []error, validate func() error) bool {
	if len(fieldErrs) == 0 {
		fieldErrs = []error{validate()}
	}
	if reason := joinReasons(fieldErrs); reason != "" {
		b.report(at, reason)
		return false
	}
	return true
}

// accept appends v to into unless a field error or Validate objects or its
// id is already taken; at locates the record in any problem. Every kind goes
// through it, so all are checked and claim their ids alike.
func accept[T interface{ Validate() error }](b *builder, at origin, v T, id uuid.UUID, fieldErrs []error, into *[]sourced[T]) {
	if b.valid(at, fieldErrs, v.Validate) && b.claim(id, at) {
		*into = append(*into, sourced[T]{v, at})
	}
}

// addRoute builds a scheduled route from in and accepts it.
func (b *builder) addRoute(at origin, in routeInput) {
	r, fieldErrs := in.route()
	accept(b, at, r, r.ID, fieldErrs, &b.routes)
}

// addVessel builds a shared vessel from in and accepts it. Its legs are
// remembered even when it is rejected (see finish).
func (b *builder) addVessel(at origin, in vesselInput) {
	v, fieldErrs := in.vessel()
	b.noteLegs(v.RouteA.String(), v.RouteB.String())
	accept(b, at, v, v.ID, fieldErrs, &b.vessels)
}

// addRide builds an instance route from in and accepts it.
func (b *builder) addRide(at origin, in rideInput) {
	r, fieldErrs := in.ride()
	accept(b, at, r, r.ID, fieldErrs, &b.rides)
}

// noteLegs remembers the routes a vessel record names, also for a record
// that could not be decoded, as far as its route ids could be read.
func (b *builder) noteLegs(ids ...string) {
	for _, s := range ids {
		if id, err := uuid.Parse(s); err == nil && id != uuid.Nil {
			b.vesselLegs[id] = true
		}
	}
}

// finish checks vessel legs and returns the accepted records. A vessel must
// name two loaded routes that no earlier accepted vessel uses. A route named
// by vessels that were all rejected is withheld: the operator meant it as a
// vessel leg, and running it on its own cycle would be a timetable nobody
// configured (the schedule package keeps such routes out of service too).
func (b *builder) finish() ([]schedule.Route, []schedule.SharedVessel, []ride.Route) {
	loaded := make(map[uuid.UUID]bool, len(b.routes))
	for _, r := range b.routes {
		loaded[r.value.ID] = true
	}
	inVessel := map[uuid.UUID]origin{}
	var vessels []schedule.SharedVessel
	for _, v := range b.vessels {
		var reasons []error
		for _, leg := range [...]struct {
			name string
			id   uuid.UUID
		}{{"route A", v.value.RouteA}, {"route B", v.value.RouteB}} {
			if !loaded[leg.id] {
				reasons = append(reasons, fmt.Errorf("%s %s is not a loaded route of this tenant", leg.name, leg.id))
			} else if first, used := inVessel[leg.id]; used {
				reasons = append(reasons, fmt.Errorf("%s %s already belongs to vessel %s", leg.name, leg.id, first.record))
			}
		}
		if len(reasons) > 0 {
			b.report(v.at, joinReasons(reasons))
			continue
		}
		inVessel[v.value.RouteA] = v.at
		inVessel[v.value.RouteB] = v.at
		vessels = append(vessels, v.value)
	}

	var routes []schedule.Route
	for _, r := range b.routes {
		if _, ok := inVessel[r.value.ID]; !ok && b.vesselLegs[r.value.ID] {
			b.report(r.at, "withheld: named only by rejected vessels, so it would otherwise run independently")
			continue
		}
		routes = append(routes, r.value)
	}
	var rides []ride.Route
	for _, r := range b.rides {
		rides = append(rides, r.value)
	}
	return routes, vessels, rides
}
