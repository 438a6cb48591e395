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
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
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

// harness is the subsystem behind a real pipeline on an embedded broker,
// with a fake clock, a second client producing commands and readers of
// every output topic. boot starts a service process on it; crash stops one
// without the graceful shutdown, as a killed process would.
type harness struct {
	t      *testing.T
	b      *kafkatest.Broker
	clk    *clock.Fake
	opts   []option
	boots  int
	m      *metrics.Metrics
	sub    *Subsystem
	crash  func()
	client *kgo.Client
	status *kafkatest.Reader
	warps  *kafkatest.Reader
	dlq    *kafkatest.Reader
}

type option func(*Deps)

func withParties(url string) option {
	return func(d *Deps) { d.Parties = clients.NewParties(url, clients.WithTimeout(time.Second)) }
}

func withGuilds(url string) option {
	return func(d *Deps) { d.Guilds = clients.NewGuilds(url) }
}

// withHook runs f after every machine call of every instance actor.
func withHook(f func(*partyquest.Machine, any)) option {
	return func(d *Deps) { d.afterMachine = f }
}

func start(t *testing.T, opts ...option) *harness {
	t.Helper()
	b := kafkatest.StartBroker(t)
	h := &harness{t: t, b: b, clk: clock.NewFake(t0), opts: opts, client: b.Client(t),
		status: b.NewReader(t, false, messages.EventTopicPartyQuestStatus),
		warps:  b.NewReader(t, false, messages.CommandTopicCharacter),
		dlq:    b.NewReader(t, false, messages.DeadLetterTopic)}
	h.boot(nil)
	return h
}

// boot starts a process: pipeline (group Group), actor system, subsystem
// with the samples for tn and the restored state.
func (h *harness) boot(restored []changelog.Entry) {
	t := h.t
	t.Helper()
	h.boots++
	log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
	h.m = metrics.New()
	ctx, cancel := context.WithCancel(context.Background())
	pl, err := kafka.NewPipeline(ctx, kafka.PipelineConfig{
		Bootstrap: h.b.Bootstrap(), Group: Group, TransactionalID: fmt.Sprintf("quest-%s-%d", t.Name(), h.boots),
		Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second},
	}, h.b.Names, log, h.m)
	require.NoError(t, err)
	deps := Deps{Clock: h.clk, Log: log, Metrics: h.m,
		NewRandom: func() partyquest.Random { return partyquest.NewRandom() }}
	for _, o := range h.opts {
		o(&deps)
	}
	sys := actors.NewSystem(log)
	sub := New(sys, deps, []config.Tenant{{Tenant: tn, QuestDefinitions: samples(t)}})
	sub.Topology().Route(pl.Router())
	require.NoError(t, sub.Start(pl.Emitter(), restored))
	require.NoError(t, pl.Start(ctx))
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer ccancel()
			pl.StopConsuming()
			pl.WaitIdle(cctx)
			_ = pl.Close(cctx)
			sub.Stop()
			cancel()
			sys.Shutdown()
		})
	}
	t.Cleanup(stop)
	h.sub, h.crash = sub, stop
}

// restored reads the party-quest changelog back, as the service does at
// start-up.
func (h *harness) restored() []changelog.Entry {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	raw, err := kafka.ReadChangelog(ctx, h.b.Bootstrap(), h.b.Names.Name(messages.ChangelogTopicPartyQuest), nil)
	require.NoError(h.t, err)
	entries, errs := changelog.Decode(raw)
	require.Empty(h.t, errs)
	return entries
}

// send produces a command from character c, keyed by c as the game server
// does, so one character's commands are consumed in order.
func (h *harness) send(c uint32, typ string, body any) {
	h.t.Helper()
	h.sendAs(tn, c, typ, body)
}

func (h *harness) sendAs(t tenant.Tenant, c uint32, typ string, body any) {
	h.t.Helper()
	h.b.Produce(h.t, h.client, messages.CommandTopicPartyQuest, messages.IntKey(c),
		messages.Command[any]{WorldID: 1, CharacterID: c, Type: typ, Body: body}, t)
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

func decodeEvents(t testing.TB, rs []*kgo.Record) []event {
	out := make([]event, 0, len(rs))
	for _, r := range rs {
		var v messages.PartyQuestStatusEvent[json.RawMessage]
		require.NoError(t, json.Unmarshal(r.Value, &v))
		out = append(out, event{World: v.WorldID, Instance: v.InstanceID, Quest: v.QuestID, Type: v.Type, Body: string(v.Body), key: string(r.Key)})
	}
	return out
}

// events of one instance, in the order its partition holds them.
func (h *harness) events(id uuid.UUID) []event {
	var out []event
	for _, e := range decodeEvents(h.t, h.status.WaitCount(0, 0)) {
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
	h.status.WaitFor(wait, func(rs []*kgo.Record) bool {
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

func (h *harness) warpsOf(c uint32) []warp {
	var out []warp
	for _, r := range h.warps.WaitCount(0, 0) {
		var v messages.Command[messages.ChangeMapBody]
		require.NoError(h.t, json.Unmarshal(r.Value, &v))
		require.Equal(h.t, messages.TypeChangeMap, v.Type)
		require.Equal(h.t, messages.IntKey(v.CharacterID), r.Key, "warps are keyed by character")
		if v.CharacterID == c {
			out = append(out, warp{Character: c, Channel: v.Body.ChannelID, Map: v.Body.MapID, Instance: v.Body.Instance})
		}
	}
	return out
}

// waitWarps waits until character c got n warps and returns them.
func (h *harness) waitWarps(c uint32, n int) []warp {
	h.t.Helper()
	h.warps.WaitFor(wait, func([]*kgo.Record) bool { return len(h.warpsOf(c)) >= n })
	return h.warpsOf(c)
}

// dead is a dead-lettered input: its reason and the command it carried.
type dead struct {
	Reason    string
	Character uint32
	Type      string
}

func (h *harness) waitDead(n int) []dead {
	h.t.Helper()
	var out []dead
	for _, r := range h.dlq.WaitCount(wait, n) {
		reason, _ := kafkatest.Header(r, kafka.HeaderDLQReason)
		var v messages.Command[json.RawMessage]
		_ = json.Unmarshal(r.Value, &v)
		out = append(out, dead{Reason: string(reason), Character: v.CharacterID, Type: v.Type})
	}
	return out
}

// settle returns once the instance actor handled everything sent to it so
// far: a state query is answered from its mailbox, behind those messages,
// so its timer is armed for what they did before the clock moves.
func (h *harness) settle(id uuid.UUID) partyquest.State {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	st, err := h.sub.Instance(ctx, tn, id)
	require.NoError(h.t, err)
	return st
}

// committed is the group's committed offset of the partition character c's
// commands go to.
func (h *harness) committed(c uint32) int64 {
	return h.b.Committed(h.t, Group, messages.CommandTopicPartyQuest, kafka.PartitionFor(messages.IntKey(c), kafkatest.Partitions))
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
