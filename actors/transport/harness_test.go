package transport_test

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"strconv"
	"sync"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/tenant"
)

// backend is what carries a test's inputs and effects. Test bodies see one
// API (send, reader, consumed, committed, produce) whichever runs them.
type backend string

const (
	// recorder is broker-free: every input goes straight to the
	// subsystem's named handler (a returned error is recorded as a
	// rejection, as the router would dead-letter it) and every effect lands
	// in an actortest.Recorder, "committed" at once.
	recorder backend = "recorder"
	// broker runs the real pipeline on the embedded broker, end to end.
	broker backend = "broker"
)

// maxRecordBytes is the record size limit of both backends.
const maxRecordBytes = 64 << 10

// env is the transport subsystem under test, with the test playing the
// channel servers.
type env struct {
	t       *testing.T
	backend backend
	sub     *transport.Subsystem
	m       *metrics.Metrics
	// mapEvents counts map-status records sent, so a test can wait until
	// they are all consumed.
	mapEvents int64

	// broker backend
	b      *kafkatest.Broker
	st     *kafka.Stages
	client *kgo.Client

	// recorder backend
	rec   *actortest.Recorder
	fx    *tap
	relay *actortest.Relay // the internal topic, fed back to the subsystem
	fake  *clock.Fake      // the subsystem's clock when it is a fake one
	mu    sync.Mutex
	ins   []*kafka.Input // contract inputs sent
	// relayed are the internal-topic inputs the relay delivered.
	relayed []*kafka.Input
	offs    map[messages.Topic]int64
}

// partitions is the internal topic's partition count in the recorder
// backend; the subsystem is assigned all of them.
const partitions = kafkatest.Partitions

func allPartitions() []int32 {
	out := make([]int32, partitions)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// setup is how a test wants its subsystem.
type setup struct {
	backend backend
	clk     clock.Clock // actortest.T0 on a fake clock when nil
	tenants []config.Tenant
	// state is the changelog restored for the assigned partitions (the
	// latest value of each key), as kafka.Assignment.State.
	state map[string][]byte
	// logHook sees every log entry of the subsystem; a test panics from it
	// to crash an actor at a chosen line.
	logHook func(zapcore.Entry)
	newID   func() uuid.UUID
	lead    time.Duration // Deps.TimerLead
}

// start runs the subsystem broker-free.
func start(t *testing.T, clk clock.Clock, tenants ...config.Tenant) *env {
	t.Helper()
	return launch(t, setup{backend: recorder, clk: clk, tenants: tenants})
}

// startOn runs the subsystem on the given backend.
func startOn(t *testing.T, bk backend, clk clock.Clock, tenants ...config.Tenant) *env {
	t.Helper()
	return launch(t, setup{backend: bk, clk: clk, tenants: tenants})
}

func launch(t *testing.T, s setup) *env {
	t.Helper()
	if s.backend == broker {
		return startBroker(t, s)
	}
	return startRecorder(t, s)
}

func startRecorder(t *testing.T, s setup) *env {
	t.Helper()
	ae := actortest.NewEnv(t)
	if s.clk == nil {
		s.clk = ae.FakeClock
	}
	log := ae.Log
	if s.logHook != nil {
		hook := s.logHook
		log = log.WithOptions(zap.Hooks(func(en zapcore.Entry) error { hook(en); return nil }))
	}
	e := &env{t: t, backend: recorder, m: ae.Metrics, rec: ae.Recorder, fx: &tap{rec: ae.Recorder},
		offs: map[messages.Topic]int64{}}
	e.fake, _ = s.clk.(*clock.Fake)
	e.sub = transport.New(ae.Sys, transport.Deps{Clock: s.clk, Log: log, Metrics: ae.Metrics, NewID: s.newID, TimerLead: s.lead}, s.tenants)
	e.relay = &actortest.Relay{Effects: e.fx, Topic: messages.InternalTopicTransport, Count: partitions,
		Handle: func(in *kafka.Input) error {
			e.mu.Lock()
			e.relayed = append(e.relayed, in)
			e.mu.Unlock()
			return e.sub.HandleInternal(in)
		}}
	require.NoError(t, e.sub.Start(e.relay))
	require.NoError(t, e.sub.Assign(kafka.Assignment{Partitions: allPartitions(), Count: partitions, State: s.state}))
	t.Cleanup(e.sub.Stop) // before NewEnv's actor-system shutdown
	return e
}

// relayedInputs returns every internal input delivered so far.
func (e *env) relayedInputs() []*kafka.Input {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*kafka.Input(nil), e.relayed...)
}

