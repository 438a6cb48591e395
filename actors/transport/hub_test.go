package transport_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// Broker-free tests of the per-tenant hub: its messages (map, character and
// channel status, START), the route sweeps it turns into warps, and a
// supervised restart. The actor kinds' metric labels:
const (
	kindHub   = "transport-hub"
	kindRoute = "route"
	kindRide  = "instance-route"
)

// dock is a scheduled route on a 15-minute cycle: at actortest.T0 (12:00)
// boarding opens, it departs at 12:05 and arrives at 12:15.
var dock = schedule.Route{ID: uuid.MustParse("5d0c7f1e-7a51-4c3e-9d0b-3f1c2e4a5b01"), Name: "dock",
	StartMapID: 300000100, StagingMapID: 300000101, EnRouteMapIDs: []uint32{300000102}, DestinationMapID: 300000200,
	ObservationMapID: 300000100, BoardingWindow: 4 * time.Minute, PreDeparture: time.Minute, Travel: 10 * time.Minute,
	CycleInterval: 15 * time.Minute}

// hubTenant has one scheduled route (dock, with a spawn portal at its first
// en-route map) and one instance route (subway, one-hour ride).
func hubTenant() config.Tenant {
	long := subway
	long.BoardingWindow, long.Travel = time.Hour, time.Hour
	return config.Tenant{Tenant: kafkatest.Tenant, Routes: []schedule.Route{dock}, InstanceRoutes: []ride.Route{long},
		SpawnPortals: map[uint32]uint32{dock.EnRouteMapIDs[0]: 4}}
}

// batchOf is the one batch that completed in.
func batchOf(t *testing.T, e *env, in *kafka.Input) actortest.Batch {
	t.Helper()
	var found []actortest.Batch
	for _, b := range e.rec.Batches() {
		if b.In == in {
			found = append(found, b)
		}
	}
	require.Len(t, found, 1, "input %s@%d completed once by an emit", in.Topic, in.Offset)
	return found[0]
}

// timerBatches are the batches no input caused.
func timerBatches(e *env) []actortest.Batch {
	var out []actortest.Batch
	for _, b := range e.rec.Batches() {
		if b.In == nil {
			out = append(out, b)
		}
	}
	return out
}

// outs decodes the records of topic in batches, in order.
func outs(t *testing.T, topic messages.Topic, bs ...actortest.Batch) []out {
	t.Helper()
	var rs []out
	for _, b := range bs {
		for _, r := range b.Records {
			if r.Topic == topic {
				rs = append(rs, decode(t, toKgo(t, r))...)
			}
		}
	}
	return rs
}

// restarts is ActorRestarts of an actor kind.
func restarts(e *env, kind string) float64 {
	return testutil.ToFloat64(e.m.ActorRestarts.WithLabelValues(kind))
}

// timerFires is how many timer fires of kind were handled (TimerLateness
// observations).
func timerFires(t *testing.T, e *env, kind string) uint64 {
	t.Helper()
	var m dto.Metric
	require.NoError(t, e.m.TimerLateness.WithLabelValues(kind).(prometheus.Histogram).Write(&m))
	return m.GetHistogram().GetSampleCount()
}

// armed waits until n actor timers are armed on the fake clock, so moving
// time fires them.
func (e *env) armed(n int) {
	e.t.Helper()
	eventually(e.t, 10*time.Second, "actor timers armed", func() bool { return e.fake.Pending() == n })
}

// trapInput makes the actor that completes the input of topic at offset
// panic, on its first `times` emits for it (-1: always). Set it before
// sending the input.
func (e *env) trapInput(topic messages.Topic, offset int64, times int) {
	e.fx.setTrap(func(in *kafka.Input, _ []messages.Record) bool {
		if in == nil || in.Topic != topic || in.Offset != offset || times == 0 {
			return false
		}
		times--
		return true
	})
}

