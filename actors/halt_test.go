package actors_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/metrics"
)

// tickPeriod is how often every ticker fires.
const tickPeriod = 500 * time.Millisecond

// ticker re-arms its timer tickPeriod ahead after every fire, like a
// route actor that keeps firing.
type ticker struct{ ticks *atomic.Int64 }

func (ticker) Handle(actor.Context, any) {}

func (t ticker) NextDeadline() (time.Time, bool) { return time.Now().Add(tickPeriod), true }

func (t ticker) Tick(actor.Context, time.Time) { t.ticks.Add(1) }

// Halt stops every actor at once, each with its timer, without handling
// what its mailbox still holds: nothing fires afterwards.
func TestHaltStopsEveryActorAndTimer(t *testing.T) {
	const n = 2_000
	sys := actors.NewSystem(zap.NewNop())
	t.Cleanup(sys.Shutdown)
	cfg := actors.ShellConfig{Kind: "ticker", Clock: clock.Real{}, Log: zap.NewNop(), Metrics: metrics.New()}
	sup := actors.NewSupervisor(sys, "halt")
	var ticks, handled atomic.Int64
	pids := make([]*actor.PID, n)
	for i := range pids {
		pid, err := sup.Spawn(fmt.Sprint(i), cfg, func() actors.Actor { return ticker{ticks: &ticks} })
		require.NoError(t, err)
		pids[i] = pid
	}
	require.Eventually(t, func() bool { return ticks.Load() >= n }, 30*time.Second, 10*time.Millisecond, "timers firing")
	// A backlog that Poison would work through first.
	for _, pid := range pids[:1000] {
		for range 100 {
			sys.Root.Send(pid, func() { handled.Add(1) })
		}
	}
	start := time.Now()
	sup.Halt()
	took := time.Since(start)
	t.Logf("halted %d ticking actors in %s", n, took)
	after := ticks.Load()
	time.Sleep(2 * tickPeriod) // an absence: every timer would have fired twice
	assert.Equal(t, after, ticks.Load(), "no timer fires after Halt")
	_, err := sup.Spawn("late", cfg, func() actors.Actor { return ticker{ticks: &ticks} })
	require.ErrorIs(t, err, actors.ErrStopped)
	_, err = actors.Ask(context.Background(), sup.Mailbox("0"), func(r chan<- int) any { return r })
	require.ErrorIs(t, err, actors.ErrNotFound, "a halted actor is gone from its registry")
}
