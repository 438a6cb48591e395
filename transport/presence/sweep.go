package presence

import (
	"slices"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// Sweep returns a CHANGE_MAP for every character in the nil-instance copy of
// any map in from, on every active channel, to map `to` on the same world and
// channel (nil instance, the given portal). Instanced copies are never
// emptied, as in the reference.
//
// Records are ordered by channel (world, then channel), then by the order of
// from, then by character id, so the output is deterministic. A map listed
// twice in from is swept once, and a character is in one field only, so no
// character is warped twice.
//
// The index is not changed: the channel server's EXIT/ENTER events for the
// warp will move the characters, and until then a second sweep would find
// them where they were, which is the truth the index can know.
func (x *Index) Sweep(from []uint32, to uint32, portal uint32) []messages.Record {
	var out []messages.Record
	for _, ch := range x.ActiveChannels() {
		for i, mapID := range from {
			if slices.Contains(from[:i], mapID) {
				continue
			}
			at := Location{WorldID: ch.WorldID, ChannelID: ch.ChannelID, MapID: mapID, Instance: uuid.Nil}
			for _, id := range x.sortedMembers(at) {
				out = append(out, messages.ChangeMap(ch.WorldID, id, messages.ChangeMapBody{
					ChannelID: ch.ChannelID,
					MapID:     to,
					Instance:  uuid.Nil,
					PortalID:  portal,
				}))
			}
		}
	}
	return out
}
