package transport_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/transport/ride"
)

// Broker-free tests of the instance-route (ride) actor: START, exit,
// logout, queries and shutdown; its boarding and arrival timers; and
// restarts that roll its state back to the last completed message.

// train is subway on the fake clock: 3 s boarding, 2 s travel, 2 seats.
func trainTenant() config.Tenant {
	return config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{subway}}
}

func rideTypes(t *testing.T, bs ...actortest.Batch) []string {
	var types []string
	for _, o := range outs(t, messages.EventTopicInstanceTransport, bs...) {
		types = append(types, o.Type)
	}
	return types
}

func instances(t *testing.T, e *env) []ride.Instance {
	t.Helper()
	ins, err := e.sub.Instances(t.Context(), kafkatest.Tenant, subway.ID)
	require.NoError(t, err)
	return ins
}

func TestRideActorMessages(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{trainTenant()}})
	e.startRide(1, subway.ID)
	first := e.last()
	e.startRide(1, subway.ID) // redelivered
	again := e.last()
	e.consumed() // characters' STARTs race through their own directory shards
	e.startRide(2, subway.ID)
	e.consumed()
	e.startRide(3, subway.ID) // capacity 2: a second instance
	e.consumed()

	b := effects(t, e, first)
	assert.Equal(t, []string{messages.TypeStarted}, rideTypes(t, b))
	require.Len(t, outs(t, messages.CommandTopicCharacter, b), 1, "the warp into the transit instance")
	assert.Len(t, outs(t, messages.ChangelogTopicTransport, b), 1, "the instance's state, same transaction")
	assert.Empty(t, contractRecords(effects(t, e, again)), "a redelivered START changes nothing")
	ins := instances(t, e)
	require.Len(t, ins, 2)
	assert.Len(t, ins[0].Riders, 2)
	assert.Equal(t, []ride.Rider{{CharacterID: 3, ChannelID: 1}}, ins[1].Riders)

	e.exit(2, 1, subway.TransitMapID, ins[0].ID)
	exit := e.last()
	e.status(messages.TypeLogout, 3, 1, subway.TransitMapID)
	logout := e.last()
	e.consumed()
	cancelled := outs(t, messages.EventTopicInstanceTransport, effects(t, e, exit), effects(t, e, logout))
	require.Len(t, cancelled, 2)
	assert.Equal(t, []any{messages.CancelMapExit, messages.CancelLogout}, []any{cancelled[0].Body["reason"], cancelled[1].Body["reason"]})
	ins = instances(t, e)
	require.Len(t, ins, 1, "the emptied instance is released")
	assert.Equal(t, []ride.Rider{{CharacterID: 1, ChannelID: 1}}, ins[0].Riders)

	// Shutdown warps every remaining rider to the start map.
	require.NoError(t, e.sub.Shutdown(context.Background()))
	bs := timerBatches(e)
	ws := outs(t, messages.CommandTopicCharacter, bs[len(bs)-1])
	assert.Equal(t, []warp{{1, subway.StartMapID}}, warpsOf(ws))
	assert.Empty(t, instances(t, e))
}

// On its timer alone the ride closes boarding, then at arrival warps every
// rider to the destination with a COMPLETED, and releases the instance.
func TestRideActorTimers(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{trainTenant()}})
	// Two characters' STARTs reach the ride through their own directory
	// shards, in either order: one after the other, for the riders' order.
	e.startRide(1, subway.ID)
	e.consumed()
	e.startRide(2, subway.ID)
	e.consumed()
	e.armed(1)
	e.fake.Advance(subway.BoardingWindow - time.Millisecond)
	e.armed(1)
	assert.Empty(t, timerBatches(e), "nothing is due yet")
	e.fake.Advance(time.Millisecond) // boarding closes
	eventually(t, 10*time.Second, "boarding closed", func() bool { return len(timerBatches(e)) == 1 })
	assert.Empty(t, rideTypes(t, timerBatches(e)...), "closing boarding only rewrites the state")
	assert.Equal(t, ride.PhaseInTransit, instances(t, e)[0].Phase)
	e.armed(1)
	e.fake.Advance(subway.Travel)
	eventually(t, 10*time.Second, "arrival", func() bool { return len(timerBatches(e)) == 2 })
	arrival := timerBatches(e)[1]
	assert.Equal(t, []string{messages.TypeCompleted, messages.TypeCompleted}, rideTypes(t, arrival))
	assert.Equal(t, []warp{{1, subway.DestinationMapID}, {2, subway.DestinationMapID}},
		warpsOf(outs(t, messages.CommandTopicCharacter, arrival)))
	tombstones := 0
	for _, r := range arrival.Records {
		if r.Topic == messages.ChangelogTopicTransport && r.Value == nil {
			tombstones++
		}
	}
	assert.Equal(t, 1, tombstones, "the released instance's state is tombstoned in the same batch")
	assert.Empty(t, instances(t, e))
	assert.Equal(t, uint64(2), timerFires(t, e, kindRide))
	// The riders are free again: a new START rides at once.
	e.startRide(1, subway.ID)
	e.consumed()
	assert.Equal(t, []string{messages.TypeStarted}, rideTypes(t, effects(t, e, e.last())))
}

