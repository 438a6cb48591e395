package presence

import (
	"slices"

	"github.com/google/uuid"
)

// Occupant is a character found in a field, with the world and channel a
// CHANGE_MAP for it must carry.
type Occupant struct {
	CharacterID uint32
	WorldID     byte
	ChannelID   byte
}

// Occupants lists the characters in one field, sorted by character id so
// callers produce the same records in the same order on every run.
func (x *Index) Occupants(world byte, channel byte, mapID uint32, instance uuid.UUID) []Occupant {
	ids := x.sortedMembers(Location{WorldID: world, ChannelID: channel, MapID: mapID, Instance: instance})
	out := make([]Occupant, len(ids))
	for i, id := range ids {
		out[i] = Occupant{CharacterID: id, WorldID: world, ChannelID: channel}
	}
	return out
}

// sortedMembers is a sorted copy of a field's members (nil when empty); the
// stored slice is unordered and must not escape.
func (x *Index) sortedMembers(at Location) []uint32 {
	f := x.fields[at]
	if len(f) == 0 {
		return nil
	}
	ids := slices.Clone(f)
	slices.Sort(ids)
	return ids
}
