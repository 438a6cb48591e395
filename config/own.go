package config

import (
	"encoding/json"

	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/transport/ride"
)

// Records of our own format. Durations stay raw so parseDuration can name
// the field in its reason; unknown fields are rejected by decodeStrict.

type routeRecord struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	StartMapID       uint32          `json:"startMapId"`
	StagingMapID     uint32          `json:"stagingMapId"`
	EnRouteMapIDs    []uint32        `json:"enRouteMapIds"`
	DestinationMapID uint32          `json:"destinationMapId"`
	ObservationMapID uint32          `json:"observationMapId"`
	BoardingWindow   json.RawMessage `json:"boardingWindow"`
	PreDeparture     json.RawMessage `json:"preDeparture"`
	Travel           json.RawMessage `json:"travel"`
	CycleInterval    json.RawMessage `json:"cycleInterval"`
}

type vesselRecord struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	RouteA     string          `json:"routeA"`
	RouteB     string          `json:"routeB"`
	Turnaround json.RawMessage `json:"turnaround"`
}

type instanceRouteRecord struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	StartMapID       uint32          `json:"startMapId"`
	TransitMapID     uint32          `json:"transitMapId"`
	DestinationMapID uint32          `json:"destinationMapId"`
	Capacity         uint32          `json:"capacity"`
	BoardingWindow   json.RawMessage `json:"boardingWindow"`
	Travel           json.RawMessage `json:"travel"`
}

// errs collects field errors of one record.
type errs []error

func (e *errs) add(err error) {
	if err != nil {
		*e = append(*e, err)
	}
}

// route converts a decoded route record, collecting every field error.
func (rec routeRecord) route() (schedule.Route, []error) {
	var e errs
	var err error
	r := schedule.Route{
		Name:             rec.Name,
		StartMapID:       rec.StartMapID,
		StagingMapID:     rec.StagingMapID,
		EnRouteMapIDs:    rec.EnRouteMapIDs,
		DestinationMapID: rec.DestinationMapID,
		ObservationMapID: rec.ObservationMapID,
	}
	r.ID, err = parseID("id", rec.ID)
	e.add(err)
	r.BoardingWindow, err = parseDuration("boardingWindow", rec.BoardingWindow)
	e.add(err)
	r.PreDeparture, err = parseDuration("preDeparture", rec.PreDeparture)
	e.add(err)
	r.Travel, err = parseDuration("travel", rec.Travel)
	e.add(err)
	r.CycleInterval, err = parseDuration("cycleInterval", rec.CycleInterval)
	e.add(err)
	return r, e
}

// vessel converts a decoded vessel record.
func (rec vesselRecord) vessel() (schedule.SharedVessel, []error) {
	var e errs
	var err error
	v := schedule.SharedVessel{Name: rec.Name}
	v.ID, err = parseID("id", rec.ID)
	e.add(err)
	v.RouteA, err = parseID("routeA", rec.RouteA)
	e.add(err)
	v.RouteB, err = parseID("routeB", rec.RouteB)
	e.add(err)
	v.Turnaround, err = parseDuration("turnaround", rec.Turnaround)
	e.add(err)
	return v, e
}

// route converts a decoded instance-route record.
func (rec instanceRouteRecord) route() (ride.Route, []error) {
	var e errs
	var err error
	r := ride.Route{
		Name:             rec.Name,
		StartMapID:       rec.StartMapID,
		TransitMapID:     rec.TransitMapID,
		DestinationMapID: rec.DestinationMapID,
		Capacity:         rec.Capacity,
	}
	r.ID, err = parseID("id", rec.ID)
	e.add(err)
	r.BoardingWindow, err = parseDuration("boardingWindow", rec.BoardingWindow)
	e.add(err)
	r.Travel, err = parseDuration("travel", rec.Travel)
	e.add(err)
	return r, e
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
	r, fieldErrs := rec.route()
	l.b.addRoute(at, r, fieldErrs)
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
	v, fieldErrs := rec.vessel()
	l.b.addVessel(at, v, fieldErrs)
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
	r, fieldErrs := rec.route()
	l.b.addRide(at, r, fieldErrs)
}
