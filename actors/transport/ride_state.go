package transport

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// changelogKind names ride-instance records in the transport changelog:
// Key(t, "ride", routeID/instanceID), stored with the ride's own key as
// Owner so they are restored on the ride actor's partition.
const changelogKind = keyRide

// stateRecords are the changelog records of an operation's changes (see
// ride.Machine.TakeChanges: an instance changes when it is created, gains or
// loses a rider, or closes its boarding): one record per changed live
// instance (so a START rewrites only its own instance) and a tombstone per
// released one, in creation order.
func stateRecords(t tenant.Tenant, route uuid.UUID, changes []ride.Change) ([]messages.Record, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	out := make([]messages.Record, 0, len(changes))
	for _, ch := range changes {
		var value any // nil: a tombstone
		if !ch.Released {
			value = ch.Instance
		}
		r, err := changelog.Record(messages.ChangelogTopicTransport, t, changelogKind, route.String()+"/"+ch.Instance.ID.String(), value)
		if err != nil {
			return nil, err
		}
		r.Owner = rideKey(t, route)
		out = append(out, r)
	}
	return out, nil
}

// endedIn maps each rider of the released instances to its instance: the
// rides a Tick or a Shutdown ended, since those release every instance whose
// rides they end.
func endedIn(changes []ride.Change) map[uint32]uuid.UUID {
	out := map[uint32]uuid.UUID{}
	for _, ch := range changes {
		if ch.Released {
			for _, r := range ch.Instance.Riders {
				out[r.CharacterID] = ch.Instance.ID
			}
		}
	}
	return out
}

// rideCopy is an immutable copy of a ride machine's live instances in
// creation order, for the shell's rollback snapshot. It is a persistent
// 32-way trie keyed by an increasing creation key: an update copies only the
// nodes on the path to its key (a few hundred bytes per level, three levels
// for 32,768 keys), so the value itself is the snapshot, and it shares no
// mutable memory with the machine or with later copies. Emptied subtrees are
// dropped, so released instances cost nothing.
type rideCopy struct {
	root  *copyNode
	shift uint // key bits below the root's slots
	count int
}

const (
	copyBits  = 5
	copyWidth = 1 << copyBits
	copyMask  = copyWidth - 1
)

// copyNode is never modified once built.
type copyNode struct {
	live int                       // instances below
	kids [copyWidth]*copyNode      // above the bottom level
	vals [copyWidth]*ride.Instance // at the bottom level (shift 0)
}

func (n *copyNode) size() int {
	if n == nil {
		return 0
	}
	return n.live
}

// with returns the copy with key set to in, or deleted when in is nil.
func (c rideCopy) with(key uint64, in *ride.Instance) rideCopy {
	for key>>c.shift > copyMask {
		if c.root != nil {
			c.root = &copyNode{live: c.root.live, kids: [copyWidth]*copyNode{c.root}}
		}
		c.shift += copyBits
	}
	c.root = c.root.with(c.shift, key, in)
	c.count = c.root.size()
	return c
}

func (n *copyNode) with(shift uint, key uint64, in *ride.Instance) *copyNode {
	c := &copyNode{}
	if n != nil {
		*c = *n
	}
	i := (key >> shift) & copyMask
	if shift == 0 {
		if c.vals[i] != nil {
			c.live--
		}
		if in != nil {
			c.live++
		}
		c.vals[i] = in
	} else {
		kid := c.kids[i].with(shift-copyBits, key, in)
		c.live += kid.size() - c.kids[i].size()
		c.kids[i] = kid
	}
	if c.live == 0 {
		return nil
	}
	return c
}

// state is the copy as a machine state (the instances are shared, and never
// modified).
func (c rideCopy) state() ride.State {
	s := ride.State{Instances: make([]ride.Instance, 0, c.count)}
	c.root.each(c.shift, func(in *ride.Instance) { s.Instances = append(s.Instances, *in) })
	return s
}

func (n *copyNode) each(shift uint, f func(*ride.Instance)) {
	if n == nil {
		return
	}
	for i := range copyWidth {
		if shift == 0 {
			if n.vals[i] != nil {
				f(n.vals[i])
			}
		} else {
			n.kids[i].each(shift-copyBits, f)
		}
	}
}

// rideMirror keeps a rideCopy up to date from a machine's changes.
type rideMirror struct {
	copy rideCopy
	keys map[uuid.UUID]uint64 // live instance → its key in copy
	next uint64               // key of the next new instance
}

// newMirror mirrors a machine whose live instances are ins, in creation
// order.
func newMirror(ins []ride.Instance) *rideMirror {
	m := &rideMirror{keys: make(map[uuid.UUID]uint64, len(ins))}
	for _, in := range ins {
		m.apply([]ride.Change{{Instance: in}})
	}
	return m
}

// apply records changes taken from the machine. A new instance gets the next
// key: changes come oldest first, so keys follow creation order.
func (m *rideMirror) apply(changes []ride.Change) {
	for _, ch := range changes {
		key, known := m.keys[ch.Instance.ID]
		if ch.Released {
			if known {
				delete(m.keys, ch.Instance.ID)
				m.copy = m.copy.with(key, nil)
			}
			continue
		}
		if !known {
			key = m.next
			m.next++
			m.keys[ch.Instance.ID] = key
		}
		in := ch.Instance // a copy the machine gave away: never modified again
		m.copy = m.copy.with(key, &in)
	}
}

// restoredRides groups a tenant's restored instances by route, oldest first.
func restoredRides(entries []changelog.Entry) (map[uuid.UUID]ride.State, []error) {
	out := map[uuid.UUID]ride.State{}
	var errs []error
	for _, e := range entries {
		routePart, _, ok := strings.Cut(e.ID, "/")
		routeID, err := uuid.Parse(routePart)
		if !ok || err != nil {
			errs = append(errs, fmt.Errorf("ride state %q: bad id", e.ID))
			continue
		}
		var in ride.Instance
		if err := json.Unmarshal(e.State, &in); err != nil {
			errs = append(errs, fmt.Errorf("ride state %q: %w", e.ID, err))
			continue
		}
		s := out[routeID]
		s.Instances = append(s.Instances, in)
		out[routeID] = s
	}
	for id, s := range out {
		sort.Slice(s.Instances, func(i, j int) bool { return s.Instances[i].CreatedAt.Before(s.Instances[j].CreatedAt) })
		out[id] = s
	}
	return out, errs
}
