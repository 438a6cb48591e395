package loadgen

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// PlanConfig sizes the generated configuration.
type PlanConfig struct {
	Tenants        int
	Routes         int // scheduled routes per tenant
	InstanceRoutes int // instance routes per tenant
	RideCapacity   uint32
	RideBoarding   time.Duration
	RideTravel     time.Duration
	QuestWait      time.Duration // stage 0's time limit: the timer-driven stage
	QuestStages    int           // command-driven stages after stage 0
}

// Plan is a generated, self-contained configuration. The same PlanConfig
// always gives the same plan, so a loadgen run against an external service
// agrees with the configuration that service was started with.
type Plan struct {
	Config  PlanConfig
	Tenants []TenantPlan
	Quest   QuestDefinition
}

// TenantPlan is one tenant's generated routes.
type TenantPlan struct {
	Tenant         tenant.Tenant
	Routes         []schedule.Route
	InstanceRoutes []ride.Route
}

// planNamespace makes generated ids stable across runs.
var planNamespace = uuid.MustParse("6f1f2d4e-9a51-4c55-9d7e-1c0f5e4b7a10")

// routeShape is a real route shape (the sample's boats, trains, cabins and
// genies) with minutes turned into seconds.
type routeShape struct {
	name                         string
	boarding, pre, travel, cycle time.Duration
	enRoute                      int
}

var routeShapes = []routeShape{
	{"boat", 4 * time.Second, time.Second, 10 * time.Second, 15 * time.Second, 2},
	{"train", 4 * time.Second, time.Second, 5 * time.Second, 10 * time.Second, 1},
	{"cabin", 4 * time.Second, time.Second, 5 * time.Second, 10 * time.Second, 1},
	{"genie", 4 * time.Second, time.Second, 5 * time.Second, 10 * time.Second, 1},
	{"subway", 2 * time.Second, time.Second, 3 * time.Second, 6 * time.Second, 1},
}

// NewPlan generates the tenants, their routes and the quest definition.
func NewPlan(c PlanConfig) Plan {
	p := Plan{Config: c, Quest: NewQuestDefinition(c.QuestWait, c.QuestStages)}
	for t := range c.Tenants {
		tp := TenantPlan{Tenant: tenant.Tenant{
			ID:     uuid.NewSHA1(planNamespace, fmt.Appendf(nil, "tenant-%d", t)),
			Region: "GMS", MajorVersion: 83, MinorVersion: 1,
		}}
		for i := range c.Routes {
			tp.Routes = append(tp.Routes, ScheduledRoute(tp.Tenant.ID, i))
		}
		for i := range c.InstanceRoutes {
			tp.InstanceRoutes = append(tp.InstanceRoutes, InstanceRoute(tp.Tenant.ID, i, c.RideCapacity, c.RideBoarding, c.RideTravel))
		}
		p.Tenants = append(p.Tenants, tp)
	}
	return p
}

// ScheduledRoute is the i-th generated scheduled route of a tenant: a real
// shape (cycled through) with second-scale durations and its own maps.
func ScheduledRoute(tenantID uuid.UUID, i int) schedule.Route {
	s := routeShapes[i%len(routeShapes)]
	base := uint32(300_000_000 + i*10)
	r := schedule.Route{
		ID:   uuid.NewSHA1(tenantID, fmt.Appendf(nil, "route-%d", i)),
		Name: fmt.Sprintf("%s-%d", s.name, i), StartMapID: base, StagingMapID: base + 1,
		DestinationMapID: base + 5, ObservationMapID: base,
		BoardingWindow: s.boarding, PreDeparture: s.pre, Travel: s.travel, CycleInterval: s.cycle,
	}
	for j := range s.enRoute {
		r.EnRouteMapIDs = append(r.EnRouteMapIDs, base+2+uint32(j))
	}
	return r
}

// InstanceRoute is the i-th generated instance route of a tenant.
func InstanceRoute(tenantID uuid.UUID, i int, capacity uint32, boarding, travel time.Duration) ride.Route {
	base := uint32(600_000_000 + i*10)
	return ride.Route{
		ID:   uuid.NewSHA1(tenantID, fmt.Appendf(nil, "instance-route-%d", i)),
		Name: fmt.Sprintf("ride-%d", i), StartMapID: base, TransitMapID: base + 1, DestinationMapID: base + 2,
		Capacity: capacity, BoardingWindow: boarding, Travel: travel,
	}
}
