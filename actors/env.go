package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/tenant"
)

// Effects is where actors send what they decide. kafka.Emitter commits
// through the transactional outbox; actortest.Recorder records, so actors
// are tested without a broker.
type Effects interface {
	// Emit commits recs in one transaction together with the input that
	// caused them (in is nil for timer-driven effects); done, when not nil,
	// runs after the commit.
	Emit(t tenant.Tenant, tr kafka.Trace, recs []messages.Record, in *kafka.Input, done func()) error
	// Reject dead-letters an input with its reason, committing its offset.
	Reject(in *kafka.Input, err error)
}

// Env is what every domain actor of every subsystem needs.
type Env struct {
	Effects Effects
	Clock   clock.Clock
	Log     *zap.Logger
	Metrics *metrics.Metrics
	// Dispatcher runs the actors' mailboxes (nil: protoactor's default, a
	// goroutine per run).
	Dispatcher actor.Dispatcher
	// Gate releases timer effects prepared ahead of their deadline (nil:
	// no kind prepares ahead, whatever its lead).
	Gate *Gate
}

// Shell is the shell configuration of one actor kind in this environment.
func (e Env) Shell(kind string) ShellConfig {
	return ShellConfig{Kind: kind, Clock: e.Clock, Log: e.Log, Metrics: e.Metrics, Dispatcher: e.Dispatcher, Gate: e.Gate}
}

// LeadShell is the shell configuration of a kind whose timer fires lead
// ahead of each deadline and whose Ticks' effects the gate releases at the
// deadline (see ShellConfig.Lead).
func (e Env) LeadShell(kind string, lead time.Duration) ShellConfig {
	cfg := e.Shell(kind)
	cfg.Lead = lead
	return cfg
}
