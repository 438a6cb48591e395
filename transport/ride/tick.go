package ride

import (
	"slices"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// Tick applies every deadline due at now (due means now >= the instant:
// timers fire at the due instant). Instances are handled in deadline order,
// oldest first on ties, and each one in this order:
//
//  1. boarding expiry: phase becomes in_transit; nothing is emitted.
//  2. arrival (in_transit and now >= ArrivalAt): for each rider, CHANGE_MAP to
//     the destination (nil instance, portal 0, the rider's world and channel)
//     then COMPLETED; the instance is released.
//  3. stuck (now - CreatedAt >= MaxLifetime): for each rider, CHANGE_MAP to
//     the start map then CANCELLED (STUCK); the instance is released.
//
// When arrival and stuck are both due (the actor stalled past MaxLifetime),
// arrival wins, as in the reference where the arrival pass runs first: the
// trip's time is up, so the riders are delivered rather than sent home.
// Stuck therefore only fires when ArrivalAt lies beyond the lifetime, e.g. a
// state restored under a route whose durations were shortened.
//
// ended lists the characters whose rides ended, in emission order.
func (m *Machine) Tick(now time.Time) (ended []uint32, out []messages.Record) {
	for in := m.deadlines.peek(); in != nil && !now.Before(in.due); in = m.deadlines.peek() {
		ended, out = m.step(in, now, ended, out)
	}
	return ended, out
}

// step applies what is due for one instance. Afterwards the instance is
// either released or its next deadline is after now, so Tick terminates.
func (m *Machine) step(in *instance, now time.Time, ended []uint32, out []messages.Record) ([]uint32, []messages.Record) {
	if in.Phase == PhaseBoarding && !now.Before(in.BoardingUntil) {
		in.Phase = PhaseInTransit
		m.updateVacancy(in)
		m.touch(in)
	}
	switch {
	case in.Phase == PhaseInTransit && !now.Before(in.ArrivalAt):
		return m.finish(in, m.route.DestinationMapID, messages.TypeCompleted, "", ended, out)
	case !now.Before(in.CreatedAt.Add(m.lifetime)):
		return m.finish(in, m.route.StartMapID, messages.TypeCancelled, messages.CancelStuck, ended, out)
	}
	in.due = m.nextDue(in)
	m.deadlines.fix(in)
	return ended, out
}

// finish ends every ride of in: warp to mapID, then COMPLETED or CANCELLED
// with reason, per rider; then releases the instance.
func (m *Machine) finish(in *instance, mapID uint32, typ, reason string, ended []uint32, out []messages.Record) ([]uint32, []messages.Record) {
	out = slices.Grow(out, 2*len(in.Riders))
	for _, r := range in.Riders {
		out = append(out, warp(r, mapID, uuid.Nil))
		if typ == messages.TypeCompleted {
			out = append(out, m.rideEvent(r.WorldID, r.CharacterID, typ, in.ID))
		} else {
			out = append(out, m.cancelled(r.WorldID, r.CharacterID, in.ID, reason))
		}
		ended = append(ended, r.CharacterID)
	}
	m.release(in)
	return ended, out
}
