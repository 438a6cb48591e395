// Package audit proves, after the fact, that the service kept its Kafka
// contracts: given every record read (read_committed) from the output
// topics and every command a driver sent, it reports each violation of
//
//   - no effect twice,
//   - no command without its effect (or its dead letter),
//   - no ride instance over its route's capacity,
//   - no timer fired twice or never,
//
// with a count and the first few examples of each. It reads only the
// contract topics (EVENT_TOPIC_TRANSPORT_STATUS,
// EVENT_TOPIC_INSTANCE_TRANSPORT, COMMAND_TOPIC_CHARACTER,
// EVENT_TOPIC_PARTY_QUEST_STATUS, DEAD_LETTER_TOPIC) and the configuration,
// never the service's internals, so it stays valid whatever the placement
// of actors becomes. It is pure: no I/O, no clock; record timestamps (the
// create time the service's producer sets) are its only clock.
//
// # What makes two records the same effect
//
// The contract's records carry no effect id, so each type's identity is
// derived from the contract (../shared/seeds) and the behaviour decisions
// (../shared/spec/DECISIONS.md):
//
//   - ARRIVED / DEPARTED (keyed by route): (tenant, route, type, scheduled
//     instant). The instant is the latest one of that type in the route's
//     timetable (package schedule) at or before the record's timestamp,
//     and no more than Options.MaxLateness before it; a record with no
//     such instant is "at no scheduled instant". DEPARTED instants are the
//     trips' departures; ARRIVED instants are the moments the vessel
//     becomes docked (a boarding opens, or an arrival uncovers an
//     overlapping trip's boarding). One exception, prescribed by
//     DECISIONS: a route actor that starts while its vessel is docked
//     announces ARRIVED again. Such copies stamped inside Input.Starts
//     (spans where a replica was starting) are notes, not duplicates; two
//     DEPARTED are always a duplicate. A starting replica also catches up
//     the transitions that fell due while it was down, stamped all at once:
//     inside a start-up span a record takes the earliest instant since the
//     span began that nothing announced yet, so a catch-up is neither
//     "unscheduled" nor a duplicate, while a transition announced before
//     the kill and again after it still is.
//   - Instance-transport STARTED / COMPLETED / CANCELLED (keyed by
//     character): (tenant, character, ride instance, type); and a ride
//     ends once: COMPLETED and CANCELLED for one (character, instance) is
//     a duplicate too. The driver never sends a character into the same
//     instance twice.
//   - Party-quest status events (keyed by instance): (tenant, instance,
//     type), plus the stage index for STAGE_CLEARED and STAGE_ADVANCED and
//     the character for CHARACTER_REGISTERED.
//   - CHANGE_MAP (keyed by character): (tenant, character, target map,
//     target instance, cause). A command's warps carry the command's
//     traceparent (DECISIONS: produced records carry the operation's
//     trace), so the cause is the trace id and any second copy is a
//     duplicate. A timer's warps carry none: two to one target within
//     Options.UntracedWarpWindow are a duplicate; a timer repeated later
//     than that shows in its own event above (DEPARTED, COMPLETED,
//     STAGE_ADVANCED), which shares its transaction.
//   - Commands: the driver gives each command a traceparent with a trace
//     id of its own. Its effect is any output record carrying that trace
//     id, or its dead-lettered copy (which keeps the original headers).
//     Both, or two dead letters, is a command handled twice.
//     UPDATE_STAGE_STATE has no record of its own and is not judged.
//
// # Timers
//
// Every ARRIVED and DEPARTED due in Input.Window, less Options.Grace at
// both ends, must be announced; a ride must end (COMPLETED or CANCELLED)
// once its arrival (boarding window + travel after its first STARTED) is
// due; a party-quest registration window, stage limit or run limit from
// the instance's definition must have moved the instance on by its
// deadline. Deadlines later than Input.ReadAt less MaxLateness and Grace
// are not judged. A timer that fired later than MaxLateness (an instance
// restored after a crash fires overdue timers at once) is a note.
package audit
