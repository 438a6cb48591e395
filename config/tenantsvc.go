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

// input maps a route resource with id onto the neutral route input.
func (a tenantRouteAttributes) input(id string) routeInput {
	return routeInput{
		routeFields:    a.routeFields,
		ID:             idText("id", id),
		BoardingWindow: minutes("boardingWindowDuration", a.BoardingWindowDuration),
		PreDeparture:   minutes("preDepartureDuration", a.PreDepartureDuration),
		Travel:         minutes("travelDuration", a.TravelDuration),
		CycleInterval:  minutes("cycleInterval", a.CycleInterval),
	}
}

type tenantVesselAttributes struct {
	Name            string `json:"name"`
	RouteAID        string `json:"routeAID"`
	RouteBID        string `json:"routeBID"`
	TurnaroundDelay int64  `json:"turnaroundDelay"`
}

// input maps a vessel resource with id onto the neutral vessel input.
func (a tenantVesselAttributes) input(id string) vesselInput {
	return vesselInput{
		Name:       a.Name,
		ID:         idText("id", id),
		RouteA:     idText("routeAID", a.RouteAID),
		RouteB:     idText("routeBID", a.RouteBID),
		Turnaround: seconds("turnaroundDelay", a.TurnaroundDelay),
	}
}

type tenantInstanceRouteAttributes struct {
	rideFields
	BoardingWindowSeconds int64 `json:"boardingWindowSeconds"`
	TravelDurationSeconds int64 `json:"travelDurationSeconds"`
}

// input maps an instance-route resource with id onto the neutral ride
// input.
func (a tenantInstanceRouteAttributes) input(id string) rideInput {
	return rideInput{
		rideFields:     a.rideFields,
		ID:             idText("id", id),
		BoardingWindow: seconds("boardingWindowSeconds", a.BoardingWindowSeconds),
		Travel:         seconds("travelDurationSeconds", a.TravelDurationSeconds),
	}
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
		if id, at, ok := l.decodeAt(path, i, raw, typeRoutes, &a, &a.Name); ok {
			l.b.addRoute(at, a.input(id))
		}
	})
}

// importTenantVessels adds the vessels of a tenants-service vessels list.
func (l *tenantLoader) importTenantVessels(key, rel string) {
	l.eachResource(key, rel, func(path string, i int, raw json.RawMessage) {
		var a tenantVesselAttributes
		id, at, ok := l.decodeAt(path, i, raw, typeVessels, &a, &a.Name)
		if !ok {
			l.b.noteLegs(a.RouteAID, a.RouteBID) // as far as they decoded
			return
		}
		l.b.addVessel(at, a.input(id))
	})
}

// importTenantInstanceRoutes adds the routes of a tenants-service
// instance-routes list.
func (l *tenantLoader) importTenantInstanceRoutes(key, rel string) {
	l.eachResource(key, rel, func(path string, i int, raw json.RawMessage) {
		var a tenantInstanceRouteAttributes
		if id, at, ok := l.decodeAt(path, i, raw, typeInstanceRoutes, &a, &a.Name); ok {
			l.b.addRide(at, a.input(id))
		}
	})
}

// eachResource reads one imported JSON:API list and calls fn per element.
// A file that is missing or is not a JSON:API list is fatal: it is wrong as
// a whole, not one record of it.
func (l *tenantLoader) eachResource(key, rel string, fn func(path string, i int, raw json.RawMessage)) {
	record := l.label + ".imports." + key
	path, ok := l.usable(record, rel, false)
	if !ok {
		return
	}
	items, err := readJSONAPIList(path)
	if err != nil {
		l.fail(origin{l.file, record}, path+": "+err.Error())
		return
	}
	for i, raw := range items {
		fn(path, i, raw)
	}
}

// decodeAt decodes element i of the list at path as a resource of typ with
// its attributes in attrs, labelled with the name they hold (name points
// into attrs, so it is read after decoding) or else the resource id. An
// element that does not decode is reported and ok is false.
func (l *tenantLoader) decodeAt(path string, i int, raw json.RawMessage, typ string, attrs any, name *string) (id string, at origin, ok bool) {
	res, err := decodeResource(raw, typ, attrs)
	at = l.resourceAt(path, i, *name, res.ID)
	if err != nil {
		l.report(at, err.Error())
		return res.ID, at, false
	}
	return res.ID, at, true
}