// root is the contract input an internal input descends from (itself for a
// contract input; nil for one a timer or a caller started).
func (e *env) root(in *kafka.Input) *kafka.Input {
	for in != nil && in.Topic == messages.InternalTopicTransport {
		in = e.relay.Cause(in)
	}
	return in
}

// internalType is an internal input's envelope type ("" for another input).
func internalType(in *kafka.Input) string {
	if in == nil || in.Topic != messages.InternalTopicTransport {
		return ""
	}
	env, err := messages.DecodeEnvelope(in.Value)
	if err != nil {
		return ""
	}
	return env.Type
}

// changelogState is the changelog as the Recorder has it: the latest value
// of each key, tombstoned keys left out (what a partition restore reads).
func (e *env) changelogState(t *testing.T) map[string][]byte {
	t.Helper()
	raw := map[string][]byte{}
	for _, b := range e.rec.Batches() {
		for _, r := range b.Records {
			if r.Topic != messages.ChangelogTopicTransport {
				continue
			}
			if r.Value == nil {
				delete(raw, string(r.Key))
				continue
			}
			raw[string(r.Key)] = encodeValue(t, r.Value)
		}
	}
	return raw
}

// send delivers one JSON record of the test tenant.
func (e *env) send(topic messages.Topic, key []byte, v any) {
	e.t.Helper()
	if e.backend == broker {
		e.b.Produce(e.t, e.client, topic, key, v, kafkatest.Tenant)
		return
	}
	raw, err := json.Marshal(v)
	require.NoError(e.t, err)
	in := e.input(topic, key, raw, kafka.TenantHeaders(kafkatest.Tenant))
	in.Tenant = kafkatest.Tenant
	e.handle(in)
}

// produce writes a raw record, as a channel server's client does, and calls
// done once it is written (broker) or handed to its handler (recorder).
func (e *env) produce(r *kgo.Record, done func(error)) {
	if e.backend == broker {
		e.client.Produce(context.Background(), r, func(_ *kgo.Record, err error) { done(err) })
		return
	}
	hs := make([]ck.Header, len(r.Headers))
	for i, h := range r.Headers {
		hs[i] = ck.Header{Key: h.Key, Value: h.Value}
	}
	in := e.input(messages.Topic(r.Topic), r.Key, r.Value, hs)
	// The checks the router makes before any handler sees a record.
	if len(in.Value) > maxRecordBytes {
		e.fx.Reject(in, messages.Reject(messages.ReasonOversized, "%d bytes, limit %d", len(in.Value), maxRecordBytes))
		done(nil)
		return
	}
	tn, err := kafka.TenantFromHeaders(hs)
	if err != nil {
		e.fx.Reject(in, err)
		done(nil)
		return
	}
	in.Tenant = tn
	e.handle(in)
	done(nil)
}

// input is the next record of a topic as the router hands it over.
func (e *env) input(topic messages.Topic, key, value []byte, hs []ck.Header) *kafka.Input {
	e.mu.Lock()
	defer e.mu.Unlock()
	in := actortest.Input(topic, tenant.Tenant{}, e.offs[topic], value)
	e.offs[topic]++
	in.Key, in.Headers = key, hs
	e.ins = append(e.ins, in)
	if topic == messages.EventTopicMapStatus {
		e.mapEvents++
	}
	return in
}

