package quest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/clients"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

const (
	kerning   = "kerning_city_pq"
	sharenian = "sharenian_trial"
	wait      = 20 * time.Second
	// partitions of the command topic, in both backends: one character's
	// commands share one, as the game server keys them.
	partitions = kafkatest.Partitions
)

var (
	t0 = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	tn = kafkatest.Tenant
)

// samples are the shipped definitions (partyquest/samples).
func samples(t testing.TB) []definition.Definition {
	t.Helper()
	defs, problems := definition.LoadDir("../../partyquest/samples")
	for _, p := range problems {
		require.True(t, p.Warning, p.String())
	}
	require.Len(t, defs, 2)
	return defs
}

// harness is the subsystem of one test with a fake clock, fed commands and
// read back through one of two backends behind the same API:
//
//   - broker-free (the default): the process owns every partition (Assign
//     with all of them); commands go straight to HandleCommand, as the
//     router hands them over; effects land in an actortest.Recorder, which
//     stands for the output topics, the dead-letter topic, the changelog
//     and the committed offsets; an actortest.Relay plays the internal
//     topic back into HandleInternal;
//   - throughBroker(): a real pipeline on an embedded broker, a second
//     client producing commands and readers of every output topic.
//
// boot starts a service process; crash stops one without the graceful
// shutdown, as a killed process would. What the backend recorded (topics,
// changelog, offsets) outlives the processes, as a broker's log does.
type harness struct {
	t     *testing.T
	clk   *clock.Fake
	setup setup
	boots int
	m     *metrics.Metrics // this process's
	all   []*metrics.Metrics
	sub   *Subsystem
	deps  Deps // the running subsystem's
	crash func()
	be    backend
}

// setup is what the options of start choose.
type setup struct {
	broker bool
	// tenantHeaders writes the tenant headers on internal records too
	// (kafka.PipelineConfig.InternalTenantHeaders); through a broker only.
	tenantHeaders bool
	deps          []func(*Deps)
}

type option func(*setup)

// throughBroker runs the test end to end through an embedded broker.
func throughBroker() option { return func(s *setup) { s.broker = true } }

// withInternalTenantHeaders runs the pipeline as INTERNAL_TENANT=headers does.
func withInternalTenantHeaders() option { return func(s *setup) { s.tenantHeaders = true } }

// withDeps changes the subsystem's dependencies.
func withDeps(f func(*Deps)) option { return func(s *setup) { s.deps = append(s.deps, f) } }

func withParties(url string) option {
	return withDeps(func(d *Deps) { d.Parties = clients.NewParties(url, clients.WithTimeout(time.Second)) })
}

func withGuilds(url string) option {
	return withDeps(func(d *Deps) { d.Guilds = clients.NewGuilds(url) })
}

// withHook runs f after every machine call of every instance actor.
func withHook(f func(*partyquest.Machine, any)) option {
	return withDeps(func(d *Deps) { d.afterMachine = f })
}

// withDefaultDefinitions serves the samples to tenants seen only in headers.
func withDefaultDefinitions(t testing.TB) option {
	defs := samples(t)
	return withDeps(func(d *Deps) { d.DefaultDefinitions = defs })
}

// rec is one record of an output topic as a reader sees it: key and value
// bytes; for a dead letter, its reason.
type rec struct {
	key, value []byte
	reason     string
}

// backend is where commands go in and effects come out.
type backend interface {
	// start runs sub, restored from restored, and returns its stop.
	start(h *harness, sub *Subsystem, log *zap.Logger, restored []changelog.Entry) (stop func())
	// produce hands one encoded command to the running process.
	produce(t tenant.Tenant, key, value []byte)
	// seen is every record of an output topic (status, warps, dead letters) so far.
	seen(topic messages.Topic) []rec
	// waitFor waits until cond holds over every record of topic seen so far.
	waitFor(topic messages.Topic, what string, cond func([]rec) bool) []rec
	// settled waits until every produced command is completed (each once),
	// and everything it caused on the internal topic too, and returns every
	// dead letter.
	settled() []rec
	// quiet waits until every command and internal record so far is
	// handled and committed: every actor has seen what it was sent.
	quiet()
	// committed is the committed offset of a command partition;
	// committedTotal sums them.
	committed(p int32) int64
	committedTotal() int64
	// restored reads the changelog back as the service does at start-up.
	restored() []changelog.Entry
}

