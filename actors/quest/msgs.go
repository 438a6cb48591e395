package quest

import (
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// Mailbox messages. Everything that reaches an actor from another actor
// or from a contract topic came through the internal topic (internal.go)
// and carries the Origin of that internal record, whose offset commits
// with the actor's decision.

// Registrar inputs.
type (
	// command is a forwarded COMMAND_TOPIC_PARTY_QUEST record: a REGISTER
	// for the registrar, any other command for the instance it names.
	command struct {
		o   actors.Origin
		cmd messages.PartyQuestCommand
	}
	// resolved brings a REGISTER back to the registrar's mailbox once its
	// party or guild lookup ended (err set when it failed).
	resolved struct {
		o   actors.Origin
		req partyquest.RegisterRequest
		err error
	}
	// started, ended and unjoin are an instance's reports: they keep the
	// registrar's index in step with the machines (partyquest README
	// protocol).
	started struct {
		o  actors.Origin
		id uuid.UUID
	}
	ended struct {
		o  actors.Origin
		id uuid.UUID
	}
	// unjoin undoes a join the instance could not apply (it gave up on it).
	unjoin struct {
		o         actors.Origin
		id        uuid.UUID
		character uint32
	}
	// joinRefused hands a REGISTER back when the instance it was to join had
	// already left registering (the Join race): the registrar undoes the
	// join and decides again.
	joinRefused struct {
		o       actors.Origin
		id      uuid.UUID
		req     partyquest.RegisterRequest
		attempt int
		err     error
	}
	// stopRegistering makes the registrar leave every later REGISTER to
	// the partition's next owner (service shutdown); it answers once set.
	stopRegistering struct{ reply chan<- struct{} }
)

// Instance actor inputs.
type (
	// create is an instance actor's first message: run partyquest.New.
	create struct {
		o   actors.Origin
		def *interned
		reg partyquest.Registration
	}
	// join adds a registered character (DecisionJoin).
	join struct {
		o       actors.Origin
		req     partyquest.RegisterRequest // without its definition
		attempt int
	}
	// shutdown destroys the instance (service shutdown); done is closed
	// once the effects are committed.
	shutdown struct{ done chan struct{} }
	// stateQuery asks for a deep copy of the state on reply (never blocks:
	// the channel has room for every instance asked).
	stateQuery struct{ reply chan<- partyquest.State }
)