// A ride actor that crashes while committing a START restarts from its
// snapshot (no rider yet) and handles the START again: one STARTED, one
// rider, the input completed once. Without the rollback the retry would see
// the character already aboard and emit nothing.
func TestRideActorRestartRollsBackAStart(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{trainTenant()}})
	e.trapInput(messages.CommandTopicInstanceTransport, 0, "ride_start", 1)
	e.startRide(9, subway.ID)
	in := e.last()
	e.consumed()
	assert.Equal(t, 1, e.fx.springs())
	assert.Equal(t, float64(1), restarts(e, kindRide))
	assert.Equal(t, 1, e.rec.Times(in))
	assert.Equal(t, []string{messages.TypeStarted}, rideTypes(t, effects(t, e, in)))
	ins := instances(t, e)
	require.Len(t, ins, 1)
	assert.Equal(t, []ride.Rider{{CharacterID: 9, ChannelID: 1}}, ins[0].Riders)
}

// A START that crashes the ride actor on every attempt is refused with
// reason panic after three: the ride answers the directory, which drops
// the claim and dead-letters the answer. The state is rolled back (nobody
// aboard), so the character may start again.
func TestRideActorDeadLettersAStartThatKeepsCrashingIt(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{trainTenant()}})
	e.trapInput(messages.CommandTopicInstanceTransport, 0, "ride_start", -1)
	e.startRide(9, subway.ID)
	poison := e.last()
	eventually(t, 10*time.Second, "poison START settled", func() bool { return len(e.rec.Rejections()) == 1 })
	e.fx.setTrap(nil)
	rej := e.rec.Rejections()
	require.Len(t, rej, 1)
	assert.Equal(t, messages.ReasonPanic, rej[0].Reason)
	assert.Equal(t, float64(3), restarts(e, kindRide))
	assert.Empty(t, instances(t, e), "rolled back: nobody aboard")

	assert.Same(t, poison, e.root(rej[0].In))

	e.startRide(9, subway.ID)
	e.consumed()
	assert.Equal(t, 1, e.rec.Times(poison))
	assert.Equal(t, []string{messages.TypeStarted}, rideTypes(t, effects(t, e, e.last())))
}

// A crash while committing the arrival restarts the ride actor from the
// snapshot before the tick, and the timer fire is handled again: each rider
// is delivered exactly once.
func TestRideActorRestartRollsBackATick(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{trainTenant()}})
	e.startRide(1, subway.ID)
	e.startRide(2, subway.ID)
	e.consumed()
	e.armed(1)
	e.fake.Advance(subway.BoardingWindow)
	eventually(t, 10*time.Second, "boarding closed", func() bool { return len(timerBatches(e)) == 1 })
	crashes := 1
	e.fx.setTrap(func(in *kafka.Input, recs []messages.Record) bool {
		completes := false
		for _, r := range recs {
			completes = completes || r.Topic == messages.EventTopicInstanceTransport
		}
		if in != nil || crashes == 0 || !completes {
			return false
		}
		crashes--
		return true
	})
	e.armed(1)
	e.fake.Advance(subway.Travel)
	eventually(t, 10*time.Second, "arrival", func() bool { return len(timerBatches(e)) == 2 })
	assert.Equal(t, 1, e.fx.springs())
	assert.Equal(t, float64(1), restarts(e, kindRide))
	arrival := timerBatches(e)[1]
	assert.Equal(t, []string{messages.TypeCompleted, messages.TypeCompleted}, rideTypes(t, arrival))
	assert.Empty(t, instances(t, e))
	e.armed(0)
}

// A ride actor and a directory shard started from the changelog resume:
// the ride its instances, the shard its riders (a START for another route
// conflicts), and the overdue arrival fires at once.
func TestRideActorResumesFromTheChangelog(t *testing.T) {
	seed := launch(t, setup{tenants: []config.Tenant{trainTenant()}})
	seed.startRide(4, subway.ID)
	seed.consumed()
	raw := seed.changelogState(t)
	restored, errs := changelog.Decode(raw)
	require.Empty(t, errs)
	kinds := map[string]int{}
	for _, en := range restored {
		kinds[en.Kind]++
	}
	assert.Equal(t, map[string]int{"ride": 1, "rider": 1}, kinds, "the instance and the character's directory entry")

	other := subway
	other.ID, other.Name = uuid.MustParse("7f0c8bbf-52c6-4cd8-9a5b-0bd3a8e1f003"), "other"
	cfg := trainTenant()
	cfg.InstanceRoutes = append(cfg.InstanceRoutes, other)
	e := launch(t, setup{tenants: []config.Tenant{cfg}, state: raw})
	ins := instances(t, e)
	require.Len(t, ins, 1)
	assert.Equal(t, []ride.Rider{{CharacterID: 4, ChannelID: 1}}, ins[0].Riders)
	e.startRide(4, other.ID)
	e.consumed()
	rej := e.rec.Rejections()
	require.Len(t, rej, 1)
	assert.Equal(t, messages.ReasonConflict, rej[0].Reason)

	// Its timers run on: boarding closes, then the riders arrive. Jump, not
	// Advance: Advance fires the boarding timer at its own instant, and an
	// actor that handles it before Advance returns would arm the arrival
	// timer after Advance stopped looking.
	e.armed(1)
	e.fake.Jump(e.fake.Now().Add(subway.BoardingWindow + subway.Travel))
	eventually(t, 10*time.Second, "arrival", func() bool {
		return len(rideTypes(t, timerBatches(e)...)) == 1
	})
	assert.Equal(t, []string{messages.TypeCompleted}, rideTypes(t, timerBatches(e)...))
}