func start(t *testing.T, opts ...option) *harness {
	t.Helper()
	h := &harness{t: t, clk: clock.NewFake(t0)}
	for _, o := range opts {
		o(&h.setup)
	}
	if h.setup.broker {
		h.be = newBrokerBackend(t)
	} else {
		h.be = newRecorderBackend(h)
	}
	h.boot(nil)
	return h
}

// boot starts a process: actor system, subsystem with the samples for tn
// and the restored state, behind the backend.
func (h *harness) boot(restored []changelog.Entry) {
	t := h.t
	t.Helper()
	h.boots++
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	h.m = metrics.New()
	h.all = append(h.all, h.m)
	deps := Deps{Clock: h.clk, Log: log, Metrics: h.m,
		NewRandom: func() partyquest.Random { return partyquest.NewRandom() }}
	for _, f := range h.setup.deps {
		f(&deps)
	}
	sys := actors.NewSystem(log)
	sub := New(sys, deps, []config.Tenant{{Tenant: tn, QuestDefinitions: samples(t)}})
	stopBackend := h.be.start(h, sub, log, restored)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			stopBackend()
			sub.Stop()
			sys.Shutdown()
		})
	}
	t.Cleanup(stop)
	h.sub, h.deps, h.crash = sub, deps, stop
}

// passivating reports whether the subsystem lets instances rest.
func (h *harness) passivating() bool { return h.deps.PassivateAfter > 0 }

// restored reads the party-quest changelog back, as the service does at
// start-up.
func (h *harness) restored() []changelog.Entry {
	h.t.Helper()
	return h.be.restored()
}

// send produces a command from character c, keyed by c as the game server
// does, so one character's commands are consumed in order.
func (h *harness) send(c uint32, typ string, body any) {
	h.t.Helper()
	h.sendAs(tn, c, typ, body)
}

func (h *harness) sendAs(t tenant.Tenant, c uint32, typ string, body any) {
	h.t.Helper()
	h.produce(messages.IntKey(c), messages.Command[any]{WorldID: 1, CharacterID: c, Type: typ, Body: body}, t)
}

// produce writes one command record: value is JSON-encoded unless it is
// already bytes or a string (hostile input is sent as is).
func (h *harness) produce(key []byte, value any, t tenant.Tenant) {
	h.t.Helper()
	h.be.produce(t, key, kafkatest.Value(h.t, value))
}

func (h *harness) register(c uint32, quest string, party uint32, channel byte) {
	h.t.Helper()
	h.send(c, messages.TypeRegister, messages.RegisterBody{QuestID: quest, PartyID: party, ChannelID: channel})
}

func (h *harness) cmd(c uint32, typ string, id uuid.UUID) {
	h.t.Helper()
	h.send(c, typ, messages.InstanceBody{InstanceID: id})
}

func (h *harness) update(c uint32, id uuid.UUID, items, kills map[uint32]uint32) {
	h.t.Helper()
	h.send(c, messages.TypeUpdateStageState, messages.UpdateStageStateBody{InstanceID: id, ItemCounts: items, MonsterKills: kills})
}

// event is a decoded party-quest status event.
type event struct {
	World    byte
	Instance uuid.UUID
	Quest    string
	Type     string
	Body     string // compact JSON
	key      string
}

func (e event) String() string { return e.Type + " " + e.Body }

