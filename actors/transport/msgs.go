package transport

import (
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/transport/ride"
)

// Internal message types (messages.Envelope.Type) on the transport internal
// topic. The first four carry a contract record's bytes unchanged to the
// actor that decides it; the others are messages between actors.
const (
	typeMapStatus       = "map_status"       // → route (presence), → rider (exit from an instance)
	typeCharacterStatus = "character_status" // → route (presence), → rider (login recovery, logout)
	typeChannelStatus   = "channel_status"   // → route (channel registry)
	typeStart           = "start"            // → rider: a START, from the contract or from REST
	typeRideStart       = "ride_start"       // rider → ride: board the character (a claim)
	typeRideExit        = "ride_exit"        // rider → ride: the character left an instance
	typeRideLogout      = "ride_logout"      // rider → ride: the character logged out
	typeBoarded         = "boarded"          // ride → rider: the character rides an instance
	typeRefused         = "refused"          // ride → rider: the claim was refused
	typeEnded           = "ended"            // ride → rider: the character's ride ended
)

// Bodies of the messages between actors. The character is the rider key's
// id for messages to a rider; ride messages carry it.
type (
	rideStartBody struct {
		World     byte   `json:"worldId"`
		Character uint32 `json:"characterId"`
		Channel   byte   `json:"channelId"`
		Claim     uint64 `json:"claim"`
	}
	rideExitBody struct {
		World     byte      `json:"worldId"`
		Character uint32    `json:"characterId"`
		Instance  uuid.UUID `json:"instance"`
	}
	rideLogoutBody struct {
		World     byte   `json:"worldId"`
		Character uint32 `json:"characterId"`
		// Warp is the scheduled-route logout warp (route.LogoutWarp), which
		// the ride emits in one transaction with its CANCELLED.
		Warp *messages.ChangeMapBody `json:"warp,omitempty"`
	}
	boardedBody struct {
		Route    uuid.UUID `json:"routeId"`
		Instance uuid.UUID `json:"instanceId"`
		Claim    uint64    `json:"claim"`
	}
	refusedBody struct {
		Route  uuid.UUID       `json:"routeId"`
		Claim  uint64          `json:"claim"`
		Reason messages.Reason `json:"reason"`
		Detail string          `json:"detail"`
	}
	endedBody struct {
		Route    uuid.UUID `json:"routeId"`
		Instance uuid.UUID `json:"instanceId"`
	}
)

// Route actor inputs.
type (
	routeMapStatus struct {
		o  actors.Origin
		ev messages.MapStatusEvent[messages.CharacterBody]
	}
	routeCharacterStatus struct {
		o  actors.Origin
		ev messages.CharacterEvent[messages.LocationBody]
	}
	routeChannelStatus struct {
		o  actors.Origin
		ev messages.ChannelStatusEvent
	}
	// ridersQuery asks a route who waits for it and rides it.
	ridersQuery struct{ reply chan<- RouteRiders }
)

// Directory shard inputs, each about one character.
type (
	dirStart struct {
		o         actors.Origin // a REST caller has Reply: answered once boarded or refused
		world     byte
		character uint32
		channel   byte
		route     uuid.UUID
	}
	dirMapExit struct {
		o         actors.Origin
		world     byte
		character uint32
		instance  uuid.UUID
	}
	dirStatus struct {
		o  actors.Origin
		ev messages.CharacterEvent[messages.LocationBody]
	}
	dirBoarded struct {
		o         actors.Origin
		character uint32
		body      boardedBody
	}
	dirRefused struct {
		o         actors.Origin
		character uint32
		body      refusedBody
	}
	dirEnded struct {
		o         actors.Origin
		character uint32
		body      endedBody
	}
)

// Ride actor inputs.
type (
	rideStart struct {
		o    actors.Origin
		body rideStartBody
	}
	rideExit struct {
		o    actors.Origin
		body rideExitBody
	}
	rideLogout struct {
		o    actors.Origin
		body rideLogoutBody
	}
	// shutdown warps every rider home; done is closed once committed.
	shutdown struct{ done chan struct{} }
	// instancesQuery asks a ride actor for its live instances.
	instancesQuery struct{ reply chan<- []ride.Instance }
)
