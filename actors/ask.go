package actors

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned for an actor identity (tenant, route, instance)
// that does not exist or is not live.
var ErrNotFound = errors.New("not found")

// DefaultAskTimeout bounds an Ask whose context has no deadline.
const DefaultAskTimeout = 5 * time.Second

// Mailbox addresses one actor by its name in its registry
// (Supervisor.Mailbox, Partitions.Mailbox). Messages reach actors only
// through their registry, never by a PID kept aside: a resting actor has
// no process, and its registry wakes it.
type Mailbox interface {
	// Tell puts msg in the actor's mailbox and reports whether the actor
	// exists.
	Tell(msg any) bool
	String() string
}

// Ask is the one way to ask an actor something from outside the actor
// system: query builds the message around a reply channel with room for
// one answer, the actor puts its answer there from its mailbox, and Ask
// waits for it within ctx (DefaultAskTimeout without a deadline). A reply
// channel rather than a protoactor future lets an actor hand the question
// on (to another actor, or to a commit) and answer later. It returns
// ErrNotFound when there is no such actor.
func Ask[R any](ctx context.Context, to Mailbox, query func(reply chan<- R) any) (R, error) {
	var zero R
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultAskTimeout)
		defer cancel()
	}
	reply := make(chan R, 1)
	if !to.Tell(query(reply)) {
		return zero, fmt.Errorf("ask %s: %w", to, ErrNotFound)
	}
	select {
	case r := <-reply:
		return r, nil
	case <-ctx.Done():
		return zero, fmt.Errorf("ask %s: %w", to, ctx.Err())
	}
}