func decodeEvents(t testing.TB, rs []rec) []event {
	out := make([]event, 0, len(rs))
	for _, r := range rs {
		var v messages.PartyQuestStatusEvent[json.RawMessage]
		require.NoError(t, json.Unmarshal(r.value, &v))
		out = append(out, event{World: v.WorldID, Instance: v.InstanceID, Quest: v.QuestID, Type: v.Type, Body: string(v.Body), key: string(r.key)})
	}
	return out
}

// events of one instance, in the order its partition holds them.
func (h *harness) events(id uuid.UUID) []event {
	var out []event
	for _, e := range decodeEvents(h.t, h.be.seen(messages.EventTopicPartyQuestStatus)) {
		if e.Instance == id {
			out = append(out, e)
		}
	}
	return out
}

// waitEvent waits for the n-th (1-based) status event matching match.
func (h *harness) waitEvent(n int, match func(event) bool) event {
	h.t.Helper()
	var found event
	h.be.waitFor(messages.EventTopicPartyQuestStatus, fmt.Sprintf("status event #%d", n), func(rs []rec) bool {
		k := 0
		for _, e := range decodeEvents(h.t, rs) {
			if match(e) {
				if k++; k == n {
					found = e
					return true
				}
			}
		}
		return false
	})
	return found
}

// waitType waits for an event of type typ of instance id.
func (h *harness) waitType(id uuid.UUID, typ string) event {
	h.t.Helper()
	return h.waitEvent(1, func(e event) bool { return e.Instance == id && e.Type == typ })
}

// created waits for the n-th INSTANCE_CREATED of quest and returns its instance.
func (h *harness) created(n int, quest string) uuid.UUID {
	h.t.Helper()
	return h.waitEvent(n, func(e event) bool { return e.Type == messages.TypeInstanceCreated && e.Quest == quest }).Instance
}

// warp is a decoded CHANGE_MAP.
type warp struct {
	Character uint32
	Channel   byte
	Map       uint32
	Instance  uuid.UUID
}

func (h *harness) warpsIn(rs []rec, c uint32) []warp {
	var out []warp
	for _, r := range rs {
		var v messages.Command[messages.ChangeMapBody]
		require.NoError(h.t, json.Unmarshal(r.value, &v))
		require.Equal(h.t, messages.TypeChangeMap, v.Type)
		require.Equal(h.t, messages.IntKey(v.CharacterID), r.key, "warps are keyed by character")
		if v.CharacterID == c {
			out = append(out, warp{Character: c, Channel: v.Body.ChannelID, Map: v.Body.MapID, Instance: v.Body.Instance})
		}
	}
	return out
}

func (h *harness) warpsOf(c uint32) []warp {
	return h.warpsIn(h.be.seen(messages.CommandTopicCharacter), c)
}

// waitWarps waits until character c got n warps and returns them.
func (h *harness) waitWarps(c uint32, n int) []warp {
	h.t.Helper()
	rs := h.be.waitFor(messages.CommandTopicCharacter, fmt.Sprintf("%d warps of %d", n, c),
		func(rs []rec) bool { return len(h.warpsIn(rs, c)) >= n })
	return h.warpsIn(rs, c)
}

// dead is a dead-lettered input: its reason and the command it carried.
type dead struct {
	Reason    string
	Character uint32
	Type      string
}

func decodeDead(rs []rec) []dead {
	out := make([]dead, 0, len(rs))
	for _, r := range rs {
		var v messages.Command[json.RawMessage]
		_ = json.Unmarshal(r.value, &v)
		out = append(out, dead{Reason: r.reason, Character: v.CharacterID, Type: v.Type})
	}
	return out
}

// waitDead waits for at least n dead letters and returns all seen.
func (h *harness) waitDead(n int) []dead {
	h.t.Helper()
	return decodeDead(h.be.waitFor(messages.DeadLetterTopic, fmt.Sprintf("%d dead letters", n),
		func(rs []rec) bool { return len(rs) >= n }))
}

