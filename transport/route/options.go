package route

import (
	"maps"
	"time"
)

// DefaultMaxCatchUp is how late a transition may be applied with its side
// effects. Timers normally fire within milliseconds; beyond a minute the
// actor was stalled (GC, paused VM, restart) and the effect is stale.
const DefaultMaxCatchUp = time.Minute

// Option configures a Machine.
type Option func(*Machine)

// WithMaxCatchUp sets how late a transition may be and still emit its side
// effects. d <= 0 disables the limit (everything is caught up).
func WithMaxCatchUp(d time.Duration) Option {
	return func(m *Machine) { m.maxCatchUp = d }
}

// WithSpawnPortals sets the portal used when warping into a map (map id →
// portal id); maps not listed get portal 0. The table is copied.
func WithSpawnPortals(portals map[uint32]uint32) Option {
	return func(m *Machine) { m.portals = maps.Clone(portals) }
}
