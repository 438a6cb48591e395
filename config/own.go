package config

import "encoding/json"

// Records of our own format. Durations stay raw so parseDuration can name
// the field in its reason; unknown fields are rejected by decodeStrict.

type routeRecord struct {
	routeFields
	ID             string          `json:"id"`
	BoardingWindow json.RawMessage `json:"boardingWindow"`
	PreDeparture   json.RawMessage `json:"preDeparture"`
	Travel         json.RawMessage `json:"travel"`
	CycleInterval  json.RawMessage `json:"cycleInterval"`
}

type vesselRecord struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	RouteA     string          `json:"routeA"`
	RouteB     string          `json:"routeB"`
	Turnaround json.RawMessage `json:"turnaround"`
}

type instanceRouteRecord struct {
	rideFields
	ID             string          `json:"id"`
	BoardingWindow json.RawMessage `json:"boardingWindow"`
	Travel         json.RawMessage `json:"travel"`
}

// input maps a decoded route record onto the neutral route input.
func (rec routeRecord) input() routeInput {
	return routeInput{
		routeFields:    rec.routeFields,
		ID:             idText("id", rec.ID),
		BoardingWindow: goDuration("boardingWindow", rec.BoardingWindow),
		PreDeparture:   goDuration("preDeparture", rec.PreDeparture),
		Travel:         goDuration("travel", rec.Travel),
		CycleInterval:  goDuration("cycleInterval", rec.CycleInterval),
	}
}

// input maps a decoded vessel record onto the neutral vessel input.
func (rec vesselRecord) input() vesselInput {
	return vesselInput{
		Name:       rec.Name,
		ID:         idText("id", rec.ID),
		RouteA:     idText("routeA", rec.RouteA),
		RouteB:     idText("routeB", rec.RouteB),
		Turnaround: goDuration("turnaround", rec.Turnaround),
	}
}

// input maps a decoded instance-route record onto the neutral ride input.
func (rec instanceRouteRecord) input() rideInput {
	return rideInput{
		rideFields:     rec.rideFields,
		ID:             idText("id", rec.ID),
		BoardingWindow: goDuration("boardingWindow", rec.BoardingWindow),
		Travel:         goDuration("travel", rec.Travel),
	}
}

// records decodes one array section of our own format and hands each
// element to fn; a section that is not an array is one problem.
func (l *tenantLoader) records(m map[string]json.RawMessage, section string, fn func(i int, raw json.RawMessage)) {
	raw := m[section]
	if !present(raw) {
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		l.report(origin{l.file, l.label + "." + section}, "want an array")
		return
	}
	for i, item := range items {
		fn(i, item)
	}
}

// ownRoute loads routes[i] of our own format.
func (l *tenantLoader) ownRoute(i int, raw json.RawMessage) {
	var rec routeRecord
	err := decodeStrict(raw, &rec)
	at := l.at("routes", i, rec.Name)
	if err != nil {
		l.report(at, jsonReason(err))
		return
	}
	l.b.addRoute(at, rec.input())
}

// ownVessel loads vessels[i] of our own format.
func (l *tenantLoader) ownVessel(i int, raw json.RawMessage) {
	var rec vesselRecord
	err := decodeStrict(raw, &rec)
	at := l.at("vessels", i, rec.Name)
	if err != nil {
		// The decoder fills what it can, so a typo elsewhere in the record
		// still withholds the routes it names.
		l.b.noteLegs(rec.RouteA, rec.RouteB)
		l.report(at, jsonReason(err))
		return
	}
	l.b.addVessel(at, rec.input())
}

// ownInstanceRoute loads instanceRoutes[i] of our own format.
func (l *tenantLoader) ownInstanceRoute(i int, raw json.RawMessage) {
	var rec instanceRouteRecord
	err := decodeStrict(raw, &rec)
	at := l.at("instanceRoutes", i, rec.Name)
	if err != nil {
		l.report(at, jsonReason(err))
		return
	}
	l.b.addRide(at, rec.input())
}