// allDead waits until every command sent is completed (each exactly once)
// and returns every dead letter: nothing more can be refused after that.
func (h *harness) allDead() []dead {
	h.t.Helper()
	return decodeDead(h.be.settled())
}

// settle returns once the instance actor handled everything sent to it so
// far (every hop through the internal topic committed), then asks it for
// its state from its mailbox, so its timer is armed for what those
// messages did before the clock moves.
func (h *harness) settle(id uuid.UUID) partyquest.State {
	h.t.Helper()
	h.be.quiet()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	st, err := h.sub.Instance(ctx, tn, id)
	require.NoError(h.t, err)
	return st
}

// committed is the committed offset of the partition character c's
// commands go to.
func (h *harness) committed(c uint32) int64 {
	return h.be.committed(kafka.PartitionFor(messages.IntKey(c), partitions))
}

// eventually waits for cond with the harness's deadline, polling.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // between checks, never instead of one
	}
}

// recorderBackend is the broker-free backend: commands are handed to
// HandleCommand as the router would (a returned error is a rejection),
// the Recorder holds everything the process committed, and an
// actortest.Relay plays the internal topic: every internal record is handed
// to HandleInternal. The process owns every partition (Assign with all of
// them).
type recorderBackend struct {
	h     *harness
	rec   *actortest.Recorder
	relay *actortest.Relay
	tap   *tap

	// A crashed process takes nothing: down is set (under mu) before it
	// stops, once the deliveries in flight (busy) are over; what is handed
	// over while it is down is read again at the next boot.
	busy sync.WaitGroup
	down bool

	mu sync.Mutex
	// log holds, per partition and offset, every delivery of the command
	// (a crash delivers the uncompleted ones again).
	log  [partitions][][]*kafka.Input
	last *kafka.Input
	// again holds the deliveries of a relayed record after the first.
	again map[*kafka.Input][]*kafka.Input
}

func newRecorderBackend(h *harness) *recorderBackend {
	b := &recorderBackend{h: h, rec: &actortest.Recorder{}, again: map[*kafka.Input][]*kafka.Input{}, down: true}
	b.relay = &actortest.Relay{Effects: b.rec, Topic: messages.InternalTopicPartyQuest, Count: partitions}
	b.tap = &tap{relay: b.relay}
	b.relay.Handle = b.tap.around(b.deliverInternal)
	return b
}

// relayedInput is one internal record as the internal topic's consumer got
// it: the input, its value as produced (HandleInternal may replace
// In.Value), its type, and the input whose Emit carried it.
type relayedInput struct {
	In    *kafka.Input
	Value []byte
	Type  string
	From  *kafka.Input
}

// tap keeps every internal record the Relay hands over.
type tap struct {
	relay  *actortest.Relay
	mu     sync.Mutex
	inputs []relayedInput
}

// around is handle, keeping what it is handed once it returned.
func (tp *tap) around(handle kafka.Handler) kafka.Handler {
	return func(in *kafka.Input) error {
		env, _ := messages.DecodeEnvelope(in.Value)
		r := relayedInput{In: in, Value: in.Value, Type: env.Type, From: tp.relay.Cause(in)}
		err := handle(in)
		tp.mu.Lock()
		tp.inputs = append(tp.inputs, r)
		tp.mu.Unlock()
		return err
	}
}

func (tp *tap) all() []relayedInput {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return append([]relayedInput(nil), tp.inputs...)
}

// stateOf is what kafka.ReadChangelog would return for entries.
func stateOf(t testing.TB, entries []changelog.Entry) map[string][]byte {
	state := make(map[string][]byte, len(entries))
	for _, e := range entries {
		state[string(changelog.Key(e.Tenant, e.Kind, e.ID))] = e.Value()
	}
	return state
}

// allPartitions is an assignment of every partition, with state.
func allPartitions(state map[string][]byte) kafka.Assignment {
	a := kafka.Assignment{Count: partitions, State: state}
	for p := range int32(partitions) {
		a.Partitions = append(a.Partitions, p)
	}
	return a
}

