package transport_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zapcore"

	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
)

// Broker-free tests of the route actor: its timer walks the timetable,
// its one message is the state query, and a crash in a tick rolls back.

func dockTenant() config.Tenant {
	return config.Tenant{Tenant: kafkatest.Tenant, Routes: []schedule.Route{dock}}
}

// statusTypes are the ARRIVED/DEPARTED types emitted so far.
func statusTypes(t *testing.T, e *env) []string {
	var types []string
	for _, o := range outs(t, messages.EventTopicTransportStatus, timerBatches(e)...) {
		assert.Equal(t, dock.ID, o.RouteID)
		types = append(types, o.Type)
	}
	return types
}

// On its timer alone the route announces boarding (ARRIVED) and departure
// (DEPARTED), and at arrival warps the en-route maps to the destination;
// nothing happens before a transition is due.
func TestRouteActorTimerWalksTheTimetable(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{dockTenant()}})
	e.armed(1)
	e.fake.Set(actortest.T0)
	eventually(t, 10*time.Second, "ARRIVED", func() bool { return len(statusTypes(t, e)) == 1 })
	e.enter(61, 1, dock.EnRouteMapIDs[0], uuid.Nil) // someone aboard already
	e.consumed()

	e.armed(1)
	e.fake.Set(actortest.T0.Add(5*time.Minute - time.Second))
	e.armed(1) // the boarding close fired and re-armed; nothing to say
	assert.Equal(t, []string{messages.TypeArrived}, statusTypes(t, e))

	e.fake.Set(actortest.T0.Add(5 * time.Minute))
	eventually(t, 10*time.Second, "DEPARTED", func() bool { return len(statusTypes(t, e)) == 2 })
	e.armed(1)
	e.fake.Set(actortest.T0.Add(15 * time.Minute)) // arrival, and the next trip's boarding
	eventually(t, 10*time.Second, "next ARRIVED", func() bool { return len(statusTypes(t, e)) == 3 })
	assert.Equal(t, []string{messages.TypeArrived, messages.TypeDeparted, messages.TypeArrived}, statusTypes(t, e))
	ws := outs(t, messages.CommandTopicCharacter, timerBatches(e)...)
	assert.Equal(t, []warp{{61, dock.DestinationMapID}}, warpsOf(ws), "the rider aboard lands at arrival")
	assert.GreaterOrEqual(t, timerFires(t, e, kindRoute), uint64(4), "boarding open, close, departure, arrival")
}

// With a lead, a departure is prepared ahead of its instant and released
// at it. A character who enters the staging map in between undoes the
// prepared departure: the route handles the entry first, decides again,
// and sweeps the character aboard, once.
func TestRouteDeparturePreparedAheadSweepsWhoEnteredMeanwhile(t *testing.T) {
	const lead = 500 * time.Millisecond
	departs := actortest.T0.Add(5 * time.Minute)
	e := launch(t, setup{tenants: []config.Tenant{dockTenant()}, lead: lead})
	e.armed(1)
	e.fake.Set(actortest.T0)
	eventually(t, 10*time.Second, "ARRIVED", func() bool { return len(statusTypes(t, e)) == 1 })
	e.armed(1)
	e.fake.Set(departs.Add(-time.Second)) // the boarding close, prepared and released
	e.armed(1)
	e.fake.Set(departs.Add(-lead))
	e.armed(2) // the departure prepared: the gate holds it, the next fire is armed
	assert.Equal(t, []string{messages.TypeArrived}, statusTypes(t, e), "nothing announced ahead of the instant")

	e.enter(62, 1, dock.StagingMapID, uuid.Nil)
	eventually(t, 10*time.Second, "the prepared departure undone", func() bool {
		return testutil.ToFloat64(e.m.TimerCancels.WithLabelValues(kindRoute)) == 1
	})
	e.fake.Set(departs)
	eventually(t, 10*time.Second, "DEPARTED", func() bool { return len(statusTypes(t, e)) == 2 })
	assert.Equal(t, []string{messages.TypeArrived, messages.TypeDeparted}, statusTypes(t, e))
	ws := outs(t, messages.CommandTopicCharacter, timerBatches(e)...)
	assert.Equal(t, []warp{{62, dock.EnRouteMapIDs[0]}}, warpsOf(ws), "swept aboard, once")
}

// The route answers state queries from its mailbox (the read API).
func TestRouteActorAnswersStateQueries(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{dockTenant()}})
	v, err := e.sub.Route(t.Context(), kafkatest.Tenant, dock.ID)
	require.NoError(t, err)
	assert.Equal(t, dock.Name, v.Route.Name)
	assert.Equal(t, schedule.OpenEntry, v.State)
	assert.NotEmpty(t, v.Trips)
	e.armed(1)
	e.fake.Set(actortest.T0.Add(6 * time.Minute))
	v, err = e.sub.Route(t.Context(), kafkatest.Tenant, dock.ID)
	require.NoError(t, err)
	assert.Equal(t, schedule.InTransit, v.State)
	all, err := e.sub.Routes(t.Context(), kafkatest.Tenant)
	require.NoError(t, err)
	require.Len(t, all, 1)
	_, err = e.sub.Route(t.Context(), kafkatest.Tenant, uuid.New())
	assert.ErrorIs(t, err, transport.ErrNotFound)
}

// A route actor that crashes in a tick is restarted from its snapshot (the
// machine before the tick) and the tick runs again: the transition it was
// applying is announced exactly once. Without the rollback the retry would
// find the machine already past it and announce nothing.
func TestRouteActorRestartRollsBackATick(t *testing.T) {
	crashes := 1
	var e *env
	e = launch(t, setup{tenants: []config.Tenant{dockTenant()}, logHook: func(en zapcore.Entry) {
		// The warning a late tick logs after advancing its machine.
		if en.Message == "route transition skipped: handled too late to act on" && crashes > 0 {
			crashes--
			panic("test: crash mid-tick")
		}
	}})
	e.armed(1)
	e.fake.Set(actortest.T0)
	eventually(t, 10*time.Second, "ARRIVED", func() bool { return len(statusTypes(t, e)) == 1 })
	e.armed(1)
	// Two hours late: the skipped transitions are logged, the 14:00
	// boarding (a minute ago) is still announced.
	// Jump, not Set: the actor must wake up two hours late in one tick,
	// not step through the transitions in between.
	e.fake.Jump(actortest.T0.Add(2*time.Hour + time.Minute))
	eventually(t, 10*time.Second, "the late ARRIVED", func() bool { return len(statusTypes(t, e)) == 2 })
	e.armed(1)
	assert.Equal(t, float64(1), restarts(e, kindRoute))
	assert.Equal(t, []string{messages.TypeArrived, messages.TypeArrived}, statusTypes(t, e))

	// It goes on from there. Jump, not Set: Set fires the 14:04 boarding
	// close at its own instant, and an actor that handles it before Set
	// returns would arm the 14:05 departure after Set stopped looking.
	// After a Jump, one tick at 14:05 applies both.
	e.fake.Jump(actortest.T0.Add(2*time.Hour + 5*time.Minute))
	eventually(t, 10*time.Second, "DEPARTED", func() bool { return len(statusTypes(t, e)) == 3 })
	assert.Equal(t, messages.TypeDeparted, statusTypes(t, e)[2])
}
