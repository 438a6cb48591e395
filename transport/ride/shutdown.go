package ride

import (
	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// Shutdown ends every ride for a graceful stop: each rider of each instance
// (creation order, then boarding order) gets a CHANGE_MAP to the start map
// (nil instance, portal 0, the rider's world and channel), and every instance
// is released.
//
// No CANCELLED is emitted. DECISIONS says riders are warped to the start map
// "as in the reference", and the reference sends no event at shutdown; we
// keep that so downstream consumers see the same stream. ended lists the
// characters whose rides ended, so the owner can clear its directory.
//
// Afterwards the machine refuses Start; a second Shutdown emits nothing.
func (m *Machine) Shutdown() (ended []uint32, out []messages.Record) {
	m.closed = true
	ended = make([]uint32, 0, len(m.riding))
	out = make([]messages.Record, 0, len(m.riding))
	for in := m.head; in != nil; {
		next := in.next // release unlinks in
		for _, r := range in.Riders {
			out = append(out, warp(r, m.route.StartMapID, uuid.Nil))
			ended = append(ended, r.CharacterID)
		}
		m.release(in)
		in = next
	}
	return ended, out
}
