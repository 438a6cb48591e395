package ride

import "slices"

// Change is what happened to one instance since the last TakeChanges.
type Change struct {
	// Instance is a copy of the instance as it is now (sharing no memory
	// with the machine), or, when Released, as it was when released: its
	// riders are those whose rides ended with it, none when the last rider
	// left on its own.
	Instance Instance
	// Released means the instance is gone.
	Released bool
}

// TakeChanges returns the instances that changed since the previous call (or
// since New or Restore), oldest first, and forgets them. An instance changes
// when it is created, gains or loses a rider, closes its boarding (phase) or
// is released; an instance both created and released since the previous call
// is not listed at all. The cost is proportional to the number of changed
// instances, never to the number of live ones.
//
// Restore leaves nothing to take: its instances are what the owner restored
// from. An owner that mirrors the machine (a changelog, a snapshot) should
// take the changes after every call that may mutate the machine (Start,
// Exit, Logout, Tick, Shutdown): released instances stay referenced until
// taken. The result is nil when nothing changed.
func (m *Machine) TakeChanges() []Change {
	if len(m.pending) == 0 {
		return nil
	}
	slices.SortFunc(m.pending, func(a, b *instance) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	var out []Change
	for i, in := range m.pending {
		m.pending[i] = nil // let a released instance be collected
		fresh := in.fresh
		in.pending, in.fresh = false, false
		if in.released && fresh {
			continue // the owner never saw it
		}
		if out == nil {
			out = make([]Change, 0, len(m.pending)-i)
		}
		out = append(out, Change{Instance: in.clone(), Released: in.released})
	}
	m.pending = m.pending[:0]
	return out
}

// touch records that in changed.
func (m *Machine) touch(in *instance) {
	if !in.pending {
		in.pending = true
		m.pending = append(m.pending, in)
	}
}

// forgetChanges drops every pending change (Restore: the owner already holds
// that state).
func (m *Machine) forgetChanges() {
	for i, in := range m.pending {
		in.pending, in.fresh = false, false
		m.pending[i] = nil
	}
	m.pending = m.pending[:0]
}
