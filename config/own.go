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

type vesselRecord struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	RouteA     string          `json:"routeA"`
	RouteB     string          `json:"routeB"`
	Turnaround json.RawMessage `json:"turnaround"`
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

type instanceRouteRecord struct {
	rideFields
	ID             string          `json:"id"`
	BoardingWindow json.RawMessage `json:"boardingWindow"`
	Travel         json.RawMessage `json:"travel"`
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

// decodeRecord decodes section[i] of our own format into rec, labelled with
// the name it holds (name points into rec, so it is read after decoding). A
// record that does not decode is reported and ok is false.
func (l *tenantLoader) decodeRecord(section string, i int, raw json.RawMessage, rec any, name *string) (at origin, ok bool) {
	err := decodeStrict(raw, rec)
	at = l.at(section, i, *name)
	if err != nil {
		l.report(at, jsonReason(err))
		return at, false
	}
	return at, true
}

// ownRoute loads routes[i] of our own format.
func (l *tenantLoader) ownRoute(i int, raw json.RawMessage) {
	var rec routeRecord
	if at, ok := l.decodeRecord("routes", i, raw, &rec, &rec.Name); ok {
		l.b.addRoute(at, rec.input())
	}
}

// ownVessel loads vessels[i] of our own format.
func (l *tenantLoader) ownVessel(i int, raw json.RawMessage) {
	var rec vesselRecord
	at, ok := l.decodeRecord("vessels", i, raw, &rec, &rec.Name)
	if !ok {
		// The decoder fills what it can, so a typo elsewhere in the record
		// still withholds the routes it names.
		l.b.noteLegs(rec.RouteA, rec.RouteB)
		return
	}
	l.b.addVessel(at, rec.input())
}

// ownInstanceRoute loads instanceRoutes[i] of our own format.
func (l *tenantLoader) ownInstanceRoute(i int, raw json.RawMessage) {
	var rec instanceRouteRecord
	if at, ok := l.decodeRecord("instanceRoutes", i, raw, &rec, &rec.Name); ok {
		l.b.addRide(at, rec.input())
	}
}
