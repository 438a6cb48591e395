package presence

import (
	"cmp"
	"slices"
)

// State is the whole index as a JSON-serializable value, for a changelog or
// snapshot. Channels lists only the STARTED registry: channels active because
// of their characters follow from Characters.
type State struct {
	Characters []CharacterState `json:"characters"`
	Channels   []Channel        `json:"channels"`
}

// CharacterState is one character and its location (flat in JSON).
type CharacterState struct {
	CharacterID uint32 `json:"characterId"`
	Location
}

// State returns a copy of the index, sorted (characters by id, channels by
// world then channel) so equal indexes give equal states. Slices are never nil
// so the JSON holds [] rather than null.
func (x *Index) State() State {
	s := State{
		Characters: make([]CharacterState, 0, len(x.chars)),
		Channels:   make([]Channel, 0, len(x.started)),
	}
	for id, sl := range x.chars {
		s.Characters = append(s.Characters, CharacterState{CharacterID: id, Location: sl.at})
	}
	slices.SortFunc(s.Characters, func(a, b CharacterState) int {
		return cmp.Compare(a.CharacterID, b.CharacterID)
	})
	s.Channels = x.StartedChannels()
	return s
}

// Restore builds an index from a State. A character listed twice ends up at
// its last listed location, as if the entries were replayed as enters.
func Restore(s State) *Index {
	x := New()
	for _, c := range s.Characters {
		x.Enter(c.CharacterID, c.Location)
	}
	for _, ch := range s.Channels {
		x.ChannelStarted(ch.WorldID, ch.ChannelID)
	}
	return x
}
