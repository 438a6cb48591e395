package quest

import (
	"time"

	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/clients"
	"github.com/gamehost/transitquest/partyquest/definition"
)

// Actor kinds, for logs and metrics.
const (
	kindRegistrar = "quest-registrar"
	kindInstance  = "quest-instance"
)

// Deps are what every party-quest actor needs besides its effects, which
// Start hands over once the pipeline that commits them exists.
type Deps struct {
	Clock   clock.Clock
	Log     *zap.Logger
	Metrics *metrics.Metrics
	// Parties and Guilds resolve REGISTERs; nil when the service is not
	// configured (see clients.FromEnv). Without Parties a party's members
	// join with their own REGISTER.
	Parties *clients.Parties
	Guilds  *clients.Guilds
	// LookupTimeout bounds one REGISTER's lookups as a whole (default 5s;
	// each HTTP call also has its client's own timeout).
	LookupTimeout time.Duration
	// PassivateAfter, when positive, lets an instance that got no input
	// for between once and twice this rest out of memory (see
	// actors.Rester): only its last state record and its armed timer stay
	// until its next input or deadline wakes it.
	PassivateAfter time.Duration
	// TimerLead is how far ahead of their deadlines instances prepare their
	// timers' transitions, released at the deadline (0: at the deadline;
	// see actors.ShellConfig.Lead).
	TimerLead time.Duration
	// NewRandom gives each registrar and instance its random source
	// (partyquest.NewRandom when nil).
	NewRandom func() partyquest.Random
	// DefaultDefinitions serve a tenant that has no configuration of its
	// own (seen only in record headers). With none, such a tenant's
	// commands are rejected without starting any actor.
	DefaultDefinitions []definition.Definition
	// JSONChangelog writes instance states to the changelog as JSON rather
	// than in their binary form (about a fifth of the size, and the snapshot
	// an instance keeps). Both forms are always read; JSON is for a rolling
	// upgrade from a version that reads only JSON (CHANGELOG_FORMAT=json).
	JSONChangelog bool

	// afterMachine, when set (tests only), runs right after each machine
	// call of an instance actor, before its effects are emitted.
	afterMachine func(instance *partyquest.Machine, msg any)
}

func (d Deps) env(fx actors.Effects) actors.Env {
	return actors.Env{Effects: fx, Clock: d.Clock, Log: d.Log, Metrics: d.Metrics, Dispatcher: actors.NewWorkers(actors.Throughput),
		Gate: actors.NewGate(d.Clock, d.Log)}
}

func (d Deps) random() partyquest.Random {
	if d.NewRandom != nil {
		return d.NewRandom()
	}
	return partyquest.NewRandom()
}
