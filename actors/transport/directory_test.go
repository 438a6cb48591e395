package transport_test

import (
	"context"
	"strconv"
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
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// Broker-free tests of the ride directory (rider keys) and of the route
// actors' presence: their messages (map, character and channel status,
// START) as ingress forwards them, the route sweeps computed from presence,
// and supervised restarts. The actor kinds' metric labels:
const (
	kindDirectory = "transport-directory"
	kindRoute     = "route"
	kindRide      = "instance-route"
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

// contractRecords are a batch's records on contract topics: not the state
// (changelog) nor messages between actors (internal topic).
func contractRecords(b actortest.Batch) []messages.Record {
	var out []messages.Record
	for _, r := range b.Records {
		if r.Topic != messages.ChangelogTopicTransport && r.Topic != messages.InternalTopicTransport {
			out = append(out, r)
		}
	}
	return out
}

// effects is the batch that carries what a contract input caused on the
// contract topics, wherever along its path through the internal topic
// that was decided (ingress, a route, the directory, a ride): at most one
// batch may; without any, the batch that completed in itself. Every input
// on the path completed exactly once.
func effects(t *testing.T, e *env, in *kafka.Input) actortest.Batch {
	t.Helper()
	e.consumed()
	found := batchOf(t, e, in)
	n := 0
	for _, b := range e.rec.Batches() {
		if b.In != nil && e.root(b.In) == in && len(contractRecords(b)) > 0 {
			found = b
			n++
		}
	}
	require.LessOrEqual(t, n, 1, "the effects of %s@%d commit together", in.Topic, in.Offset)
	return found
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

// trapInput makes the actor that handles the internal message of type typ
// caused by the contract input of topic at offset panic, on its first
// `times` emits for it (-1: always). A ride's refusal (its answer after
// giving up) is let through. Set it before sending the input.
func (e *env) trapInput(topic messages.Topic, offset int64, typ string, times int) {
	e.fx.setTrap(func(in *kafka.Input, recs []messages.Record) bool {
		if times == 0 || internalType(in) != typ {
			return false
		}
		if root := e.root(in); root == nil || root.Topic != topic || root.Offset != offset {
			return false
		}
		for _, r := range recs {
			if env, ok := r.Value.(messages.Envelope); ok && env.Type == "refused" {
				return false
			}
		}
		times--
		return true
	})
}

// rejectionsByRoot maps each rejected input's contract input to its reason.
func rejectionsByRoot(e *env) map[*kafka.Input]messages.Reason {
	out := map[*kafka.Input]messages.Reason{}
	for _, j := range e.rec.Rejections() {
		out[e.root(j.In)] = j.Reason
	}
	return out
}

// Presence and channel events change a route's state (recorded in the
// changelog) but emit nothing on the contract topics.
func TestPresenceAndChannelEventsHaveNoContractEffects(t *testing.T) {
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
		b := effects(t, e, in)
		assert.Empty(t, contractRecords(b), "%s@%d", in.Topic, in.Offset)
		assert.Equal(t, kafkatest.Tenant, b.Tenant)
	}
	assert.Empty(t, e.rec.Rejections())
}

// LOGIN on an instance route's transit map with no live ride warps the
// character to the route's start map; LOGOUT in a scheduled route's staging
// or en-route map moves it to the route's start map; both in the batch that
// completes the event.
func TestDirectoryLoginRecoveryAndLogoutWarp(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.status(messages.TypeLogin, 21, 2, subway.TransitMapID)
	login := e.last()
	e.status(messages.TypeLogout, 22, 1, dock.EnRouteMapIDs[0])
	logout := e.last()
	e.status(messages.TypeLogin, 23, 1, 100000000) // anywhere else: nothing to do
	plain := e.last()
	e.consumed()

	ws := outs(t, messages.CommandTopicCharacter, effects(t, e, login))
	require.Len(t, ws, 1)
	assert.Equal(t, uint32(21), ws[0].Character)
	assert.Equal(t, float64(subway.StartMapID), ws[0].Body["mapId"])
	assert.Equal(t, float64(2), ws[0].Body["channelId"])
	ws = outs(t, messages.CommandTopicCharacter, effects(t, e, logout))
	require.Len(t, ws, 1)
	assert.Equal(t, uint32(22), ws[0].Character)
	assert.Equal(t, float64(dock.StartMapID), ws[0].Body["mapId"])
	assert.Empty(t, batchOf(t, e, plain).Records, "ingress forwards it to nobody")
}

// START is refused by ingress for an unknown route and for a tenant nobody
// configured (which becomes known), and by the directory for a character
// riding another route.
func TestDirectoryRefusesStartsItCannotRoute(t *testing.T) {
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

	assert.Equal(t, map[*kafka.Input]messages.Reason{conflict: messages.ReasonConflict, unknown: messages.ReasonUnknownTarget,
		stranger: messages.ReasonUnknownTarget}, rejectionsByRoot(e))
	assert.Len(t, outs(t, messages.EventTopicInstanceTransport, effects(t, e, e.inputs()[0])), 1, "the first START rides")
	assert.True(t, e.sub.Known(stranger.Tenant), "a tenant seen in a record is known")
}

// At the route's departure its actor warps everyone in the staging map, as
// its own presence has them, on every active channel, to the first en-route
// map with its spawn portal, then the DEPARTED, in one batch that no input
// caused, with its state record.
func TestRouteSweepsOnItsTimer(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.armed(1)
	e.fake.Set(actortest.T0) // the start-up BoardingOpened
	e.enter(31, 1, dock.StagingMapID, uuid.Nil)
	e.enter(32, 2, dock.StagingMapID, uuid.Nil)
	e.enter(33, 2, dock.StartMapID, uuid.Nil) // on the dock, not boarding
	e.consumed()
	e.armed(1)
	// Jump, not Set: Set fires the 12:04 boarding close at its own
	// instant, and an actor that handles it before Set returns would arm
	// the 12:05 departure after Set stopped looking. After a Jump, one
	// tick at 12:05 applies both.
	e.fake.Jump(actortest.T0.Add(5 * time.Minute))
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
	state := last.Records[len(last.Records)-1]
	assert.Equal(t, messages.ChangelogTopicTransport, state.Topic, "the route's state record in the same batch")
	assert.Contains(t, string(state.Key), "|route|"+dock.ID.String())
}

// A route that panics while completing a presence input restarts and
// handles it again. Its presence index survives the restart (only its
// machine is rolled back), so both the character entered before the crash
// and the one whose event crashed it are swept at departure. Every input
// is completed exactly once.
func TestRouteRestartKeepsItsPresence(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.enter(41, 1, dock.StagingMapID, uuid.Nil)
	e.consumed()
	e.trapInput(messages.EventTopicMapStatus, 1, "map_status", 1)
	e.enter(42, 1, dock.StagingMapID, uuid.Nil)
	crashing := e.last()
	e.consumed()
	assert.Equal(t, 1, e.fx.springs())
	assert.Equal(t, float64(1), restarts(e, kindRoute))
	assert.Equal(t, 1, e.rec.Times(crashing))

	// The boarding opened at 12:00, closed at 12:04 and departs at 12:05,
	// all on a timer that never fired yet. Jump, not Set: Set fires each at
	// its own instant, and an actor that handles one before Set returns
	// would arm the next after Set stopped looking. After a Jump, one tick
	// at 12:05 applies all three (the 12:00 ARRIVED, too late, is skipped).
	e.armed(1)
	e.fake.Jump(actortest.T0.Add(5 * time.Minute))
	warps := e.reader(messages.CommandTopicCharacter)
	got := decode(t, warps.WaitCount(10*time.Second, 2))
	assert.Equal(t, []warp{{41, dock.EnRouteMapIDs[0]}, {42, dock.EnRouteMapIDs[0]}}, warpsOf(got))
}

// An input that crashes a directory shard on every attempt is
// dead-lettered with reason panic after three, and the shard goes on with
// the next one.
func TestDirectoryDeadLettersAnInputThatKeepsCrashingIt(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	e.trapInput(messages.EventTopicCharacterStatus, 0, "character_status", -1)
	e.status(messages.TypeLogin, 51, 1, subway.TransitMapID)
	poison := e.last()
	eventually(t, 10*time.Second, "poison input settled", func() bool { return len(e.rec.Rejections()) == 1 })
	e.fx.setTrap(nil)
	e.status(messages.TypeLogin, 51, 1, subway.TransitMapID)
	again := e.last()
	e.consumed()

	assert.Equal(t, 1, e.rec.Times(poison), "ingress forwarded it once")
	rej := e.rec.Rejections()
	require.Len(t, rej, 1)
	assert.Same(t, poison, e.root(rej[0].In))
	assert.Equal(t, messages.ReasonPanic, rej[0].Reason)
	assert.Equal(t, float64(3), restarts(e, kindDirectory), "three attempts, each ending in a restart")
	assert.Len(t, outs(t, messages.CommandTopicCharacter, effects(t, e, again)), 1, "the next login is recovered")
}

// Each route counts who waits in its staging map and who rides its
// en-route maps, from the presence it keeps.
func TestRouteCountsItsRiders(t *testing.T) {
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

// Ingress forwards a contract record to the actors it concerns, keyed by
// their identity, in the batch that completes it, and to nobody when no
// actor cares (most map changes).
func TestIngressForwardsOnlyWhereItMatters(t *testing.T) {
	e := launch(t, setup{tenants: []config.Tenant{hubTenant()}})
	route := string(changelog.Key(kafkatest.Tenant, "route", dock.ID.String()))
	rider := func(c int) string { return string(changelog.Key(kafkatest.Tenant, "rider", strconv.Itoa(c))) }
	cases := []struct {
		name string
		send func()
		want []string
	}{
		{"enter elsewhere", func() { e.enter(1, 1, 100000000, uuid.Nil) }, nil},
		{"enter staging", func() { e.enter(2, 1, dock.StagingMapID, uuid.Nil) }, []string{route}},
		{"exit an instance", func() { e.exit(3, 1, subway.TransitMapID, uuid.New()) }, []string{rider(3)}},
		{"exit the start map", func() { e.exit(4, 1, subway.StartMapID, uuid.Nil) }, nil},
		{"channel", func() { e.channel(messages.TypeChannelStarted, 2) }, []string{route}},
		{"login on a transit map", func() { e.status(messages.TypeLogin, 5, 1, subway.TransitMapID) }, []string{rider(5)}},
		{"login aboard", func() { e.status(messages.TypeLogin, 6, 1, dock.EnRouteMapIDs[0]) }, []string{route}},
		{"logout anywhere (it may ride)", func() { e.status(messages.TypeLogout, 7, 1, 100000000) }, []string{rider(7)}},
		{"logout in the staging map", func() { e.status(messages.TypeLogout, 8, 1, dock.StagingMapID) }, []string{route, rider(8)}},
		{"START", func() { e.startRide(9, subway.ID) }, []string{rider(9)}},
	}
	for _, c := range cases {
		c.send()
		in := e.last()
		e.consumed()
		var keys []string
		for _, r := range batchOf(t, e, in).Records {
			require.Equal(t, messages.InternalTopicTransport, r.Topic, c.name)
			keys = append(keys, string(r.Key))
		}
		assert.Equal(t, c.want, keys, c.name)
	}
}
