package ride

import (
	"slices"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// Exit handles CHARACTER_EXIT. Only an exit from the character's own ride
// instance counts: that filters out the exit from the start map caused by
// START's own warp, and the exit from the transit map after arrival (the ride
// has already ended then). The map id is not compared, as in the reference.
// The rider is removed and CANCELLED (MAP_EXIT) is emitted with the event's
// world; there is no warp because the character has already left. An
// instance left empty is released. now is unused: leaving depends on no
// deadline.
func (m *Machine) Exit(world byte, character uint32, instance uuid.UUID, now time.Time) (removed bool, out []messages.Record) {
	in, ok := m.riding[character]
	if !ok || in.ID != instance {
		return false, nil
	}
	return true, m.cancel(in, world, character, messages.CancelMapExit)
}

// Logout handles LOGOUT: the rider is removed, CANCELLED (LOGOUT) is emitted
// with the event's world, and an empty instance is released. No warp, as in
// the reference: a logged-out character cannot be moved, and LOGIN recovery
// brings it back from the transit map. now is unused.
func (m *Machine) Logout(world byte, character uint32, now time.Time) (removed bool, out []messages.Record) {
	in, ok := m.riding[character]
	if !ok {
		return false, nil
	}
	return true, m.cancel(in, world, character, messages.CancelLogout)
}

// cancel removes one rider from in and returns its CANCELLED event.
func (m *Machine) cancel(in *instance, world byte, character uint32, reason string) []messages.Record {
	delete(m.riding, character)
	if i := in.riderIndex(character); i >= 0 {
		// Order-preserving, so riders stay in boarding order.
		in.Riders = slices.Delete(in.Riders, i, i+1)
		m.touch(in)
	}
	if len(in.Riders) == 0 {
		m.release(in)
	} else {
		m.updateVacancy(in) // a seat may have opened while boarding
	}
	return []messages.Record{m.cancelled(world, character, in.ID, reason)}
}
