package transport_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// env is the transport subsystem running against the embedded broker, with
// a second client playing the channel servers.
type env struct {
	t      *testing.T
	b      *kafkatest.Broker
	sub    *transport.Subsystem
	pl     *kafka.Pipeline
	client *kgo.Client
	m      *metrics.Metrics
	// mapEvents counts map-status records sent, so a test can wait until the
	// hub has consumed them all.
	mapEvents int64
}

func start(t *testing.T, clk clock.Clock, tenants ...config.Tenant) *env {
	t.Helper()
	b := kafkatest.StartBroker(t)
	log := zaptest.NewLogger(t)
	m := metrics.New()
	ctx, cancel := context.WithCancel(context.Background())
	pl, err := kafka.NewPipeline(ctx, kafka.PipelineConfig{Bootstrap: b.Bootstrap(), Group: transport.Group,
		TransactionalID: "transport-test-" + uuid.NewString(), LatestTopics: []messages.Topic{messages.EventTopicMapStatus},
		MaxRecordBytes: 64 << 10, Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second}}, b.Names, log, m)
	require.NoError(t, err)
	sys := actors.NewSystem(log)
	sub := transport.New(sys, transport.Deps{Clock: clk, Log: log, Metrics: m}, tenants)
	sub.Topology().Route(pl.Router())
	require.NoError(t, sub.Start(pl.Emitter(), nil))
	require.NoError(t, pl.Start(ctx))
	// Map status starts at the latest offset: nothing may be sent before
	// the partitions are assigned.
	kafkatest.Eventually(t, 20*time.Second, "partitions assigned", func() bool { return pl.Assigned() == 4*kafkatest.Partitions })
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		pl.StopConsuming()
		_ = pl.Close(cctx)
		sub.Stop()
		sys.Shutdown()
		cancel()
	})
	return &env{t: t, b: b, sub: sub, pl: pl, client: b.Client(t), m: m}
}

func (e *env) send(topic messages.Topic, key []byte, v any) {
	e.t.Helper()
	e.b.Produce(e.t, e.client, topic, key, v, kafkatest.Tenant)
}

func (e *env) enter(character uint32, channel byte, mapID uint32, instance uuid.UUID) {
	e.mapEvents++
	e.send(messages.EventTopicMapStatus, messages.IntKey(character), messages.MapStatusEvent[messages.CharacterBody]{
		WorldID: 0, ChannelID: channel, MapID: mapID, Instance: instance, Type: messages.TypeCharacterEnter,
		Body: messages.CharacterBody{CharacterID: character}})
}

func (e *env) exit(character uint32, channel byte, mapID uint32, instance uuid.UUID) {
	e.mapEvents++
	e.send(messages.EventTopicMapStatus, messages.IntKey(character), messages.MapStatusEvent[messages.CharacterBody]{
		WorldID: 0, ChannelID: channel, MapID: mapID, Instance: instance, Type: messages.TypeCharacterExit,
		Body: messages.CharacterBody{CharacterID: character}})
}

func (e *env) startRide(character uint32, route uuid.UUID) {
	e.send(messages.CommandTopicInstanceTransport, messages.IntKey(character), messages.CharacterEvent[messages.StartTransportBody]{
		WorldID: 0, CharacterID: character, Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: route, ChannelID: 1}})
}

func (e *env) status(typ string, character uint32, channel byte, mapID uint32) {
	e.send(messages.EventTopicCharacterStatus, messages.IntKey(character), messages.CharacterEvent[messages.LocationBody]{
		WorldID: 0, CharacterID: character, Type: typ, Body: messages.LocationBody{ChannelID: channel, MapID: mapID}})
}

// out is a decoded output record.
type out struct {
	Topic     string
	Key       []byte
	Type      string
	Character uint32
	RouteID   uuid.UUID
	Body      map[string]any
	Headers   []kgo.RecordHeader
}

func decode(t *testing.T, rs []*kgo.Record) []out {
	t.Helper()
	res := make([]out, len(rs))
	for i, r := range rs {
		var env struct {
			Type        string         `json:"type"`
			CharacterID uint32         `json:"characterId"`
			RouteID     uuid.UUID      `json:"routeId"`
			Body        map[string]any `json:"body"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &env))
		res[i] = out{Topic: r.Topic, Key: r.Key, Type: env.Type, Character: env.CharacterID, RouteID: env.RouteID, Body: env.Body, Headers: r.Headers}
	}
	return res
}

func count(outs []out, pred func(out) bool) int {
	n := 0
	for _, o := range outs {
		if pred(o) {
			n++
		}
	}
	return n
}

// consumed waits until every map-status record sent so far is committed,
// i.e. the hub has applied it.
func (e *env) consumed() {
	e.t.Helper()
	kafkatest.Eventually(e.t, 20*time.Second, "map status consumed", func() bool {
		return e.b.CommittedTotal(e.t, transport.Group, messages.EventTopicMapStatus) == e.mapEvents
	})
}

// follow plays the channel server for warps: each warped character leaves
// the map it was in and enters the target.
func (e *env) follow(ws []out, where map[uint32]uint32) {
	for _, w := range ws {
		to := uint32(w.Body["mapId"].(float64))
		ch := byte(w.Body["channelId"].(float64))
		if from, ok := where[w.Character]; ok {
			e.exit(w.Character, ch, from, uuid.Nil)
		}
		e.enter(w.Character, ch, to, uuid.Nil)
		where[w.Character] = to
	}
	e.consumed()
}
