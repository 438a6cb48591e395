package config

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/transport/ride"
)

// The importers only map their own format onto the neutral inputs below;
// reading ids and durations, collecting field errors and building the domain
// records happens once, here, for every format.

// field reads one member of a record into its domain value. Its error names
// the member as the record's format spells it ("travel",
// "travelDurationMinutes"), so one builder serves every format while the
// reasons still use the author's words.
type field[T any] func() (T, error)

// idText is a UUID written as text under name; "" reads as uuid.Nil so the
// domain Validate reports the missing id (see parseID).
func idText(name, s string) field[uuid.UUID] {
	return func() (uuid.UUID, error) { return parseID(name, s) }
}

// idKnown is an id the importer derived itself, such as a seed route's.
func idKnown(id uuid.UUID) field[uuid.UUID] {
	return func() (uuid.UUID, error) { return id, nil }
}

// goDuration is a Go duration string under name (our own format).
func goDuration(name string, raw json.RawMessage) field[time.Duration] {
	return func() (time.Duration, error) { return parseDuration(name, raw) }
}

// minutes is an integer count of minutes under name (reference files).
func minutes(name string, n int64) field[time.Duration] {
	return func() (time.Duration, error) { return scaled(name, n, time.Minute) }
}

// seconds is an integer count of seconds under name (reference files).
func seconds(name string, n int64) field[time.Duration] {
	return func() (time.Duration, error) { return scaled(name, n, time.Second) }
}

// errs collects the field errors of one record.
type errs []error

func (e *errs) add(err error) {
	if err != nil {
		*e = append(*e, err)
	}
}

// read returns f's value and keeps its error, so a record reports every
// unreadable field at once instead of stopping at the first.
func read[T any](e *errs, f field[T]) T {
	v, err := f()
	e.add(err)
	return v
}

// embeddedRecordStructs are the Go names of the structs below as the
// formats' records embed them; jsonPath keeps them out of reasons.
var embeddedRecordStructs = []string{"routeFields", "rideFields"}

// routeFields are the members of a scheduled route that every format spells
// alike; the formats' records embed them, so they pass over whole.
type routeFields struct {
	Name             string   `json:"name"`
	StartMapID       uint32   `json:"startMapId"`
	StagingMapID     uint32   `json:"stagingMapId"`
	EnRouteMapIDs    []uint32 `json:"enRouteMapIds"`
	DestinationMapID uint32   `json:"destinationMapId"`
	ObservationMapID uint32   `json:"observationMapId"`
}

// routeInput is a scheduled route as any format gives it.
type routeInput struct {
	routeFields
	ID                                                  field[uuid.UUID]
	BoardingWindow, PreDeparture, Travel, CycleInterval field[time.Duration]
}

// route builds the scheduled route, reading every field so all their
// errors are reported at once, in member order (id first, then the
// durations: Go evaluates the literal's calls left to right). Validate is
// left to the builder, which runs it only when every field was readable.
func (in routeInput) route() (schedule.Route, []error) {
	var e errs
	r := schedule.Route{
		ID:               read(&e, in.ID),
		Name:             in.Name,
		StartMapID:       in.StartMapID,
		StagingMapID:     in.StagingMapID,
		EnRouteMapIDs:    in.EnRouteMapIDs,
		DestinationMapID: in.DestinationMapID,
		ObservationMapID: in.ObservationMapID,
		BoardingWindow:   read(&e, in.BoardingWindow),
		PreDeparture:     read(&e, in.PreDeparture),
		Travel:           read(&e, in.Travel),
		CycleInterval:    read(&e, in.CycleInterval),
	}
	return r, e
}

// rideFields are the members of an instance route that every format spells
// alike; the formats' records embed them.
type rideFields struct {
	Name             string `json:"name"`
	StartMapID       uint32 `json:"startMapId"`
	TransitMapID     uint32 `json:"transitMapId"`
	DestinationMapID uint32 `json:"destinationMapId"`
	Capacity         uint32 `json:"capacity"`
}

// rideInput is an instance route as any format gives it.
type rideInput struct {
	rideFields
	ID                     field[uuid.UUID]
	BoardingWindow, Travel field[time.Duration]
}

// ride builds the instance route like route does.
func (in rideInput) ride() (ride.Route, []error) {
	var e errs
	r := ride.Route{
		ID:               read(&e, in.ID),
		Name:             in.Name,
		StartMapID:       in.StartMapID,
		TransitMapID:     in.TransitMapID,
		DestinationMapID: in.DestinationMapID,
		Capacity:         in.Capacity,
		BoardingWindow:   read(&e, in.BoardingWindow),
		Travel:           read(&e, in.Travel),
	}
	return r, e
}

// vesselInput is a shared vessel as any format gives it.
type vesselInput struct {
	Name           string
	ID             field[uuid.UUID]
	RouteA, RouteB field[uuid.UUID]
	Turnaround     field[time.Duration]
}

// vessel builds the shared vessel like route does.
func (in vesselInput) vessel() (schedule.SharedVessel, []error) {
	var e errs
	v := schedule.SharedVessel{
		ID:         read(&e, in.ID),
		Name:       in.Name,
		RouteA:     read(&e, in.RouteA),
		RouteB:     read(&e, in.RouteB),
		Turnaround: read(&e, in.Turnaround),
	}
	return v, e
}