func TestHubCompletesPresenceAndChannelEventsWithoutEffects(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.channel(messages.TypeChannelStarted, 3)
	started := e.last()
	e.enter(7, 1, dock.StagingMapID, uuid.Nil)
	entered := e.last()
	e.exit(7, 1, dock.StagingMapID, uuid.Nil)
	exited := e.last()
	e.channel(messages.TypeChannelShutdown, 3)
	shut := e.last()
	e.consumed()
	for _, in := range []*kafka.Input{started, entered, exited, shut} {
		b := batchOf(t, e, in)
		assert.Empty(t, b.Records, "%s@%d", in.Topic, in.Offset)
		assert.Equal(t, kafkatest.Tenant, b.Tenant)
	}
	assert.Empty(t, e.rec.Rejections())
}

// LOGIN on an instance route's transit map with no live ride warps the
// character to the route's start map; LOGOUT in a scheduled route's staging
// or en-route map moves it to the route's start map; both in the batch that
// completes the event.
func TestHubLoginRecoveryAndLogoutWarp(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.status(messages.TypeLogin, 21, 2, subway.TransitMapID)
	login := e.last()
	e.status(messages.TypeLogout, 22, 1, dock.EnRouteMapIDs[0])
	logout := e.last()
	e.status(messages.TypeLogin, 23, 1, 100000000) // anywhere else: nothing to do
	plain := e.last()
	e.consumed()

	ws := outs(t, messages.CommandTopicCharacter, batchOf(t, e, login))
	require.Len(t, ws, 1)
	assert.Equal(t, uint32(21), ws[0].Character)
	assert.Equal(t, float64(subway.StartMapID), ws[0].Body["mapId"])
	assert.Equal(t, float64(2), ws[0].Body["channelId"])
	ws = outs(t, messages.CommandTopicCharacter, batchOf(t, e, logout))
	require.Len(t, ws, 1)
	assert.Equal(t, uint32(22), ws[0].Character)
	assert.Equal(t, float64(dock.StartMapID), ws[0].Body["mapId"])
	assert.Empty(t, batchOf(t, e, plain).Records)
}

// START is refused by the hub for an unknown route and for a character
// riding another route; a tenant nobody configured gets a bare hub lazily.
func TestHubRefusesStartsItCannotRoute(t *testing.T) {
	other := subway
	other.ID, other.Name = uuid.MustParse("7f0c8bbf-52c6-4cd8-9a5b-0bd3a8e1f002"), "other"
	cfg := hubTenant()
	cfg.InstanceRoutes = append(cfg.InstanceRoutes, other)
	e := launch(t, setup{tenants: []config.Tenant{cfg}})
	e.startRide(5, subway.ID)
	e.startRide(5, other.ID)
	conflict := e.last()
	e.startRide(6, uuid.New())
	unknown := e.last()
	stranger := actortest.Input(messages.CommandTopicInstanceTransport, kafkatest.Tenant, 0, nil)
	stranger.Tenant.ID = uuid.New()
	raw := e.inputs()[0].Value
	stranger.Value = raw
	e.mu.Lock()
	e.ins = append(e.ins, stranger)
	e.mu.Unlock()
	e.handle(stranger)
	e.consumed()

	reasons := map[*kafka.Input]messages.Reason{}
	for _, j := range e.rec.Rejections() {
		reasons[j.In] = j.Reason
	}
	assert.Equal(t, map[*kafka.Input]messages.Reason{conflict: messages.ReasonConflict, unknown: messages.ReasonUnknownTarget,
		stranger: messages.ReasonUnknownTarget}, reasons)
	assert.Len(t, outs(t, messages.EventTopicInstanceTransport, batchOf(t, e, e.inputs()[0])), 1, "the first START rides")
}

