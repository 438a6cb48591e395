package ride

import (
	"time"

	"github.com/google/uuid"
)

// Machine is the state machine of one instance-transport route. It is not
// safe for concurrent use: its owner serializes every call.
type Machine struct {
	route    Route
	invalid  error // route.Validate(), checked once: Start refuses while set
	lifetime time.Duration
	newID    func() uuid.UUID
	closed   bool // set by Shutdown; the actor is going away

	riding     map[uint32]*instance // character → its instance
	head, tail *instance            // live instances in creation order
	count      int                  // live instances
	seq        uint64               // next creation sequence number
	deadlines  queue                // every live instance, by next deadline
	vacant     queue                // boarding instances with room, oldest first
	pending    []*instance          // changed since the last TakeChanges, unordered
}

// New returns an empty machine for route. newID generates instance ids; nil
// means uuid.New. An invalid route gives a machine that refuses every Start,
// so a bad configuration can never board anyone.
func New(route Route, newID func() uuid.UUID) *Machine {
	if newID == nil {
		newID = uuid.New
	}
	return &Machine{
		route:     route,
		invalid:   route.Validate(),
		lifetime:  route.MaxLifetime(),
		newID:     newID,
		riding:    make(map[uint32]*instance),
		deadlines: queue{less: byDue, pos: duePos},
		vacant:    queue{less: bySeq, pos: vacantPos},
	}
}

// Route returns the route the machine runs.
func (m *Machine) Route() Route { return m.route }

// Riding returns the instance the character rides on this route.
func (m *Machine) Riding(character uint32) (uuid.UUID, bool) {
	in, ok := m.riding[character]
	if !ok {
		return uuid.Nil, false
	}
	return in.ID, true
}

// Riders returns how many characters currently ride this route.
func (m *Machine) Riders() int { return len(m.riding) }

// Instances returns a copy of the live instances in creation order (for the
// REST status endpoint). It is never nil.
func (m *Machine) Instances() []Instance {
	out := make([]Instance, 0, m.count)
	for in := m.head; in != nil; in = in.next {
		out = append(out, in.clone())
	}
	return out
}

// State returns a deep copy of the whole machine state.
func (m *Machine) State() State { return State{Instances: m.Instances()} }

// NextDeadline returns the earliest pending boarding expiry, arrival or stuck
// instant over all instances; false when there is nothing to wait for. It may
// lie in the past (after Restore, or when calls arrived before the timer):
// the owner should then Tick at once.
func (m *Machine) NextDeadline() (time.Time, bool) {
	in := m.deadlines.peek()
	if in == nil {
		return time.Time{}, false
	}
	return in.due, true
}

// nextDue is the next instant at which Tick has something to do for in.
// Arrival only counts once boarding is over, as in the reference.
func (m *Machine) nextDue(in *instance) time.Time {
	next := in.ArrivalAt
	if in.Phase == PhaseBoarding {
		next = in.BoardingUntil
	}
	if stuck := in.CreatedAt.Add(m.lifetime); stuck.Before(next) {
		return stuck
	}
	return next
}

// link makes a fully built instance live: indexed, queued, last in creation
// order. Its riders must not ride anything else.
func (m *Machine) link(in *instance) {
	in.seq = m.seq
	m.seq++
	in.duePos, in.vacantPos = -1, -1
	in.fresh = true
	m.touch(in)
	in.prev = m.tail
	if m.tail != nil {
		m.tail.next = in
	} else {
		m.head = in
	}
	m.tail = in
	m.count++
	for _, r := range in.Riders {
		m.riding[r.CharacterID] = in
	}
	in.due = m.nextDue(in)
	m.deadlines.add(in)
	m.updateVacancy(in)
}

// release forgets an instance whose riders have all been removed or ended.
func (m *Machine) release(in *instance) {
	for _, r := range in.Riders {
		if m.riding[r.CharacterID] == in {
			delete(m.riding, r.CharacterID)
		}
	}
	m.deadlines.remove(in)
	m.vacant.remove(in)
	if in.prev != nil {
		in.prev.next = in.next
	} else {
		m.head = in.next
	}
	if in.next != nil {
		in.next.prev = in.prev
	} else {
		m.tail = in.prev
	}
	in.prev, in.next = nil, nil
	m.count--
	in.released = true
	m.touch(in)
}

// updateVacancy keeps in listed as joinable exactly while it is boarding and
// has room. Whether BoardingUntil has passed is checked by Start, because
// that depends on now.
func (m *Machine) updateVacancy(in *instance) {
	if in.Phase == PhaseBoarding && in.hasRoom(m.route.Capacity) {
		m.vacant.add(in)
	} else {
		m.vacant.remove(in)
	}
}

// utc strips the monotonic reading and the zone, so stored instants compare
// and serialize the same before and after a JSON round trip.
func utc(t time.Time) time.Time { return t.Round(0).UTC() }
