package quest

import (
	"context"
	"fmt"
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
	s.mu.RLock()
	var registrars []*tenantActors
	for _, ta := range s.tenants {
		if ta.registrar != nil {
			registrars = append(registrars, ta)
		}
	}
	s.mu.RUnlock()
	var waits []chan struct{}
	for _, ta := range registrars {
		reply := make(chan []chan struct{}, 1)
		s.sys.Root.Send(ta.registrar, shutdownAll{reply: reply})
		select {
		case w := <-reply:
			waits = append(waits, w...)
		case <-ctx.Done():
			return fmt.Errorf("party-quest shutdown: %w", ctx.Err())
		}
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
