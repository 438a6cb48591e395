package config

import (
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// Config is the whole loaded configuration, tenants in file order.
type Config struct {
	Tenants []Tenant
}

// Tenant is one tenant's validated configuration. Every record in it passed
// its domain Validate, ids are unique within the tenant, and every vessel
// names two routes of Routes.
type Tenant struct {
	Tenant         tenant.Tenant
	Routes         []schedule.Route
	Vessels        []schedule.SharedVessel
	InstanceRoutes []ride.Route
	// SpawnPortals maps a warp target map to the portal to arrive at; maps
	// not listed use portal 0. Nil when none are configured.
	SpawnPortals map[uint32]uint32
	// QuestDefinitions are the tenant's validated party-quest definitions,
	// unique by QuestID. They are shared read-only values (see package
	// definition); build a definition.Catalog from them.
	QuestDefinitions []definition.Definition
}

// Tenant returns the configuration of t. A tenant matches only with the same
// id, region and version, as tenant registries key on all four.
func (c Config) Tenant(t tenant.Tenant) (Tenant, bool) {
	for _, ct := range c.Tenants {
		if ct.Tenant == t {
			return ct, true
		}
	}
	return Tenant{}, false
}
