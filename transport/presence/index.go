package presence

import (
	"slices"

	"github.com/google/uuid"
)

// Location is a field: a copy of a map on one channel. The nil Instance is the
// shared copy that scheduled routes sweep; other instances are private copies.
type Location struct {
	WorldID   byte      `json:"worldId"`
	ChannelID byte      `json:"channelId"`
	MapID     uint32    `json:"mapId"`
	Instance  uuid.UUID `json:"instance"`
}

// channel is the channel the location is on.
func (l Location) channel() Channel {
	return Channel{WorldID: l.WorldID, ChannelID: l.ChannelID}
}

// slot is where a character is and its index in that field's member slice;
// keeping the index makes removal a swap-remove instead of a scan.
type slot struct {
	at  Location
	pos int32
}

// Index is one tenant's presence index. The zero value is not usable; call
// New or Restore.
type Index struct {
	chars   map[uint32]slot       // character → where
	fields  map[Location][]uint32 // field → its characters, unordered
	present map[Channel]int32     // characters per channel, entries > 0 only
	started map[Channel]struct{}  // announced STARTED, not since SHUTDOWN
}

// New returns an empty index.
func New() *Index {
	return &Index{
		chars:   make(map[uint32]slot),
		fields:  make(map[Location][]uint32),
		present: make(map[Channel]int32),
		started: make(map[Channel]struct{}),
	}
}

// Enter records CHARACTER_ENTER: the character is now at `at`, wherever it
// was before (an enter of a new map may arrive before the exit of the old).
func (x *Index) Enter(character uint32, at Location) {
	if s, ok := x.chars[character]; ok {
		if s.at == at {
			return // redelivered event: nothing moves
		}
		x.unlink(character, s)
	}
	f := x.fields[at]
	x.chars[character] = slot{at: at, pos: int32(len(f))}
	x.fields[at] = append(f, character)
	x.present[at.channel()]++
}

// Exit records CHARACTER_EXIT. It removes the character only if the index
// still has it at `from`: an exit of an old map that arrives after the enter
// of the new one must not erase the newer location.
func (x *Index) Exit(character uint32, from Location) {
	if s, ok := x.chars[character]; ok && s.at == from {
		x.unlink(character, s)
		delete(x.chars, character)
	}
}

// Login records LOGIN: the character appears at `at` (same as Enter).
func (x *Index) Login(character uint32, at Location) { x.Enter(character, at) }

// Logout records LOGOUT: the character is gone from wherever it was.
func (x *Index) Logout(character uint32) {
	if s, ok := x.chars[character]; ok {
		x.unlink(character, s)
		delete(x.chars, character)
	}
}

// Where returns the character's current location.
func (x *Index) Where(character uint32) (Location, bool) {
	s, ok := x.chars[character]
	return s.at, ok
}

// Len is the number of characters in the index.
func (x *Index) Len() int { return len(x.chars) }

// unlink removes character (currently at s) from its field and channel count,
// leaving x.chars to the caller (Enter overwrites it, the others delete it).
func (x *Index) unlink(character uint32, s slot) {
	f := x.fields[s.at]
	last := len(f) - 1
	if moved := f[last]; moved != character {
		// Swap-remove: the last member takes the leaving one's place.
		f[s.pos] = moved
		x.chars[moved] = slot{at: s.at, pos: s.pos}
	}
	f = f[:last]
	switch {
	case len(f) == 0:
		delete(x.fields, s.at)
	case cap(f) > 64 && len(f) < cap(f)/4:
		// A crowd left (e.g. a departure sweep): give the memory back.
		x.fields[s.at] = slices.Clone(f)
	default:
		x.fields[s.at] = f
	}
	ch := s.at.channel()
	if n := x.present[ch] - 1; n > 0 {
		x.present[ch] = n
	} else {
		delete(x.present, ch)
	}
}

// Count is how many characters stand in the shared copies (nil instance) of
// maps, over every channel: the people a scheduled route would sweep from
// them. A map listed twice counts once.
func (x *Index) Count(maps []uint32) int {
	n := 0
	for ch := range x.present {
		for i, mapID := range maps {
			if slices.Contains(maps[:i], mapID) {
				continue
			}
			n += len(x.fields[Location{WorldID: ch.WorldID, ChannelID: ch.ChannelID, MapID: mapID}])
		}
	}
	return n
}
