// Package quest runs the Party Quest Service's actors, each on the one
// replica that owns its identity's partition of INTERNAL_TOPIC_PARTY_QUEST
// (murmur2 of the key, as Kafka places it; the changelog has the same
// partitions, so an actor's state is restored from the partition that
// places it). Identities are changelog.Key(tenant, kind, id):
//
//   - the registrar, Key(t, "registrar", ""), one per tenant: it wraps
//     partyquest.Registrar and the tenant's catalog and decides every
//     REGISTER (after resolving the party or guild over HTTP, off its
//     mailbox). Its index is one changelog entry per live instance,
//     Key(t, "registration", id) stored on the registrar's partition,
//     written in the Emit of the decision or report that changed it and
//     tombstoned when the instance ends; Assign rebuilds the index from
//     them (Registrar.Track);
//   - an instance, Key(t, "instance", id), one per live instance: it wraps
//     one partyquest.Machine, emits the machine's records with the input
//     that caused them together with its state record, and owns the
//     instance's timer through actors.Shell (NextDeadline/Tick). Its
//     definition is stored on its own partition, so it resumes from that
//     partition alone.
//
// # Message flow
//
// Every hop commits with the offset of the record that caused it, in one
// transaction, so each is exactly once:
//
//	COMMAND_TOPIC_PARTY_QUEST (keyed by character)
//	  └ ingress.go, HandleCommand: forward, unchanged, to the internal topic
//	     ├ REGISTER       → Key(t, "registrar", "")
//	     └ other commands → Key(t, "instance", cmd.InstanceID())
//	INTERNAL_TOPIC_PARTY_QUEST (keyed by actor identity)
//	  └ internal.go, HandleInternal: to the local actor of the key
//	     registrar: REGISTER → decision: registration entry + "create" or
//	                "join" → the instance key (or a dead letter)
//	     instance:  "create" → spawned here, New: INSTANCE_CREATED …
//	                "join", commands → the machine's events and warps
//	                timers → the same, with no input
//	                reports "started", "ended", "joinRefused", "unjoin"
//	                → the registrar key, in the Emit of the change
//
// The registrar's creates carry the definition and registration the
// instance starts from; internal messages acting for a REGISTER carry the
// command, so a dead letter holds it whichever hop refused it.
//
// # Invariants across replicas
//
// One live instance per character and the field locks (tenant, world,
// channel, quest) are decided by one actor, the tenant's registrar, which
// runs on exactly one replica at a time (its partition's owner) and
// resumes from its committed index: no other protocol is needed. The
// pipeline commits a batch only while its partition is owned, so a
// registrar that lost its partition cannot commit a decision its
// successor does not know of.
//
// # Failure cases
//
//   - An instance's "ended" report is still in flight (or waits on the
//     registrar's partition) when one of its characters registers again:
//     the REGISTER is refused as still in a live instance (conflict). This
//     is conservative: the index frees a character only once the end is
//     committed and handled, never before, so a character is never in two
//     live instances. The same holds for the field lock.
//   - A "create" for an instance that already runs here is a duplicate
//     (only possible with at-least-once delivery): it is ignored, its
//     input completed with no effect.
//   - A command for an instance that is not live on the owner of its key
//     (ended, never created, or a wrong id) is refused with
//     ReasonUnknownTarget, as before. A "join" for one goes back to the
//     registrar as refused, which undoes it and decides the REGISTER again
//     (the Join race below).
//   - The Join race: the registrar decides a join while the instance it
//     picked is leaving registering (its timer or a START). The instance
//     refuses; its "started" (or "ended") report was committed to the
//     registrar's partition before the refusal, so the registrar, deciding
//     again, cannot pick it: the REGISTER joins another instance or
//     creates one. A refusal of the retry is final.
//   - Handover: a partition moves after its inputs are committed; its
//     actors stop and its next owner restores them from the changelog, the
//     instances' timers armed at their next deadline (an overdue one fires
//     at once). A timer batch of the old owner that was not committed is
//     dropped, and the new owner fires it from the committed state: once.
//   - A REGISTER whose lookup is in flight when its registrar's partition
//     moves, or at shutdown, is not completed: its next owner reads it
//     again and decides it.
//
// The read API (Instances, Instance, InstanceOfCharacter) answers from the
// instances this replica runs.
package quest
