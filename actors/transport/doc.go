// Package transport runs the Transport Service's actors, placed by
// partition: every actor has a tenant-scoped identity (changelog.Key) that
// hashes to one partition of the internal topic, and only the replica that
// owns the partition runs it (placement.go: Assign restores and starts the
// actors of newly assigned partitions, Revoke stops them).
//
//   - a route actor (Key(t, "route", id)) runs one scheduled route from its
//     own timer, keeps the presence of the maps its sweeps warp from and its
//     own channel registry, and commits each transition's warps and event
//     with its state record (how far it has walked its timetable), so the
//     next owner resumes where it stopped;
//   - a ride actor (Key(t, "ride", id)) wraps transport/ride's machine for
//     one instance route: capacity, boarding, arrival and stuck timers,
//     exits and logouts;
//   - a directory shard per tenant and partition holds the entries of the
//     characters whose rider key (Key(t, "rider", characterID)) hashes to
//     that partition: one ride per character. It claims rides (START),
//     forwards a rider's exits and logouts to its ride, recovers logins.
//
// Contract inputs are keyed by character; ingress.go re-keys each to the
// actors it concerns on the internal topic, in the transaction that commits
// its offset, and internal.go delivers internal records to the local actor.
// Actors talk to each other only through the internal topic, since the
// receiver may run on another replica.
package transport
