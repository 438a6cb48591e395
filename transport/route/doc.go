// Package route is the pure state machine of ONE scheduled route (boat,
// train, cabin, ...) of one tenant: it walks the route's timetable
// transitions and says what each one must emit.
//
// A Machine has no goroutines, timers, clock or I/O. Its owner (an actor)
// serializes calls, arms one timer at NextDeadline and calls Tick when it
// fires. Effects are data: ARRIVED/DEPARTED records, and Sweeps that the
// owner turns into CHANGE_MAP warps over its active channels from the
// presence of the route's maps. The owner emits one Effect's warps and
// records in ONE transaction, warps first, with the machine's Position:
// whoever runs the route next resumes there with Restore, neither repeating
// nor missing a transition, and without start-up effects.
//
// What fires (see Effect for the exact shapes):
//   - the vessel docks (normally a trip's BoardingOpened): ARRIVED;
//   - Departed: staging map → first en-route map, then DEPARTED;
//   - Arrived: every en-route map → destination, at EVERY trip arrival
//     (the reference only warped on entering awaiting_return, which never
//     happens on back-to-back routes; DECISIONS "Transports");
//   - BoardingClosed, DayStarted: nothing (state only).
//
// Differences from the reference (spec §1.5, §7.2):
//   - Transitions are trip events fired at their instant, not state changes
//     seen by a 1-second poll; each is applied exactly once (schedule.NextAfter).
//   - On start-up nothing is replayed except ARRIVED when the vessel is
//     docked (the reference repeated the current state's side effects,
//     e.g. departure warps, §7.2.10).
//   - A transition overdue by more than MaxCatchUp loses its side effects
//     (reported as skipped), except an ARRIVED whose vessel is still docked.
//   - Portal 0 unless a spawn-portal table is configured (WithSpawnPortals).
package route