func (b *recorderBackend) start(h *harness, sub *Subsystem, _ *zap.Logger, restored []changelog.Entry) func() {
	require.NoError(h.t, sub.Start(b.relay))
	require.NoError(h.t, sub.Assign(allPartitions(stateOf(h.t, restored))))
	b.mu.Lock()
	b.h, h.sub, b.down = h, sub, false
	// Records the previous process never completed are read again, in
	// partition order, by the next one: commands, then internal records.
	var again []*kafka.Input
	for p := range b.log {
		for o, deliveries := range b.log[p] {
			if !b.completedLocked(deliveries) {
				in := *deliveries[0]
				b.log[p][o] = append(deliveries, &in)
				again = append(again, &in)
			}
		}
	}
	var internal []*kafka.Input
	for _, r := range b.tap.all() {
		if !b.relayedLocked(r.In) {
			in := *r.In
			in.Value = r.Value
			b.again[r.In] = append(b.again[r.In], &in)
			internal = append(internal, &in)
		}
	}
	b.mu.Unlock()
	for _, in := range again {
		b.deliver(in)
	}
	for _, in := range internal {
		if err := b.deliverInternal(in); err != nil {
			b.rec.Reject(in, err)
		}
	}
	return func() {
		b.mu.Lock()
		b.down = true
		b.mu.Unlock()
		b.busy.Wait()
	}
}

// enter starts a delivery to the running process, unless it is down.
func (b *recorderBackend) enter() (*Subsystem, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down {
		return nil, false
	}
	b.busy.Add(1)
	return b.h.sub, true
}

func (b *recorderBackend) produce(t tenant.Tenant, key, value []byte) {
	p := kafka.PartitionFor(key, partitions)
	b.mu.Lock()
	in := actortest.Input(messages.CommandTopicPartyQuest, t, int64(len(b.log[p])), value)
	in.Key, in.Partition = key, p
	b.log[p] = append(b.log[p], []*kafka.Input{in})
	b.last = in
	b.mu.Unlock()
	b.deliver(in)
}

// deliver is the router's part: count, hand over, reject on error.
func (b *recorderBackend) deliver(in *kafka.Input) {
	sub, ok := b.enter()
	if !ok {
		return // read again at the next boot
	}
	defer b.busy.Done()
	b.h.m.Consumed.WithLabelValues(string(messages.CommandTopicPartyQuest)).Inc()
	if err := sub.HandleCommand(in); err != nil {
		b.rec.Reject(in, err)
	}
}

// deliverInternal is the internal topic's consumer.
func (b *recorderBackend) deliverInternal(in *kafka.Input) error {
	sub, ok := b.enter()
	if !ok {
		return nil // read again at the next boot
	}
	defer b.busy.Done()
	b.h.m.Consumed.WithLabelValues(string(messages.InternalTopicPartyQuest)).Inc()
	return sub.HandleInternal(in)
}

func (b *recorderBackend) completedLocked(deliveries []*kafka.Input) bool {
	for _, in := range deliveries {
		if b.rec.Completed(in) {
			return true
		}
	}
	return false
}

// relayedLocked reports whether a relayed record was completed, at any
// delivery.
func (b *recorderBackend) relayedLocked(in *kafka.Input) bool {
	return b.rec.Completed(in) || b.completedLocked(b.again[in])
}

// encode is what kafka.Emitter.Encode makes of a record's value.
func encode(t testing.TB, v any) []byte {
	raw, err := kafka.EncodeValue(v)
	require.NoError(t, err)
	return raw
}

func (b *recorderBackend) seen(topic messages.Topic) []rec {
	var out []rec
	if topic == messages.DeadLetterTopic {
		for _, j := range b.rec.Rejections() {
			out = append(out, rec{key: j.In.Key, value: j.In.Value, reason: string(j.Reason)})
		}
		return out
	}
	for _, r := range b.rec.Records() {
		if r.Topic == topic {
			out = append(out, rec{key: r.Key, value: encode(b.h.t, r.Value)})
		}
	}
	return out
}

