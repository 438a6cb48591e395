// Package actors is the actor runtime of the service: the protoactor system,
// the supervisor hierarchy (one supervisor per tenant and actor kind),
// generation-tagged timers on an injected clock, and the supervised shell
// every domain actor runs in. Domain actors live in subpackages.
package actors

import (
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
)

// NewSystem starts an actor system that logs through zap. Developer
// supervision logging stays off: it prints to stdout.
func NewSystem(log *zap.Logger) *actor.ActorSystem {
	core := log.Named("protoactor").Core()
	return actor.NewActorSystem(
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
			return slog.New(zapslog.NewHandler(core))
		}),
		actor.WithDeadLetterThrottleInterval(time.Second),
	)
}