// The hub has no timer of its own: it acts on its routes' timers. At the
// route's departure it warps everyone in the staging map, on every active
// channel, to the first en-route map with its spawn portal, then the
// DEPARTED, in one batch that no input caused.
func TestHubSweepsOnRouteTimers(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.armed(1)
	e.fake.Set(actortest.T0) // the start-up BoardingOpened
	e.enter(31, 1, dock.StagingMapID, uuid.Nil)
	e.enter(32, 2, dock.StagingMapID, uuid.Nil)
	e.enter(33, 2, dock.StartMapID, uuid.Nil) // on the dock, not boarding
	e.consumed()
	e.armed(1)
	e.fake.Set(actortest.T0.Add(5 * time.Minute))
	status := e.reader(messages.EventTopicTransportStatus)
	status.WaitCount(10*time.Second, 2) // ARRIVED at start-up, DEPARTED now

	bs := timerBatches(e)
	last := bs[len(bs)-1]
	got := outs(t, messages.CommandTopicCharacter, last)
	require.Len(t, got, 2)
	for i, c := range []uint32{31, 32} {
		assert.Equal(t, c, got[i].Character)
		assert.Equal(t, float64(dock.EnRouteMapIDs[0]), got[i].Body["mapId"])
		assert.Equal(t, float64(4), got[i].Body["portalId"])
		assert.Equal(t, float64(i+1), got[i].Body["channelId"])
	}
	events := outs(t, messages.EventTopicTransportStatus, last)
	require.Len(t, events, 1)
	assert.Equal(t, messages.TypeDeparted, events[0].Type)
	assert.Equal(t, messages.CommandTopicCharacter, last.Records[0].Topic, "warps first, then the event")
}

// A hub that panics while completing an input restarts and handles it
// again. It is not a Snapshotter: its presence index survives the restart,
// so both the character entered before the crash and the one whose event
// crashed it are swept at departure. The input is completed exactly once.
func TestHubRestartKeepsItsState(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.enter(41, 1, dock.StagingMapID, uuid.Nil)
	e.consumed()
	e.trapInput(messages.EventTopicMapStatus, 1, 1)
	e.enter(42, 1, dock.StagingMapID, uuid.Nil)
	crashing := e.last()
	e.consumed()
	assert.Equal(t, 1, e.fx.springs())
	assert.Equal(t, float64(1), restarts(e, kindHub))
	assert.Equal(t, 1, e.rec.Times(crashing))

	e.armed(1)
	e.fake.Set(actortest.T0.Add(5 * time.Minute))
	warps := e.reader(messages.CommandTopicCharacter)
	got := decode(t, warps.WaitCount(10*time.Second, 2))
	assert.Equal(t, []warp{{41, dock.EnRouteMapIDs[0]}, {42, dock.EnRouteMapIDs[0]}}, warpsOf(got))
}

// An input that crashes the hub on every attempt is dead-lettered with
// reason panic after three, and the hub goes on with the next one.
func TestHubDeadLettersAnInputThatKeepsCrashingIt(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.trapInput(messages.EventTopicCharacterStatus, 0, -1)
	e.status(messages.TypeLogin, 51, 1, subway.TransitMapID)
	poison := e.last()
	eventually(t, 10*time.Second, "poison input settled", func() bool { return e.rec.Completed(poison) })
	e.fx.setTrap(nil)
	e.enter(52, 1, dock.StagingMapID, uuid.Nil)
	e.consumed()

	assert.Equal(t, 1, e.rec.Times(poison))
	rej := e.rec.Rejections()
	require.Len(t, rej, 1)
	assert.Same(t, poison, rej[0].In)
	assert.Equal(t, messages.ReasonPanic, rej[0].Reason)
	assert.Equal(t, float64(3), restarts(e, kindHub), "three attempts, each ending in a restart")
	assert.Empty(t, batchOf(t, e, e.last()).Records)
}

// The hub counts, per scheduled route, who waits in its staging map and who
// rides its en-route maps, from the presence it keeps.
func TestHubCountsRidersPerScheduledRoute(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.enter(7, 1, dock.StagingMapID, uuid.Nil)
	e.enter(8, 2, dock.StagingMapID, uuid.Nil)
	e.enter(9, 1, dock.EnRouteMapIDs[0], uuid.Nil)
	e.enter(10, 1, dock.StagingMapID, uuid.New()) // a private copy: not the route's
	e.consumed()
	riders, err := e.sub.RouteRiders(context.Background(), kafkatest.Tenant)
	require.NoError(t, err)
	assert.Equal(t, transport.RouteRiders{Waiting: 2, Aboard: 1}, riders[dock.ID])
	_, err = e.sub.RouteRiders(context.Background(), tenant.Tenant{ID: uuid.New(), Region: "EMS"})
	require.ErrorIs(t, err, transport.ErrNotFound)
}
