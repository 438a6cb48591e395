package transport

import (
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
)

// Tenants lists the configured tenants and those this replica has seen in
// record headers, sorted by key.
func (s *Subsystem) Tenants() []tenant.Tenant {
	out := make([]tenant.Tenant, 0, len(s.tenants))
	for _, tc := range s.tenants {
		out = append(out, tc.cfg.Tenant)
	}
	s.mu.Lock()
	for _, t := range s.seen {
		out = append(out, t)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// NextTransition is the first transition of a scheduled route strictly
// after the given instant, possibly on a later day; false when the tenant
// or route is unknown or the route has no trip.
func (s *Subsystem) NextTransition(t tenant.Tenant, routeID uuid.UUID, after time.Time) (schedule.Transition, bool) {
	tc := s.tenants[t]
	if tc == nil {
		return schedule.Transition{}, false
	}
	return tc.timetable.NextTransition(routeID, after)
}

// Known reports whether the tenant is configured, or was seen in a record
// this replica's ingress read. A tenant without configuration has no
// actors: its records are completed by ingress alone.
func (s *Subsystem) Known(t tenant.Tenant) bool {
	if _, ok := s.tenants[t]; ok {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.seen[t]
	return ok
}
