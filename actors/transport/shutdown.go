package transport

import (
	"context"
	"fmt"
)

// Shutdown runs the end-of-service behaviour: every rider of every instance
// route this replica runs is warped back to the route's start map. It
// returns once those warps are committed or ctx ends. With several
// replicas a replica's stop is a handover (its state stays in the
// changelog for the next owner), so the service calls this only when the
// whole service is drained.
func (s *Subsystem) Shutdown(ctx context.Context) error {
	var waits []chan struct{}
	s.parts.Each(func(key string) {
		if _, kind, _ := keyParts(key); kind != keyRide {
			return
		}
		done := make(chan struct{})
		if s.parts.Tell([]byte(key), shutdown{done: done}) {
			waits = append(waits, done)
		}
	})
	for _, w := range waits {
		select {
		case <-w:
		case <-ctx.Done():
			return fmt.Errorf("transport shutdown: %w", ctx.Err())
		}
	}
	return nil
}
