package schedule

// State is a scheduled route's state; the string values are the wire values
// of the reference.
type State string

// The route states. Within a UTC day they follow the trips (see
// Timetable.StateAt); the day ends out of service after its last arrival.
const (
	// OutOfService: no trip is current or ahead today.
	OutOfService State = "out_of_service"
	// AwaitingReturn: a trip is ahead today but its boarding has not opened.
	AwaitingReturn State = "awaiting_return"
	// OpenEntry: the vessel is docked and boarding is open.
	OpenEntry State = "open_entry"
	// LockedEntry: the vessel is docked, boarding has closed, not departed.
	LockedEntry State = "locked_entry"
	// InTransit: the vessel has departed and not yet arrived.
	InTransit State = "in_transit"
)

// Docked reports whether the vessel is at the start map (open or locked
// entry), the only states clients treat as "ship is here".
func (s State) Docked() bool {
	return s == OpenEntry || s == LockedEntry
}
