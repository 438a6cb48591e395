package schedule

import (
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Route validation errors. The messages are the reference's, so operators see
// the same text; they are exported so callers can test with errors.Is.
var (
	ErrRouteIDNil             = errors.New("route ID must not be nil")
	ErrRouteNameEmpty         = errors.New("route name must not be empty")
	ErrNoEnRouteMaps          = errors.New("at least one en-route map ID is required")
	ErrBoardingWindowPositive = errors.New("boarding window duration must be positive")
	ErrPreDeparturePositive   = errors.New("pre-departure duration must be positive")
	ErrTravelPositive         = errors.New("travel duration must be positive")
	ErrCycleIntervalPositive  = errors.New("cycle interval must be positive")
)

// Route is a scheduled route's timing-relevant configuration. The map ids are
// not used by this package; they ride along so callers have one record.
type Route struct {
	ID               uuid.UUID
	Name             string
	StartMapID       uint32
	StagingMapID     uint32
	EnRouteMapIDs    []uint32
	DestinationMapID uint32
	ObservationMapID uint32
	BoardingWindow   time.Duration
	PreDeparture     time.Duration
	Travel           time.Duration
	// CycleInterval is the gap between boarding openings of an independent
	// route; it is ignored while the route is part of a SharedVessel.
	CycleInterval time.Duration
}

// Validate reports every problem of r at once, joined with errors.Join (nil
// when valid), so a config author fixes a record in one pass. Map ids are not
// checked, as in the reference (0 is allowed). A route whose trip
// (window + pre-departure + travel) does not fit in a day is valid; it simply
// never runs.
func (r Route) Validate() error {
	var errs []error
	if r.ID == uuid.Nil {
		errs = append(errs, ErrRouteIDNil)
	}
	if r.Name == "" {
		errs = append(errs, ErrRouteNameEmpty)
	}
	if len(r.EnRouteMapIDs) == 0 {
		errs = append(errs, ErrNoEnRouteMaps)
	}
	if r.BoardingWindow <= 0 {
		errs = append(errs, ErrBoardingWindowPositive)
	}
	if r.PreDeparture <= 0 {
		errs = append(errs, ErrPreDeparturePositive)
	}
	if r.Travel <= 0 {
		errs = append(errs, ErrTravelPositive)
	}
	if r.CycleInterval <= 0 {
		errs = append(errs, ErrCycleIntervalPositive)
	}
	return errors.Join(errs...)
}

// TripLength is the time from boarding open to arrival, saturating instead of
// overflowing so absurd configs just never fit in a day.
func (r Route) TripLength() time.Duration {
	return addSat(addSat(r.BoardingWindow, r.PreDeparture), r.Travel)
}

// clone deep-copies the slice so a Timetable never shares memory with callers.
func (r Route) clone() Route {
	r.EnRouteMapIDs = slices.Clone(r.EnRouteMapIDs)
	return r
}

// addSat adds two non-negative durations, saturating at the maximum.
func addSat(a, b time.Duration) time.Duration {
	if a > maxDuration-b {
		return maxDuration
	}
	return a + b
}

const maxDuration = time.Duration(1<<63 - 1)
