package transport

import (
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
)

// Tenants lists the tenants whose transport actors are started (configured
// ones and those first seen in record headers), sorted by key.
func (s *Subsystem) Tenants() []tenant.Tenant {
	var out []tenant.Tenant
	s.tenants.Each(func(ta *tenantActors) { out = append(out, ta.cfg.Tenant) })
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// NextTransition is the first transition of a scheduled route strictly
// after the given instant, possibly on a later day; false when the tenant
// or route is unknown or the route has no trip.
func (s *Subsystem) NextTransition(t tenant.Tenant, routeID uuid.UUID, after time.Time) (schedule.Transition, bool) {
	ta, ok := s.tenants.Get(t)
	if !ok {
		return schedule.Transition{}, false
	}
	return ta.timetable.NextTransition(routeID, after)
}

// Known reports whether the tenant's transport actors are started.
func (s *Subsystem) Known(t tenant.Tenant) bool {
	_, ok := s.tenants.Get(t)
	return ok
}
