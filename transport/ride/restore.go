package ride

import (
	"fmt"

	"github.com/google/uuid"
)

// Restore rebuilds a machine from a saved State (e.g. the changelog after a
// crash). Deadlines that passed while the service was down are not applied
// here: NextDeadline reports them and the owner's first Tick delivers or
// cancels those riders, so nobody is left in a transit map.
//
// Restore keeps the machine's invariants even for a state it did not write:
// it skips instances with a nil or repeated id, riders with a zero or
// repeated character id (the oldest ride wins) and instances left without
// riders, and reads an unknown phase as in_transit (never joinable). Use
// State.Check to log such problems first. An instance holding more riders
// than a since-lowered capacity keeps them all; it just takes no one else.
func Restore(route Route, newID func() uuid.UUID, s State) *Machine {
	m := New(route, newID)
	seen := make(map[uuid.UUID]struct{}, len(s.Instances))
	claimed := make(map[uint32]struct{})
	for _, saved := range s.Instances {
		if _, dup := seen[saved.ID]; dup || saved.ID == uuid.Nil {
			continue
		}
		riders := make([]Rider, 0, len(saved.Riders))
		for _, r := range saved.Riders {
			if _, taken := claimed[r.CharacterID]; taken || r.CharacterID == 0 {
				continue
			}
			claimed[r.CharacterID] = struct{}{}
			riders = append(riders, r)
		}
		if len(riders) == 0 {
			continue
		}
		seen[saved.ID] = struct{}{}
		phase := saved.Phase
		if phase != PhaseBoarding {
			phase = PhaseInTransit
		}
		m.link(&instance{Instance: Instance{
			ID:            saved.ID,
			Riders:        riders,
			BoardingUntil: utc(saved.BoardingUntil),
			ArrivalAt:     utc(saved.ArrivalAt),
			CreatedAt:     utc(saved.CreatedAt),
			Phase:         phase,
		}})
	}
	m.forgetChanges()
	return m
}

// Check reports the first inconsistency Restore would repair, or nil. A state
// produced by Machine.State always passes.
func (s State) Check() error {
	ids := make(map[uuid.UUID]int, len(s.Instances))
	chars := make(map[uint32]uuid.UUID)
	for i, in := range s.Instances {
		switch {
		case in.ID == uuid.Nil:
			return fmt.Errorf("instance #%d has a nil id", i)
		case len(in.Riders) == 0:
			return fmt.Errorf("instance %s has no riders", in.ID)
		case in.Phase != PhaseBoarding && in.Phase != PhaseInTransit:
			return fmt.Errorf("instance %s has unknown phase %q", in.ID, in.Phase)
		}
		if j, dup := ids[in.ID]; dup {
			return fmt.Errorf("instance id %s is used by #%d and #%d", in.ID, j, i)
		}
		ids[in.ID] = i
		for _, r := range in.Riders {
			if r.CharacterID == 0 {
				return fmt.Errorf("instance %s has a rider with character id 0", in.ID)
			}
			if other, dup := chars[r.CharacterID]; dup && other == in.ID {
				return fmt.Errorf("character %d rides instance %s twice", r.CharacterID, in.ID)
			} else if dup {
				return fmt.Errorf("character %d rides instances %s and %s", r.CharacterID, other, in.ID)
			}
			chars[r.CharacterID] = in.ID
		}
	}
	return nil
}