// handle calls the subsystem's named handler of the input's topic; an error
// it returns is a rejection, as the router makes it.
func (e *env) handle(in *kafka.Input) {
	var h kafka.Handler
	switch in.Topic {
	case messages.EventTopicMapStatus:
		h = e.sub.HandleMapStatus
	case messages.EventTopicCharacterStatus:
		h = e.sub.HandleCharacterStatus
	case messages.EventTopicChannelStatus:
		h = e.sub.HandleChannelStatus
	case messages.CommandTopicInstanceTransport:
		h = e.sub.HandleStartCommand
	default:
		e.fx.Reject(in, messages.Reject(messages.ReasonUnknownTopic, "no handler for topic %s", in.Topic))
		return
	}
	if err := h(in); err != nil {
		e.fx.Reject(in, err)
	}
}

// inputs returns every input sent so far (recorder backend).
func (e *env) inputs() []*kafka.Input {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*kafka.Input(nil), e.ins...)
}

// last is the last input sent (recorder backend).
func (e *env) last() *kafka.Input {
	ins := e.inputs()
	return ins[len(ins)-1]
}

func (e *env) enter(character uint32, channel byte, mapID uint32, instance uuid.UUID) {
	e.send(messages.EventTopicMapStatus, messages.IntKey(character), messages.MapStatusEvent[messages.CharacterBody]{
		WorldID: 0, ChannelID: channel, MapID: mapID, Instance: instance, Type: messages.TypeCharacterEnter,
		Body: messages.CharacterBody{CharacterID: character}})
	if e.backend == broker {
		e.mapEvents++
	}
}

func (e *env) exit(character uint32, channel byte, mapID uint32, instance uuid.UUID) {
	e.send(messages.EventTopicMapStatus, messages.IntKey(character), messages.MapStatusEvent[messages.CharacterBody]{
		WorldID: 0, ChannelID: channel, MapID: mapID, Instance: instance, Type: messages.TypeCharacterExit,
		Body: messages.CharacterBody{CharacterID: character}})
	if e.backend == broker {
		e.mapEvents++
	}
}

func (e *env) startRide(character uint32, route uuid.UUID) {
	e.send(messages.CommandTopicInstanceTransport, messages.IntKey(character), messages.CharacterEvent[messages.StartTransportBody]{
		WorldID: 0, CharacterID: character, Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: route, ChannelID: 1}})
}

func (e *env) status(typ string, character uint32, channel byte, mapID uint32) {
	e.send(messages.EventTopicCharacterStatus, messages.IntKey(character), messages.CharacterEvent[messages.LocationBody]{
		WorldID: 0, CharacterID: character, Type: typ, Body: messages.LocationBody{ChannelID: channel, MapID: mapID}})
}

func (e *env) channel(typ string, channel byte) {
	e.send(messages.EventTopicChannelStatus, nil, messages.ChannelStatusEvent{Type: typ, WorldID: 0, ChannelID: channel})
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

// consumed waits until the actors have applied every map-status record sent
// so far: committed through the broker, with what ingress forwarded on the
// internal topic, or (recorder) every input sent so far and every input
// relayed completed, each exactly once.
func (e *env) consumed() {
	e.t.Helper()
	if e.backend == broker {
		kafkatest.Eventually(e.t, 20*time.Second, "map status consumed", func() bool {
			return e.committed(messages.EventTopicMapStatus) == e.mapEvents
		})
		// What ingress forwarded is handled by the routes in their own
		// transactions: every internal record committed has been read,
		// and nothing read is uncommitted.
		internal := e.b.Names.Name(messages.InternalTopicTransport)
		actorsGroup := e.sub.Topology().ActorsGroup()
		kafkatest.Eventually(e.t, 20*time.Second, "internal records handled", func() bool {
			return testutil.ToFloat64(e.m.InFlight.WithLabelValues(transport.Group)) == 0 &&
				testutil.ToFloat64(e.m.InFlight.WithLabelValues(actorsGroup)) == 0 &&
				testutil.ToFloat64(e.m.Consumed.WithLabelValues(internal)) == testutil.ToFloat64(e.m.Produced.WithLabelValues(internal))
		})
		return
	}
	eventually(e.t, 20*time.Second, "every input completed", func() bool {
		ins, relayed := e.inputs(), e.relayedInputs()
		times := map[*kafka.Input]int{}
		for _, b := range e.rec.Batches() {
			if b.In != nil {
				times[b.In]++
			}
		}
		for _, j := range e.rec.Rejections() {
			times[j.In]++
		}
		for _, in := range append(ins, relayed...) {
			switch n := times[in]; {
			case n > 1:
				e.t.Fatalf("input %s@%d completed %d times", in.Topic, in.Offset, n)
			case n == 0:
				return false
			}
		}
		// Everything seen is completed; nothing is being relayed and
		// nothing new came meanwhile: all the inputs have been handled.
		return e.relay.Idle() && len(e.inputs()) == len(ins) && len(e.relayedInputs()) == len(relayed)
	})
}

// eventually waits for cond with a deadline. It checks again after a
// millisecond (broker-free actors answer within microseconds), then less
// and less often (up to every 100 ms), so a long wait does not slow the
// actors it waits for by copying what they recorded.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for pause := time.Millisecond; !cond(); pause = min(2*pause, 100*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(pause)
	}
}

