package quest

import (
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/definition"
)

// Registrar inputs.
type (
	// command is a consumed COMMAND_TOPIC_PARTY_QUEST record: REGISTER is
	// decided by the registrar, everything else forwarded to its instance.
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
	// started and ended keep the registrar's index in step with the
	// machines (partyquest README protocol).
	started struct{ id uuid.UUID }
	ended   struct{ id uuid.UUID }
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
	// unjoin undoes a join the instance could not apply (it gave up on it).
	unjoin struct {
		id        uuid.UUID
		character uint32
	}
	// shutdownAll asks the registrar to shut down every live instance; it
	// answers with the channels that close once each one's effects commit.
	shutdownAll struct{ reply chan<- []chan struct{} }
	// statesQuery asks for the state of one live instance (by id, or by
	// character when character is set) or of all of them (all). The
	// registrar asks the instance actors themselves, since only they hold
	// the state, and answers with where their replies arrive.
	statesQuery struct {
		all       bool
		id        uuid.UUID
		character uint32
		answer    chan<- stateAnswer // buffered(1)
	}
)

// stateAnswer says how many instance states will arrive on states.
type stateAnswer struct {
	n      int
	states <-chan partyquest.State
}

// Instance actor inputs.
type (
	// create is an instance actor's first message: run partyquest.New.
	create struct {
		o   actors.Origin
		def definition.Definition
		reg partyquest.Registration
	}
	// join adds a registered character (DecisionJoin).
	join struct {
		o       actors.Origin
		req     partyquest.RegisterRequest
		attempt int
	}
	// shutdown destroys the instance (service shutdown); done is closed
	// once the effects are committed.
	shutdown struct{ done chan struct{} }
	// stateQuery asks for a deep copy of the state on reply (never blocks:
	// the channel has room for every instance asked).
	stateQuery struct{ reply chan<- partyquest.State }
)
