package quest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gamehost/transitquest/actors"
)

// Shutdown runs the end-of-service behaviour (the service calls it only
// when the whole service is drained, not on a handover): every live
// instance this replica runs is destroyed (warps to exit,
// INSTANCE_DESTROYED, no FAILED). It returns once those effects are
// committed, or when ctx ends. Their ended reports wait on the
// registrars' partitions for whoever owns them next, ahead of any later
// REGISTER, so the index is freed before it decides again.
//
// Call it after the pipeline stopped consuming and is idle
// (kafka.Pipeline.StopConsuming, then WaitIdle): a REGISTER still waiting
// for its lookup afterwards is left uncommitted for the partition's next
// owner rather than creating an instance nobody will shut down.
func (s *Subsystem) Shutdown(ctx context.Context) error {
	var registrars, instances []string
	s.parts.Each(func(key string) {
		if strings.HasSuffix(key, "|"+registrarKind+"|") {
			registrars = append(registrars, key)
		} else {
			instances = append(instances, key)
		}
	})
	for _, key := range registrars {
		if _, err := actors.Ask(ctx, s.parts.Mailbox([]byte(key)), func(reply chan<- struct{}) any {
			return stopRegistering{reply: reply}
		}); err != nil && !errors.Is(err, actors.ErrNotFound) {
			return fmt.Errorf("party-quest shutdown: %w", err)
		}
	}
	// Resting instances are woken: each ends as a running one does. A
	// wake restores a machine, so telling 100,000 takes time of its own:
	// it stops at ctx's end like the waits below.
	waits := make([]chan struct{}, 0, len(instances))
	for _, key := range instances {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("party-quest shutdown: %w", err)
		}
		done := make(chan struct{})
		if s.parts.Tell([]byte(key), shutdown{done: done}) {
			waits = append(waits, done)
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
