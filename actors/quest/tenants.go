package quest

import (
	"sort"

	"github.com/gamehost/transitquest/tenant"
)

// Tenants lists the tenants whose party-quest actors are started
// (configured ones, and those started lazily or by restored state), sorted
// by key.
func (s *Subsystem) Tenants() []tenant.Tenant {
	var out []tenant.Tenant
	s.tenants.Each(func(ta *tenantActors) { out = append(out, ta.catalog.Tenant()) })
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// Known reports whether the tenant's party-quest actors are started.
func (s *Subsystem) Known(t tenant.Tenant) bool {
	_, ok := s.tenants.Get(t)
	return ok
}
