// Package partyquest is the pure logic of party quests: the state machine of
// one party-quest instance (Machine) and the per-tenant registration rules
// that span instances (Registrar). Definitions live in the definition
// subpackage.
//
// Nothing here starts goroutines, arms timers, reads clocks or does I/O.
// Every input carries `now`; randomness (field-instance ids, instance ids,
// combinations) comes from an injected Random. The actor that wraps a Machine
// serializes calls through its mailbox, arms one timer at NextDeadline and
// calls Tick when it fires; it emits the returned records as one batch.
package partyquest