// committed is how many records of topic are committed: the group's offsets
// through the broker, or (recorder) the inputs of topic completed.
func (e *env) committed(topic messages.Topic) int64 {
	e.t.Helper()
	if e.backend == broker && !e.b.ExactlyOnce() {
		// The mock drops the offsets a transaction sends: count the
		// records read once nothing is in flight (each read's transaction
		// committed), at least once.
		if testutil.ToFloat64(e.m.InFlight.WithLabelValues(transport.Group)) > 0 {
			return -1
		}
		return int64(testutil.ToFloat64(e.m.Consumed.WithLabelValues(e.b.Names.Name(topic))))
	}
	if e.backend == broker {
		return e.b.CommittedTotal(e.t, transport.Group, topic)
	}
	var n int64
	for _, in := range e.inputs() {
		if in.Topic == topic && e.rec.Completed(in) {
			n++
		}
	}
	return n
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

// reader reads output topics from their beginning: through the broker
// (read_committed), or from the Recorder, each record encoded as
// kafka.Emitter encodes it and each rejection as its dead letter.
type reader struct {
	e      *env
	kr     *kafkatest.Reader
	topics map[messages.Topic]bool
	// recorder backend: batches and rejections already looked at
	nb, nr int
	seen   []*kgo.Record
}

func (e *env) reader(topics ...messages.Topic) *reader {
	e.t.Helper()
	if e.backend == broker {
		return &reader{e: e, kr: e.b.NewReader(e.t, false, topics...)}
	}
	r := &reader{e: e, topics: map[messages.Topic]bool{}}
	for _, tp := range topics {
		r.topics[tp] = true
	}
	return r
}

func (r *reader) poll() {
	t := r.e.t
	t.Helper()
	batches, stamps := r.e.fx.batches()
	for i := r.nb; i < len(batches); i++ {
		b := batches[i]
		hs := kgoHeaders(kafka.Headers(b.Tenant, b.Trace))
		for _, rec := range b.Records {
			if !r.topics[rec.Topic] {
				continue
			}
			r.seen = append(r.seen, &kgo.Record{Topic: string(rec.Topic), Key: rec.Key, Value: encodeValue(t, rec.Value),
				Headers: hs, Timestamp: stamps[i]})
		}
	}
	r.nb = len(batches)
	if !r.topics[messages.DeadLetterTopic] {
		return
	}
	rejected := r.e.rec.Rejections()
	for _, j := range rejected[r.nr:] {
		var rej *messages.Rejection
		detail := ""
		if errors.As(j.Err, &rej) {
			detail = rej.Detail
		}
		hs := append(kgoHeaders(j.In.Headers),
			kgo.RecordHeader{Key: kafka.HeaderDLQReason, Value: []byte(j.Reason)},
			kgo.RecordHeader{Key: kafka.HeaderDLQDetail, Value: []byte(detail)},
			kgo.RecordHeader{Key: kafka.HeaderDLQTopic, Value: []byte(j.In.Topic)},
			kgo.RecordHeader{Key: kafka.HeaderDLQPartition, Value: []byte(strconv.Itoa(int(j.In.Partition)))},
			kgo.RecordHeader{Key: kafka.HeaderDLQOffset, Value: []byte(strconv.FormatInt(j.In.Offset, 10))})
		r.seen = append(r.seen, &kgo.Record{Topic: string(messages.DeadLetterTopic), Key: j.In.Key, Value: j.In.Value, Headers: hs})
	}
	r.nr = len(rejected)
}

// toKgo is one recorded record as the broker would hold it.
func toKgo(t *testing.T, r messages.Record) []*kgo.Record {
	t.Helper()
	return []*kgo.Record{{Topic: string(r.Topic), Key: r.Key, Value: encodeValue(t, r.Value),
		Headers: kgoHeaders(kafka.TenantHeaders(kafkatest.Tenant))}}
}

// encodeValue encodes a record value exactly as kafka.Emitter.Encode does.
func encodeValue(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := kafka.EncodeValue(v)
	require.NoError(t, err)
	return raw
}

func kgoHeaders(hs []ck.Header) []kgo.RecordHeader {
	out := make([]kgo.RecordHeader, len(hs))
	for i, h := range hs {
		out[i] = kgo.RecordHeader{Key: h.Key, Value: h.Value}
	}
	return out
}

// WaitFor polls until cond holds over everything seen so far, or fails the
// test at the deadline. It returns everything seen.
func (r *reader) WaitFor(timeout time.Duration, cond func([]*kgo.Record) bool) []*kgo.Record {
	r.e.t.Helper()
	if r.kr != nil {
		return r.kr.WaitFor(timeout, cond)
	}
	eventually(r.e.t, timeout, "records", func() bool {
		r.poll()
		return cond(r.seen)
	})
	return r.seen
}

// WaitCount waits until at least n records were seen.
func (r *reader) WaitCount(timeout time.Duration, n int) []*kgo.Record {
	r.e.t.Helper()
	return r.WaitFor(timeout, func(rs []*kgo.Record) bool { return len(rs) >= n })
}

// Drain reads for d and returns everything seen (for "nothing more arrives"
// checks after a positive wait already synchronised the test).
func (r *reader) Drain(d time.Duration) []*kgo.Record {
	r.e.t.Helper()
	if r.kr != nil {
		return r.kr.Drain(d)
	}
	until := time.Now().Add(d)
	for r.poll(); time.Now().Before(until); r.poll() {
		time.Sleep(5 * time.Millisecond)
	}
	return r.seen
}

// tap is the recorder backend's effects: the Recorder, plus the wall-clock
// stamp of each batch (a broker record's timestamp) and an optional trap
// that crashes the emitting actor.
type tap struct {
	rec *actortest.Recorder

	mu     sync.Mutex
	stamps []time.Time
	trap   func(in *kafka.Input, recs []messages.Record) bool
	sprung int
}

// Emit implements actors.Effects: it panics, in the emitting actor, when
// the trap says so, and otherwise records.
func (x *tap) Emit(t tenant.Tenant, tr kafka.Trace, recs []messages.Record, in *kafka.Input, done func()) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.trap != nil && x.trap(in, recs) {
		x.sprung++
		panic("test: effects trapped")
	}
	// The stamp goes first: done may unblock a reader at once.
	x.stamps = append(x.stamps, time.Now())
	err := x.rec.Emit(t, tr, recs, in, done)
	if err != nil { // nothing recorded
		x.stamps = x.stamps[:len(x.stamps)-1]
	}
	return err
}

// Reject implements actors.Effects.
func (x *tap) Reject(in *kafka.Input, err error) { x.rec.Reject(in, err) }

// setTrap makes every later Emit for which trap is true panic (nil: none).
func (x *tap) setTrap(trap func(in *kafka.Input, recs []messages.Record) bool) {
	x.mu.Lock()
	x.trap, x.sprung = trap, 0
	x.mu.Unlock()
}

// springs is how often the trap made an actor panic.
func (x *tap) springs() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.sprung
}

// batches returns the Recorder's batches with their stamps.
func (x *tap) batches() ([]actortest.Batch, []time.Time) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.rec.Batches(), append([]time.Time(nil), x.stamps...)
}
