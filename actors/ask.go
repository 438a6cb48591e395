package actors

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// ErrNotFound is returned for an actor identity (tenant, route, instance)
// that does not exist or is not live.
var ErrNotFound = errors.New("not found")

// DefaultAskTimeout bounds an Ask whose context has no deadline.
const DefaultAskTimeout = 5 * time.Second

// Ask is the one way to ask an actor something from outside the actor
// system: query builds the message around a reply channel with room for
// one answer, the actor puts its answer there from its mailbox, and Ask
// waits for it within ctx (DefaultAskTimeout without a deadline). A reply
// channel rather than a protoactor future lets an actor hand the question
// on (to another actor, or to a commit) and answer later.
func Ask[R any](ctx context.Context, sender actor.SenderContext, pid *actor.PID, query func(reply chan<- R) any) (R, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultAskTimeout)
		defer cancel()
	}
	reply := make(chan R, 1)
	sender.Send(pid, query(reply))
	select {
	case r := <-reply:
		return r, nil
	case <-ctx.Done():
		var zero R
		return zero, fmt.Errorf("ask %s: %w", pid.Id, ctx.Err())
	}
}
