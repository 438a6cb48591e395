package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/partyquest/definition"
)

// SeedNamespace is the UUID namespace of seeded route ids: the SHA-1
// name-based UUID of the URL below in the standard URL namespace. It must
// never change, or every seeded route would get a new id.
var SeedNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/gamehost/transitquest/config/route-seed"))

// SeedRouteID is the id given to a route seed file's route: a SHA-1
// name-based UUID (version 5) in SeedNamespace over the tenant id's 16 bytes
// followed by the route name's UTF-8 bytes. Seed files carry no id; the
// reference drew a random one on every seeding, so routes changed identity
// across restarts. This id is stable per (tenant, name) and differs between
// tenants, so tenants never share a route id.
func SeedRouteID(tenantID uuid.UUID, name string) uuid.UUID {
	data := append(tenantID[:len(tenantID):len(tenantID)], name...)
	return uuid.NewSHA1(SeedNamespace, data)
}

// seedRoute is a reference route seed file (services/atlas-transports/routes).
// Unknown keys are ignored as the reference ignored them.
type seedRoute struct {
	routeFields
	BoardingWindowDurationMinutes int64 `json:"boardingWindowDurationMinutes"`
	PreDepartureDurationMinutes   int64 `json:"preDepartureDurationMinutes"`
	TravelDurationMinutes         int64 `json:"travelDurationMinutes"`
	CycleIntervalMinutes          int64 `json:"cycleIntervalMinutes"`
}

// seedSchemaFile is the JSON schema shipped beside the seeds; not a route.
const seedSchemaFile = "schema.json"

// seedFiles lists the route seed files of dir as the reference picks them:
// regular "*.json" files except schema.json, in name order.
func seedFiles(dir string) ([]string, error) {
	all, err := definition.JSONFiles(dir)
	if err != nil {
		return nil, err
	}
	names := all[:0]
	for _, n := range all {
		if n != seedSchemaFile {
			names = append(names, n)
		}
	}
	return names, nil
}

// importRouteSeeds adds one independent route per seed file of rel.
func (l *tenantLoader) importRouteSeeds(key, rel string) {
	dir, ok := l.usable(l.label+".imports."+key, rel, true)
	if !ok {
		return
	}
	names, err := seedFiles(dir)
	if err != nil {
		l.report(origin{dir, l.label + " imports." + key}, fmt.Sprintf("failed to read route seed directory: %v", err))
		return
	}
	for _, name := range names {
		path := filepath.Join(dir, name)
		var s seedRoute
		b, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(b, &s)
			if err != nil {
				err = fmt.Errorf("failed to parse JSON: %s", jsonReason(err))
			}
		}
		label := s.Name
		if label == "" {
			label = name
		}
		at := origin{path, l.label + " " + label}
		if err != nil {
			l.report(at, err.Error())
			continue
		}
		l.b.addRoute(at, s.input(l.tenant.ID))
	}
}

// input maps a seed onto the neutral route input with its derived id. A
// seed without a name keeps the nil id so Validate reports the missing name
// (the id would mean nothing).
func (s seedRoute) input(tenantID uuid.UUID) routeInput {
	id := uuid.Nil
	if s.Name != "" {
		id = SeedRouteID(tenantID, s.Name)
	}
	return routeInput{
		routeFields:    s.routeFields,
		ID:             idKnown(id),
		BoardingWindow: minutes("boardingWindowDurationMinutes", s.BoardingWindowDurationMinutes),
		PreDeparture:   minutes("preDepartureDurationMinutes", s.PreDepartureDurationMinutes),
		Travel:         minutes("travelDurationMinutes", s.TravelDurationMinutes),
		CycleInterval:  minutes("cycleIntervalMinutes", s.CycleIntervalMinutes),
	}
}
