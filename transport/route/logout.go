package route

import (
	"slices"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/google/uuid"
)

// LogoutWarp is the scheduled-route LOGOUT rule (spec §1.6): a character who
// logs out in a route's staging map or any of its en-route maps is moved to
// that route's start map (same world and channel, nil instance, portal 0),
// so it does not log back in on a ship or in a waiting room. The first
// matching route in the given order wins, which makes the choice
// deterministic (the reference used map order). The route's state and the
// logout's instance are not looked at, as in the reference; only staging and
// en-route maps are checked. The character is offline: the command only
// moves its stored position.
func LogoutWarp(routes []schedule.Route, world byte, character uint32, channel byte, mapID uint32) (messages.Record, bool) {
	for _, r := range routes {
		if r.StagingMapID == mapID || slices.Contains(r.EnRouteMapIDs, mapID) {
			return messages.ChangeMap(world, character, messages.ChangeMapBody{
				ChannelID: channel,
				MapID:     r.StartMapID,
				Instance:  uuid.Nil,
				PortalID:  0,
			}), true
		}
	}
	return messages.Record{}, false
}
