package quest

import (
	"context"
	"fmt"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/gamehost/transitquest/actors"
)

// Shutdown runs the graceful-shutdown behaviour: every live instance of
// every tenant is destroyed (warps to exit, INSTANCE_DESTROYED, no FAILED).
// It returns once those effects are committed, or when ctx ends.
//
// Call it after the pipeline stopped consuming and is idle
// (kafka.Pipeline.StopConsuming, then WaitIdle): a REGISTER still waiting
// for its lookup afterwards is left uncommitted for the partition's next
// owner rather than creating an instance nobody will shut down.
func (s *Subsystem) Shutdown(ctx context.Context) error {
	var registrars []*actor.PID
	s.tenants.Each(func(ta *tenantActors) { registrars = append(registrars, ta.registrar) })
	var waits []chan struct{}
	for _, pid := range registrars {
		w, err := actors.Ask(ctx, s.sys.Root, pid, func(reply chan<- []chan struct{}) any {
			return shutdownAll{reply: reply}
		})
		if err != nil {
			return fmt.Errorf("party-quest shutdown: %w", err)
		}
		waits = append(waits, w...)
	}
	for _, w := range waits {
		select {
		case <-w:
		case <-ctx.Done():
			return fmt.Errorf("party-quest shutdown: %w", ctx.Err())
		}
	}
	return nil
}
