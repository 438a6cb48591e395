package ride

import (
	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// warp is a CHANGE_MAP of one rider to a map; portal 0 because the machine
// knows no spawn points (the actor may rewrite it from configuration).
func warp(r Rider, mapID uint32, instance uuid.UUID) messages.Record {
	return messages.ChangeMap(r.WorldID, r.CharacterID, messages.ChangeMapBody{
		ChannelID: r.ChannelID,
		MapID:     mapID,
		Instance:  instance,
		PortalID:  0,
	})
}

// rideEvent is a STARTED or COMPLETED event of the ride.
func (m *Machine) rideEvent(world byte, character uint32, typ string, instance uuid.UUID) messages.Record {
	return messages.RideEvent(world, character, typ, messages.RideBody{
		RouteID:    m.route.ID,
		InstanceID: instance,
	})
}

// cancelled is a CANCELLED event of the ride with its reason.
func (m *Machine) cancelled(world byte, character uint32, instance uuid.UUID, reason string) messages.Record {
	return messages.RideEvent(world, character, messages.TypeCancelled, messages.RideCancelledBody{
		RouteID:    m.route.ID,
		InstanceID: instance,
		Reason:     reason,
	})
}
