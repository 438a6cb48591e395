package ride

import (
	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// LoginRecovery is the LOGIN crash recovery: a character logging in on the
// transit map of any route is warped to that route's start map (nil instance,
// portal 0, the login's world and channel). The first matching route in
// routes wins, so callers should pass routes in a stable order. The caller
// only asks for characters without a live ride; like the reference, the login
// instance is not consulted.
func LoginRecovery(routes []Route, world byte, character uint32, channel byte, mapID uint32) (messages.Record, bool) {
	for _, r := range routes {
		if r.TransitMapID == mapID {
			return warp(Rider{CharacterID: character, WorldID: world, ChannelID: channel}, r.StartMapID, uuid.Nil), true
		}
	}
	return messages.Record{}, false
}
