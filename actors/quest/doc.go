// Package quest runs the Party Quest Service's actors. Per tenant there is a
// supervisor, ONE registrar actor and ONE actor per live instance:
//
//   - the registrar wraps partyquest.Registrar and the tenant's definition
//     catalog. It decides every REGISTER (after resolving the party or guild
//     over HTTP, off its mailbox), spawns an instance actor for each new
//     instance under the tenant supervisor, and forwards every other command
//     to the instance actor by instanceId from its own map;
//   - an instance actor wraps one partyquest.Machine: it emits the machine's
//     records with the input that caused them, owns the instance's timer
//     through actors.Shell (NextDeadline/Tick), and reports started/ended
//     to the registrar.
//
// Every command goes through the registrar, and the instance map lives only
// in the registrar's mailbox. That keeps the map consistent with actor
// lifetimes: an instance actor is Poisoned only after the registrar removed it
// from the map, and Poison is a user message queued behind everything the
// registrar forwarded before, so no input is ever sent to a dead PID and
// lost, and every consumed input is completed exactly once.
package quest
