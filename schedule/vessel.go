package schedule

import (
	"errors"
	"time"

	"github.com/google/uuid"
)

// Shared-vessel validation errors; the first three messages are the
// reference's, the others are our additions.
var (
	ErrVesselIDNil          = errors.New("vessel ID must not be nil")
	ErrRouteANil            = errors.New("route A ID must not be nil")
	ErrRouteBNil            = errors.New("route B ID must not be nil")
	ErrTurnaroundPositive   = errors.New("turnaround delay must be positive")
	ErrVesselSameRouteTwice = errors.New("route A and route B must be different routes")
)

// SharedVessel is one vessel alternating two routes: route A's trip at 00:00
// UTC, then route B's, then A's, ..., each next trip opening boarding
// Turnaround after the previous arrival. Each leg uses its own route's
// durations; the routes' CycleInterval is ignored.
type SharedVessel struct {
	ID         uuid.UUID
	Name       string
	RouteA     uuid.UUID
	RouteB     uuid.UUID
	Turnaround time.Duration
}

// Validate reports every problem of v joined with errors.Join (nil when
// valid). A vessel naming the same route twice is rejected: the reference
// would give that route two interleaved timetables, which no config means.
func (v SharedVessel) Validate() error {
	var errs []error
	if v.ID == uuid.Nil {
		errs = append(errs, ErrVesselIDNil)
	}
	if v.RouteA == uuid.Nil {
		errs = append(errs, ErrRouteANil)
	}
	if v.RouteB == uuid.Nil {
		errs = append(errs, ErrRouteBNil)
	}
	if v.Turnaround <= 0 {
		errs = append(errs, ErrTurnaroundPositive)
	}
	if v.RouteA != uuid.Nil && v.RouteA == v.RouteB {
		errs = append(errs, ErrVesselSameRouteTwice)
	}
	return errors.Join(errs...)
}
