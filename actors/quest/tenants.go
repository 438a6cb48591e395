package quest

import (
	"sort"

	"github.com/gamehost/transitquest/tenant"
)

// Tenants lists the tenants this subsystem serves (configured ones, and
// those seen in a record or in restored state), sorted by key.
func (s *Subsystem) Tenants() []tenant.Tenant {
	s.mu.Lock()
	out := make([]tenant.Tenant, 0, len(s.known))
	for _, c := range s.known {
		out = append(out, c.Tenant())
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// Known reports whether the subsystem serves the tenant.
func (s *Subsystem) Known(t tenant.Tenant) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.known[t]
	return ok
}
