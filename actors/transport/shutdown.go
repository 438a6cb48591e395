package transport

import (
	"context"
	"fmt"
)

// Shutdown runs the graceful-shutdown behaviour: every rider of every
// instance route is warped back to the route's start map. It returns once
// those warps are committed or ctx ends.
func (s *Subsystem) Shutdown(ctx context.Context) error {
	var waits []chan struct{}
	s.tenants.Each(func(ta *tenantActors) {
		for _, pid := range ta.rides {
			done := make(chan struct{})
			s.sys.Root.Send(pid, shutdown{done: done})
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