func (b *recorderBackend) waitFor(topic messages.Topic, what string, cond func([]rec) bool) []rec {
	b.h.t.Helper()
	var rs []rec
	b.h.eventually(what, func() bool {
		rs = b.seen(topic)
		return cond(rs)
	})
	return rs
}

// quietLocked reports whether every command and every internal record so
// far is completed and no Emit is relaying more: seen in that order with no
// new record meanwhile, everything relayed so far was handled.
func (b *recorderBackend) quietLocked() bool {
	for p := range b.log {
		for _, deliveries := range b.log[p] {
			if !b.completedLocked(deliveries) {
				return false
			}
		}
	}
	relayed := b.tap.all()
	for _, r := range relayed {
		if !b.relayedLocked(r.In) {
			return false
		}
	}
	return b.relay.Idle() && len(b.tap.all()) == len(relayed)
}

func (b *recorderBackend) quiet() {
	b.h.t.Helper()
	b.h.eventually("every command and internal record handled", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.quietLocked()
	})
}

func (b *recorderBackend) settled() []rec {
	t := b.h.t
	t.Helper()
	b.quiet()
	b.mu.Lock()
	for p := range b.log {
		for o, deliveries := range b.log[p] {
			n := 0
			for _, in := range deliveries {
				n += b.rec.Times(in)
			}
			if n != 1 {
				t.Errorf("command %d/%d completed %d times, want exactly once", p, o, n)
			}
		}
	}
	for _, r := range b.tap.all() {
		n := b.rec.Times(r.In)
		for _, in := range b.again[r.In] {
			n += b.rec.Times(in)
		}
		if n != 1 {
			t.Errorf("internal %s %d/%d completed %d times, want exactly once", r.Type, r.In.Partition, r.In.Offset, n)
		}
	}
	b.mu.Unlock()
	return b.seen(messages.DeadLetterTopic)
}

// committed counts the offsets completed from the partition's start: the
// first uncompleted one is where the next owner would resume.
func (b *recorderBackend) committed(p int32) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	var n int64
	for _, deliveries := range b.log[p] {
		if !b.completedLocked(deliveries) {
			break
		}
		n++
	}
	return n
}

func (b *recorderBackend) committedTotal() int64 {
	var n int64
	for p := range int32(partitions) {
		n += b.committed(p)
	}
	return n
}

// restored folds the changelog records committed so far as
// kafka.ReadChangelog does (the latest value of every key, a tombstone
// deletes it) and decodes them as the service does.
func (b *recorderBackend) restored() []changelog.Entry {
	state := map[string][]byte{}
	for _, r := range b.rec.Records() {
		if r.Topic != messages.ChangelogTopicPartyQuest {
			continue
		}
		if v := encode(b.h.t, r.Value); v == nil {
			delete(state, string(r.Key))
		} else {
			state[string(r.Key)] = v
		}
	}
	entries, errs := changelog.Decode(state)
	require.Empty(b.h.t, errs)
	return entries
}

// sum adds up every series of a counter vector.
func sum(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var s float64
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err == nil {
			s += d.GetCounter().GetValue()
		}
	}
	return s
}

// member is one party member as the stand-in parties service lists it.
type member struct {
	id      uint32
	channel byte
	level   uint32
}

// partiesService stands in for the parties service: parties/{id}/members
// lists the members of the given parties, 404 for others.
func partiesService(t *testing.T, parties map[uint32][]member) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/api/parties/")
		id, err := strconv.ParseUint(strings.TrimSuffix(rest, "/members"), 10, 32)
		ms, known := parties[uint32(id)]
		if !ok || err != nil || !known || r.Header.Get("MAJOR_VERSION") != "83" {
			http.NotFound(w, r)
			return
		}
		var data []string
		for _, m := range ms {
			data = append(data, fmt.Sprintf(`{"type":"members","id":"%d","attributes":{"name":"c%d","level":%d,"worldId":1,"channelId":%d,"online":true}}`,
				m.id, m.id, m.level, m.channel))
		}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		_, _ = fmt.Fprintf(w, `{"data":[%s]}`, strings.Join(data, ","))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/"
}

