package ride

import (
	"errors"
	"math"
	"time"

	"github.com/google/uuid"
)

// Route is the configuration of one instance-transport route. It is not a wire
// type: loaders decode their own formats into it.
type Route struct {
	ID               uuid.UUID
	Name             string
	StartMapID       uint32 // where riders go on STUCK, shutdown and login recovery
	TransitMapID     uint32 // the map instanced once per ride instance
	DestinationMapID uint32 // where riders go on arrival
	Capacity         uint32 // riders per instance
	BoardingWindow   time.Duration
	Travel           time.Duration
}

// Validation errors of Route, worded as in the reference where it has them.
var (
	ErrRouteID       = errors.New("route id must not be nil")
	ErrRouteName     = errors.New("route name must not be empty")
	ErrRouteCapacity = errors.New("capacity must be greater than zero")
	ErrRouteBoarding = errors.New("boarding window must be positive")
	ErrRouteTravel   = errors.New("travel duration must be positive")
	ErrRouteTooLong  = errors.New("boarding window plus travel duration is too long")
)

// Validate reports the first rule the route breaks, or nil.
func (r Route) Validate() error {
	switch {
	case r.ID == uuid.Nil:
		return ErrRouteID
	case r.Name == "":
		return ErrRouteName
	case r.Capacity == 0:
		return ErrRouteCapacity
	case r.BoardingWindow <= 0:
		return ErrRouteBoarding
	case r.Travel <= 0:
		return ErrRouteTravel
	case r.BoardingWindow > math.MaxInt64/4 || r.Travel > math.MaxInt64/4:
		// Not in the reference: keeps MaxLifetime from overflowing into a
		// negative duration that would mark every instance stuck at once.
		return ErrRouteTooLong
	}
	return nil
}

// MaxLifetime is the stuck safety net: an instance still alive this long after
// its creation is cancelled with reason STUCK. 2 × (boarding + travel).
func (r Route) MaxLifetime() time.Duration {
	return 2 * (r.BoardingWindow + r.Travel)
}
