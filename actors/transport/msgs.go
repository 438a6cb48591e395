package transport

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/transport/ride"
	"github.com/gamehost/transitquest/transport/route"
)

// Hub inputs.
type (
	mapStatus struct {
		o  actors.Origin
		ev messages.MapStatusEvent[messages.CharacterBody]
	}
	characterStatus struct {
		o  actors.Origin
		ev messages.CharacterEvent[messages.LocationBody]
	}
	channelStatus struct {
		o  actors.Origin
		ev messages.ChannelStatusEvent
	}
	startRide struct {
		o         actors.Origin
		world     byte
		character uint32
		channel   byte
		route     uuid.UUID
	}
	// sweep asks the hub to warp everyone in some maps, in one transaction
	// with the route's event.
	sweep struct{ effect route.Effect }
	// boarded and rideEnded keep the hub's character→ride directory in step
	// with the ride actors.
	boarded struct {
		character uint32
		route     uuid.UUID
		instance  uuid.UUID
		restored  bool // from the changelog at start-up: no reservation precedes it
	}
	rideEnded struct {
		character uint32
		route     uuid.UUID
		instance  uuid.UUID // nil: a pending reservation that failed
	}
	// routesReady hands the hub the PIDs of its tenant's instance-route actors.
	routesReady struct{ rides map[uuid.UUID]*actor.PID }
	// ridersQuery asks the hub who waits for and rides each scheduled route.
	ridersQuery struct {
		reply chan<- map[uuid.UUID]RouteRiders
	}
)

// Ride actor inputs.
type (
	rideStart struct {
		o         actors.Origin
		world     byte
		character uint32
		channel   byte
	}
	rideExit struct {
		o         actors.Origin
		world     byte
		character uint32
		instance  uuid.UUID
	}
	rideLogout struct {
		o         actors.Origin
		world     byte
		character uint32
		extra     []messages.Record // the scheduled-route logout warp, same transaction
	}
	// shutdown warps every rider home; done is closed once committed.
	shutdown struct{ done chan struct{} }
	// instancesQuery asks a ride actor for its live instances.
	instancesQuery struct{ reply chan<- []ride.Instance }
)

// Route actor inputs.
type (
	// stateQuery asks a route actor for its schedule.State at an instant.
	stateQuery struct {
		at    time.Time
		reply chan<- schedule.State
	}
)