// body renders a wire body as compact JSON, to compare with event.Body.
func body(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// clientsFor is a parties client with a timeout long enough to outlast the
// test's own waits.
func clientsFor(url string) *clients.Parties {
	return clients.NewParties(url, clients.WithTimeout(time.Minute))
}

// recorder is what the broker-free process committed (it fails a test
// that runs through the broker).
func (h *harness) recorder() *actortest.Recorder {
	h.t.Helper()
	b, ok := h.be.(*recorderBackend)
	if !ok {
		h.t.Fatal("a broker-free assertion in a test through the broker")
	}
	return b.rec
}

// lastInput is the last command handed to the process (broker-free).
func (h *harness) lastInput() *kafka.Input {
	h.t.Helper()
	b, ok := h.be.(*recorderBackend)
	if !ok {
		h.t.Fatal("a broker-free assertion in a test through the broker")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last
}

// completedOnce waits until in is completed and checks it is so once only.
func (h *harness) completedOnce(in *kafka.Input) {
	h.t.Helper()
	rec := h.recorder()
	h.eventually("the input completed", func() bool { return rec.Completed(in) })
	require.Equal(h.t, 1, rec.Times(in), "an input is completed exactly once")
}

// batchOf waits for the Emit that completed in, following it through the
// internal topic to the actor that decided it (broker-free): a forwarded
// command, a registrar's create or join, each to the next hop's Emit.
func (h *harness) batchOf(in *kafka.Input) actortest.Batch {
	h.t.Helper()
	b := h.recorder1()
	var found actortest.Batch
	h.eventually("the input's batch", func() bool {
		var ok bool
		found, ok = b.finalBatch(in)
		return ok
	})
	return found
}

// finalBatch is the Emit of the last hop of in, if it is done.
func (b *recorderBackend) finalBatch(in *kafka.Input) (actortest.Batch, bool) {
	for {
		var batch *actortest.Batch
		for _, x := range b.rec.Batches() {
			if x.In == in {
				batch = &x
				break
			}
		}
		if batch == nil {
			return actortest.Batch{}, false
		}
		onward := func(typ string) bool { return typ == msgCommand || typ == msgCreate || typ == msgJoin }
		hops := 0
		for _, r := range batch.Records {
			if env, ok := r.Value.(messages.Envelope); ok && onward(env.Type) {
				hops++
			}
		}
		if hops == 0 {
			return *batch, true
		}
		var next *kafka.Input
		for _, r := range b.tap.all() {
			if r.From == in && onward(r.Type) {
				next = r.In
			}
		}
		if next == nil {
			return actortest.Batch{}, false // not relayed yet
		}
		in = next
	}
}

// relayed lists the internal records of type typ handed over so far
// (broker-free).
func (h *harness) relayed(typ string) []relayedInput {
	var out []relayedInput
	for _, r := range h.recorder1().tap.all() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// recorder1 is the broker-free backend (it fails a test through the broker).
func (h *harness) recorder1() *recorderBackend {
	h.t.Helper()
	b, ok := h.be.(*recorderBackend)
	if !ok {
		h.t.Fatal("a broker-free assertion in a test through the broker")
	}
	return b
}

// timerBatches are the Emits no input caused (timers, shutdown) that
// carry a record keyed by key.
func (h *harness) timerBatches(key []byte) []actortest.Batch {
	var out []actortest.Batch
	for _, b := range h.recorder().Batches() {
		if b.In != nil {
			continue
		}
		for _, r := range b.Records {
			if string(r.Key) == string(key) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}
