// Package schedule is the timetable math of scheduled transport routes
// (boats, trains, cabins, ...): which trips a route runs on a UTC day, the
// route's state at an instant, and the next transition after an instant.
//
// It is pure: no goroutines, no clock, no I/O. Every input instant is
// converted to UTC, and every output instant is in UTC.
//
// A route's trips form an arithmetic progression within each UTC day, so
// every query is answered in O(1) arithmetic without building the day's trip
// list; only [Timetable.Trips] allocates a slice. A [Timetable] is immutable
// after [NewTimetable] and safe for concurrent use.
//
// Transitions are trip events: each trip yields exactly one BoardingOpened,
// BoardingClosed, Departed and Arrived, plus a DayStarted at 00:00 for routes
// whose first trip opens after midnight (a vessel's route B). They are totally
// ordered by instant and, at equal instants, by the trip's boarding open
// (earlier trip first), so a back-to-back trip N's Arrived precedes trip N+1's
// BoardingOpened. Walk them with [Timetable.NextTransition] once, then
// [Timetable.NextAfter] with the transition just handled:
//
//	tr, ok := tt.NextTransition(routeID, now)
//	for ok {
//		// wait until tr.At, then handle tr
//		tr, ok = tt.NextAfter(tr)
//	}
//
// Differences from the reference implementation (see the spec):
//   - The day's trips are recomputed for each UTC day, so trip instants carry
//     the queried date (the reference froze the startup date).
//   - States are half-open intervals: [open, closed) open_entry,
//     [closed, departure) locked_entry, [departure, arrival) in_transit. The
//     reference's strict comparisons at departure and arrival only produced a
//     one-tick blip of another state at those exact instants.
//   - Trip ids are deterministic (see [TripID]) instead of random, so a
//     recomputed schedule names the same trips.
//   - Transitions are trip events (one BoardingOpened, BoardingClosed,
//     Departed and Arrived per trip) rather than state changes, so the
//     destination warp can run at every arrival.
package schedule
