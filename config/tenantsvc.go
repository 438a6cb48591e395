package config

import "encoding/json"

// Attributes of the tenants service's configuration resources, with the
// reference's units: route integers in minutes, vessel turnaroundDelay in
// seconds, instance routes in seconds as their names say.

type tenantRouteAttributes struct {
	routeFields
	BoardingWindowDuration int64 `json:"boardingWindowDuration"`
	PreDepartureDuration   int64 `json:"preDepartureDuration"`
	TravelDuration         int64 `json:"travelDuration"`
	CycleInterval          int64 `json:"cycleInterval"`
}

type tenantVesselAttributes struct {
	Name            string `json:"name"`
	RouteAID        string `json:"routeAID"`
	RouteBID        string `json:"routeBID"`
	TurnaroundDelay int64  `json:"turnaroundDelay"`
}

type tenantInstanceRouteAttributes struct {
	rideFields
	BoardingWindowSeconds int64 `json:"boardingWindowSeconds"`
	TravelDurationSeconds int64 `json:"travelDurationSeconds"`
}

// JSON:API resource types of the three lists.
const (
	typeRoutes         = "routes"
	typeVessels        = "vessels"
	typeInstanceRoutes = "instance-routes"
)

// importTenantRoutes adds the routes of a tenants-service routes list.
func (l *tenantLoader) importTenantRoutes(key, rel string) {
	l.eachResource(key, rel, func(path string, i int, raw json.RawMessage) {
		var a tenantRouteAttributes
		res, err := decodeResource(raw, typeRoutes, &a)
		at := l.resourceAt(path, i, a.Name, res.ID)
		if err != nil {
			l.report(at, err.Error())
			return
		}
		l.b.addRoute(at, routeInput{
			routeFields:    a.routeFields,
			ID:             idText("id", res.ID),
			BoardingWindow: minutes("boardingWindowDuration", a.BoardingWindowDuration),
			PreDeparture:   minutes("preDepartureDuration", a.PreDepartureDuration),
			Travel:         minutes("travelDuration", a.TravelDuration),
			CycleInterval:  minutes("cycleInterval", a.CycleInterval),
		})
	})
}

// importTenantVessels adds the vessels of a tenants-service vessels list.
func (l *tenantLoader) importTenantVessels(key, rel string) {
	l.eachResource(key, rel, func(path string, i int, raw json.RawMessage) {
		var a tenantVesselAttributes
		res, err := decodeResource(raw, typeVessels, &a)
		at := l.resourceAt(path, i, a.Name, res.ID)
		if err != nil {
			l.b.noteLegs(a.RouteAID, a.RouteBID) // as far as they decoded
			l.report(at, err.Error())
			return
		}
		l.b.addVessel(at, vesselInput{
			Name:       a.Name,
			ID:         idText("id", res.ID),
			RouteA:     idText("routeAID", a.RouteAID),
			RouteB:     idText("routeBID", a.RouteBID),
			Turnaround: seconds("turnaroundDelay", a.TurnaroundDelay),
		})
	})
}

// importTenantInstanceRoutes adds the routes of a tenants-service
// instance-routes list.
func (l *tenantLoader) importTenantInstanceRoutes(key, rel string) {
	l.eachResource(key, rel, func(path string, i int, raw json.RawMessage) {
		var a tenantInstanceRouteAttributes
		res, err := decodeResource(raw, typeInstanceRoutes, &a)
		at := l.resourceAt(path, i, a.Name, res.ID)
		if err != nil {
			l.report(at, err.Error())
			return
		}
		l.b.addRide(at, rideInput{
			rideFields:     a.rideFields,
			ID:             idText("id", res.ID),
			BoardingWindow: seconds("boardingWindowSeconds", a.BoardingWindowSeconds),
			Travel:         seconds("travelDurationSeconds", a.TravelDurationSeconds),
		})
	})
}

// eachResource reads one imported JSON:API list and calls fn per element;
// an unreadable file is one problem for the import entry.
func (l *tenantLoader) eachResource(key, rel string, fn func(path string, i int, raw json.RawMessage)) {
	path := l.resolve(rel)
	items, err := readJSONAPIList(path)
	if err != nil {
		l.report(origin{path, l.label + " imports." + key}, err.Error())
		return
	}
	for i, raw := range items {
		fn(path, i, raw)
	}
}
