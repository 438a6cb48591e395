// Package ride is the pure state machine of one instance-transport route
// (on-demand rides through an instanced transit map).
//
// A Machine owns every live instance of one route. It is driven by a single
// actor that serializes calls and arms one timer at NextDeadline, so the
// machine has no goroutines, no timers and no clock: every decision takes the
// caller's now. Methods return the Kafka records the operation produces, in
// emission order; the caller produces them atomically.
//
// Invariants kept by every method: an instance never holds more riders than
// the route's capacity at boarding time, a character rides at most one
// instance of the route, every ride ends exactly once (COMPLETED, CANCELLED
// or shutdown), no empty instance is kept, and no rider is warped twice.
//
// The whole machine state is State, a JSON-serializable value: everything
// else inside a Machine is an index derived from it, so Restore(State())
// behaves exactly like the original machine. The one exception is the list of
// changes not yet taken (TakeChanges), which is about the owner's copy of the
// state rather than the state: Restore starts with none.
package ride
