package presence

import (
	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// Maps of the seeded Orbis→Ellinia boat (spec §8.1).
const (
	staging uint32 = 200000112
	ship    uint32 = 200090000
	cabin   uint32 = 200090001
	dest    uint32 = 101000300
)

var inst = uuid.MustParse("6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f")

// loc is a nil-instance field.
func loc(w, c byte, m uint32) Location {
	return Location{WorldID: w, ChannelID: c, MapID: m}
}

// warp is the CHANGE_MAP a sweep must produce.
func warp(w, c byte, character, to, portal uint32) messages.Record {
	return messages.ChangeMap(w, character, messages.ChangeMapBody{ChannelID: c, MapID: to, Instance: uuid.Nil, PortalID: portal})
}

// checkInvariants verifies the internal indexes agree with each other.
func (x *Index) checkInvariants() []string {
	var bad []string
	perChannel := map[Channel]int32{}
	for id, s := range x.chars {
		f := x.fields[s.at]
		if int(s.pos) >= len(f) || f[s.pos] != id {
			bad = append(bad, "slot position wrong")
		}
		perChannel[s.at.channel()]++
	}
	n := 0
	for at, f := range x.fields {
		if len(f) == 0 {
			bad = append(bad, "empty field kept")
		}
		for _, id := range f {
			if x.chars[id].at != at {
				bad = append(bad, "member in wrong field")
			}
		}
		n += len(f)
	}
	if n != len(x.chars) {
		bad = append(bad, "field members != characters")
	}
	if len(perChannel) != len(x.present) {
		bad = append(bad, "channel count keys differ")
	}
	for ch, c := range perChannel {
		if x.present[ch] != c {
			bad = append(bad, "channel count wrong")
		}
	}
	return bad
}
