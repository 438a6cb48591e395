package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
)

// The world of the three-replica test: a ferry on a 12 s cycle, a train of
// capacity 3, a party quest for a party of eight whose first stage clears
// only when every member's item has counted, and a quest with a timed
// registration.
var (
	ferryRoute   = uuid.MustParse("6f0e3c1a-0d4e-4a57-9a43-2b7c0f0f4a11")
	trainRoute   = uuid.MustParse("9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d")
	ferryStaging = uint32(200000112)
	ferryAboard  = uint32(200090000)
	ferryDest    = uint32(101000300)
)

const (
	octetQuest = `{"questId":"octet","name":"Octet","fieldLock":"none","duration":600,
 "registration":{"type":"party","mode":"instant","duration":0,"mapId":0},
 "startRequirements":[],"startEvents":[],"failRequirements":[],"exit":103000890,"rewards":[],
 "stages":[
  {"index":0,"name":"Gather","mapIds":[103000800],"type":"item_collection","duration":0,
   "clearConditions":[{"type":"item_count","operator":"gte","value":8,"referenceId":4001007}],"rewards":[],"warpType":"all"},
  {"index":1,"name":"Wait","mapIds":[103000801],"type":"item_collection","duration":6,"clearConditions":[],"rewards":[],"warpType":"all"},
  {"index":2,"name":"Hold","mapIds":[103000802],"type":"item_collection","duration":0,"clearConditions":[],"rewards":[],"warpType":"all"}]}`
	windowQuest = `{"questId":"window","name":"Window","fieldLock":"none","duration":600,
 "registration":{"type":"individual","mode":"timed","duration":5,"mapId":0,"affinity":"none"},
 "startRequirements":[],"startEvents":[],"failRequirements":[],"exit":103000890,"rewards":[],
 "stages":[{"index":0,"name":"Hold","mapIds":[103000900],"type":"item_collection","duration":0,"clearConditions":[],"rewards":[],"warpType":"all"}]}`
)

// The party of eight, 801 leading; their ids spread over every partition.
var octet = []uint32{801, 802, 803, 804, 805, 806, 807, 808}

const partyID = 900

func writeReplicasConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "quests"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quests", "octet.json"), []byte(octetQuest), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quests", "window.json"), []byte(windowQuest), 0o600))
	cfg := map[string]any{"tenants": []any{map[string]any{
		"partyQuestDefinitions": "quests",
		"id":                    kafkatest.Tenant.ID.String(), "region": kafkatest.Tenant.Region,
		"majorVersion": kafkatest.Tenant.MajorVersion, "minorVersion": kafkatest.Tenant.MinorVersion,
		"routes": []any{map[string]any{
			"id": ferryRoute.String(), "name": "test-ferry", "startMapId": 200000111, "stagingMapId": ferryStaging,
			"enRouteMapIds": []uint32{ferryAboard}, "destinationMapId": ferryDest, "observationMapId": 200000111,
			"boardingWindow": "4s", "preDeparture": "2s", "travel": "4s", "cycleInterval": "12s",
		}},
		"instanceRoutes": []any{map[string]any{
			"id": trainRoute.String(), "name": "test-train", "startMapId": 103000100,
			"transitMapId": 103000302, "destinationMapId": 103000310, "capacity": 3,
			"boardingWindow": "3s", "travel": "10s",
		}},
	}}}
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path
}

// partiesStandIn lists the octet as party 900.
func partiesStandIn(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != fmt.Sprintf("/api/parties/%d/members", partyID) {
			http.NotFound(w, r)
			return
		}
		var data []string
		for _, c := range octet {
			data = append(data, fmt.Sprintf(`{"type":"members","id":"%d","attributes":{"name":"c%d","level":50,"worldId":1,"channelId":1,"online":true}}`, c, c))
		}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		_, _ = fmt.Fprintf(w, `{"data":[%s]}`, strings.Join(data, ","))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/"
}

// world drives and reads the three-replica test.
type world struct {
	t        *testing.T
	b        *kafkatest.Broker
	in       *kgo.Client
	adm      *kadm.Client
	cfg      string
	parties  string
	replicas map[int]*child
	out      *kafkatest.Reader
}

// Instances rest after 1–2 s without input, so the window's 5 s
// registration and the party's 6 s stage end by waking a resting instance,
// and a kill or a rejoin moves resting instances too.
func (w *world) start(i int) {
	w.replicas[i] = startChild(w.t, w.b, w.cfg, fmt.Sprintf("TRANSACTIONAL_ID_PREFIX=replica-%d", i),
		"STATIC_MEMBERSHIP=true", "PARTIES_SERVICE_URL="+w.parties, "PASSIVATE_AFTER=1s")
}

// waitMembers waits until both actors groups (and both contract groups)
// have n members with every partition assigned.
func (w *world) waitMembers(n int, timeout time.Duration) {
	w.t.Helper()
	groups := []string{"Transport Service", "Party Quest Service", "Transport Service actors", "Party Quest Service actors"}
	kafkatest.Eventually(w.t, timeout, fmt.Sprintf("%d members in every group", n), func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		described, err := w.adm.DescribeGroups(ctx, groups...)
		if err != nil {
			return false
		}
		for _, g := range groups {
			d, ok := described[g]
			if !ok || d.Err != nil || d.State != "Stable" || len(d.Members) != n {
				return false
			}
		}
		return true
	})
}

// ownerOf is the replica whose member of group is assigned the partition
// of topic that key hashes to (static members are named
// replica-<i>-<subsystem>-actors).
func (w *world) ownerOf(group string, topic messages.Topic, key []byte) int {
	w.t.Helper()
	p := kafka.PartitionFor(key, kafkatest.Partitions)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	described, err := w.adm.DescribeGroups(ctx, group)
	require.NoError(w.t, err)
	for _, m := range described[group].Members {
		a, ok := m.Assigned.AsConsumer()
		if !ok || m.InstanceID == nil {
			continue
		}
		for _, tp := range a.Topics {
			if tp.Topic == w.b.Names.Name(topic) && slices.Contains(tp.Partitions, p) {
				var i int
				_, err := fmt.Sscanf(*m.InstanceID, "replica-%d-", &i)
				require.NoError(w.t, err, *m.InstanceID)
				return i
			}
		}
	}
	w.t.Fatalf("no member of %s owns %s[%d]", group, topic, p)
	return -1
}

func (w *world) produce(topic messages.Topic, key []byte, v any) {
	w.b.Produce(w.t, w.in, topic, key, v, kafkatest.Tenant)
}

func (w *world) channelStarted() {
	w.produce(messages.EventTopicChannelStatus, []byte("1/1"),
		messages.ChannelStatusEvent{Type: messages.TypeChannelStarted, WorldID: 1, ChannelID: 1})
}

func (w *world) enter(c, mapID uint32) {
	w.produce(messages.EventTopicMapStatus, messages.IntKey(c), messages.MapStatusEvent[messages.CharacterBody]{
		WorldID: 1, ChannelID: 1, MapID: mapID, Type: messages.TypeCharacterEnter, Body: messages.CharacterBody{CharacterID: c}})
}

func (w *world) startTrain(c uint32) {
	w.produce(messages.CommandTopicInstanceTransport, messages.IntKey(c), messages.CharacterEvent[messages.StartTransportBody]{
		WorldID: 1, CharacterID: c, Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: trainRoute, ChannelID: 1}})
}

func (w *world) quest(c uint32, typ string, body any) {
	w.produce(messages.CommandTopicPartyQuest, messages.IntKey(c), messages.Command[any]{WorldID: 1, CharacterID: c, Type: typ, Body: body})
}

// the output topics' records, decoded enough to count effects.
type effect struct {
	topic     string
	typ       string
	character uint32
	route     uuid.UUID
	instance  uuid.UUID
	quest     string
	mapID     uint32
	stage     int
	at        time.Time
}

func decodeEffect(t *testing.T, r *kgo.Record) effect {
	var v struct {
		Type        string    `json:"type"`
		CharacterID uint32    `json:"characterId"`
		RouteID     uuid.UUID `json:"routeId"`
		InstanceID  uuid.UUID `json:"instanceId"`
		QuestID     string    `json:"questId"`
		Body        struct {
			RouteID    uuid.UUID `json:"routeId"`
			InstanceID uuid.UUID `json:"instanceId"`
			MapID      uint32    `json:"mapId"`
			StageIndex *int      `json:"stageIndex"`
		} `json:"body"`
	}
	require.NoError(t, json.Unmarshal(r.Value, &v), "%s: %s", r.Topic, r.Value)
	e := effect{topic: r.Topic, typ: v.Type, character: v.CharacterID, route: v.RouteID, instance: v.InstanceID,
		quest: v.QuestID, mapID: v.Body.MapID, stage: -1, at: r.Timestamp}
	if e.route == uuid.Nil {
		e.route = v.Body.RouteID
	}
	if e.instance == uuid.Nil {
		e.instance = v.Body.InstanceID
	}
	if v.Body.StageIndex != nil {
		e.stage = *v.Body.StageIndex
	}
	return e
}

func (w *world) effects() []effect {
	var out []effect
	for _, r := range w.out.Drain(2 * time.Second) {
		out = append(out, decodeEffect(w.t, r))
	}
	return out
}

// count is how many effects match.
func count(es []effect, match func(effect) bool) int {
	n := 0
	for _, e := range es {
		if match(e) {
			n++
		}
	}
	return n
}

func (w *world) waitEffects(what string, timeout time.Duration, cond func([]effect) bool) []effect {
	w.t.Helper()
	var es []effect
	w.out.WaitFor(timeout, func(rs []*kgo.Record) bool {
		es = es[:0]
		for _, r := range rs {
			es = append(es, decodeEffect(w.t, r))
		}
		return cond(es)
	})
	w.t.Logf("%s: seen", what)
	return es
}

// Three replicas share the consumer groups: a ferry with riders, a train
// at capacity, a party of eight whose members' commands land on every
// partition, a timed registration. One replica is killed with SIGKILL in
// the middle of the rides and the quest, the survivors take its
// partitions, then it comes back under its name. Every effect is committed
// exactly once: each rider warped once per leg, each ride started and
// completed once and never over capacity, the party's stage cleared only
// with all eight members' items and its timer fired once, each ferry
// departure and arrival announced once, nothing dead-lettered.
func TestThreeReplicasCommitEveryEffectOnceAcrossAKillAndARejoin(t *testing.T) {
	if testing.Short() {
		t.Skip("starts service processes")
	}
	kafkatest.SkipOnMock(t, "counts every effect exactly once (the mock has no exactly once) and restarts a static member "+
		"(broken on the mock)")
	b := kafkatest.StartBroker(t)
	w := &world{t: t, b: b, in: b.Client(t), cfg: writeReplicasConfig(t), parties: partiesStandIn(t), replicas: map[int]*child{},
		out: b.NewReader(t, false, messages.EventTopicTransportStatus, messages.EventTopicInstanceTransport,
			messages.CommandTopicCharacter, messages.EventTopicPartyQuestStatus, messages.DeadLetterTopic)}
	w.adm = kadm.NewClient(w.in)
	playFerryRiders(t, b, 101, 106)
	for i := range 3 {
		w.start(i)
	}
	w.waitMembers(3, 90*time.Second)
	began := time.Now()

	// The ferry's riders wait on its staging map; the train fills one ride
	// and starts a second; the party registers; three players open the
	// timed registration.
	w.channelStarted()
	for c := uint32(101); c <= 104; c++ {
		w.enter(c, ferryStaging)
	}
	for c := uint32(201); c <= 205; c++ {
		w.startTrain(c)
	}
	w.quest(octet[0], messages.TypeRegister, messages.RegisterBody{QuestID: "octet", PartyID: partyID, ChannelID: 1})
	w.quest(301, messages.TypeRegister, messages.RegisterBody{QuestID: "window", ChannelID: 1})
	var party uuid.UUID
	w.waitEffects("trains started, the party's run (instant) started, the window opened", 60*time.Second, func(es []effect) bool {
		for _, e := range es {
			if e.typ == messages.TypeInstanceCreated && e.quest == "octet" {
				party = e.instance
			}
		}
		return count(es, func(e effect) bool { return e.typ == messages.TypeStarted && e.route == trainRoute }) == 5 &&
			count(es, func(e effect) bool { return e.typ == messages.TypeStarted && e.quest == "octet" }) == 1 &&
			count(es, func(e effect) bool { return e.typ == messages.TypeRegistrationOpened }) == 1
	})
	require.NotEqual(t, uuid.Nil, party)

	// SIGKILL of the replica that runs the party's instance, while the
	// trains travel and the party gathers; the members' items are sent
	// while its partitions have no owner.
	victim := w.ownerOf("Party Quest Service actors", messages.InternalTopicPartyQuest, changelog.Key(kafkatest.Tenant, "instance", party.String()))
	t.Logf("replica %d runs the party's instance; the train runs on replica %d", victim,
		w.ownerOf("Transport Service actors", messages.InternalTopicTransport, changelog.Key(kafkatest.Tenant, "ride", trainRoute.String())))
	killedAt := time.Now()
	require.NoError(t, w.replicas[victim].cmd.Process.Signal(syscall.SIGKILL))
	_ = w.replicas[victim].wait(t, 10*time.Second)
	for _, c := range octet {
		w.quest(c, messages.TypeUpdateStageState, messages.UpdateStageStateBody{InstanceID: party, ItemCounts: map[uint32]uint32{4001007: 1}})
	}
	// The clear attempt must be decided after every item: wait until the
	// ingress stage has forwarded them all (its offsets committed), after
	// which the attempt lands behind them on the instance's partition.
	kafkatest.EventuallyCommitted(t, b, 60*time.Second, "the members' items forwarded", func() bool {
		return b.CommittedTotal(t, "Party Quest Service", messages.CommandTopicPartyQuest) >= 2+int64(len(octet))
	})
	w.quest(octet[0], messages.TypeStageClearAttempt, messages.InstanceBody{InstanceID: party})
	w.waitEffects("the survivors run the dead replica's actors", 30*time.Second, func(es []effect) bool {
		return count(es, func(e effect) bool { return e.typ == messages.TypeStageCleared && e.instance == party }) == 1
	})
	failover := time.Since(killedAt)
	t.Logf("a command sent after the kill took effect %s after it", failover.Round(time.Millisecond))
	assert.Less(t, failover, 15*time.Second, "failover within the session timeout plus a rebalance")
	w.quest(octet[0], messages.TypeStageAdvance, messages.InstanceBody{InstanceID: party})

	// The replica comes back under its name; more riders and players.
	w.start(victim)
	w.waitMembers(3, 60*time.Second)
	for c := uint32(105); c <= 106; c++ {
		w.enter(c, ferryStaging)
	}
	for c := uint32(206); c <= 207; c++ {
		w.startTrain(c)
	}
	w.waitEffects("every ride completed, every ferry rider delivered, the party's timer fired", 90*time.Second, func(es []effect) bool {
		delivered := count(es, func(e effect) bool { return e.typ == messages.TypeChangeMap && e.mapID == ferryDest })
		return count(es, func(e effect) bool { return e.typ == messages.TypeCompleted && e.route == trainRoute }) == 7 &&
			delivered >= 6 &&
			count(es, func(e effect) bool { return e.typ == messages.TypeStageAdvanced && e.instance == party && e.stage == 2 }) >= 1 &&
			count(es, func(e effect) bool { return e.typ == messages.TypeStarted && e.quest == "window" }) >= 1
	})
	es := w.effects() // a duplicate would have arrived by now
	t.Logf("%d effects in %s", len(es), time.Since(began).Round(time.Second))

	assert.Zero(t, count(es, func(e effect) bool { return e.topic == string(messages.DeadLetterTopic) }), "nothing dead-lettered")
	for c := uint32(101); c <= 106; c++ {
		assert.Equal(t, 1, count(es, func(e effect) bool {
			return e.typ == messages.TypeChangeMap && e.character == c && e.mapID == ferryAboard
		}),
			"ferry rider %d warped aboard once", c)
		assert.Equal(t, 1, count(es, func(e effect) bool {
			return e.typ == messages.TypeChangeMap && e.character == c && e.mapID == ferryDest
		}),
			"ferry rider %d delivered once", c)
	}
	riders := map[uuid.UUID]int{}
	for c := uint32(201); c <= 207; c++ {
		for _, typ := range []string{messages.TypeStarted, messages.TypeCompleted} {
			assert.Equal(t, 1, count(es, func(e effect) bool { return e.typ == typ && e.character == c && e.route == trainRoute }),
				"train rider %d: %s once", c, typ)
		}
		for _, e := range es {
			if e.typ == messages.TypeStarted && e.character == c {
				riders[e.instance]++
			}
		}
	}
	for inst, n := range riders {
		assert.LessOrEqual(t, n, 3, "ride %s within capacity", inst)
	}
	for _, typ := range []string{messages.TypeInstanceCreated, messages.TypeStarted, messages.TypeStageCleared} {
		assert.Equal(t, 1, count(es, func(e effect) bool { return e.typ == typ && e.instance == party }), "party %s once", typ)
	}
	for _, stage := range []int{1, 2} {
		assert.Equal(t, 1, count(es, func(e effect) bool {
			return e.typ == messages.TypeStageAdvanced && e.instance == party && e.stage == stage
		}),
			"party advanced to stage %d once", stage)
	}
	assert.Equal(t, 1, count(es, func(e effect) bool { return e.typ == messages.TypeRegistrationOpened }), "registration window opened once")
	assert.Equal(t, 1, count(es, func(e effect) bool { return e.typ == messages.TypeStarted && e.quest == "window" }),
		"the window's timer started the run once")

	// Each ferry transition once: departures (and arrivals) are a cycle
	// apart, never closer, never a cycle missing.
	for _, typ := range []string{messages.TypeDeparted, messages.TypeArrived} {
		var at []time.Time
		for _, e := range es {
			if e.typ == typ && e.route == ferryRoute && e.at.After(began) {
				at = append(at, e.at)
			}
		}
		require.GreaterOrEqual(t, len(at), 2, "ferry %s announced", typ)
		for i := 1; i < len(at); i++ {
			gap := at[i].Sub(at[i-1])
			assert.True(t, gap > 6*time.Second && gap < 18*time.Second, "ferry %s %d: %s after the previous one", typ, i, gap)
		}
	}
}

// playFerryRiders plays the game server for ferry riders first..last: a
// CHANGE_MAP is answered with the map exit and entry it causes, so the
// ferry's presence follows its riders (aboard at departure, ashore at
// arrival) and nobody is warped twice for one leg. It runs until the test
// ends.
func playFerryRiders(t *testing.T, b *kafkatest.Broker, first, last uint32) {
	t.Helper()
	c := b.Client(t, kgo.ConsumeTopics(b.Names.Name(messages.CommandTopicCharacter)),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		<-done
	})
	go func() {
		defer close(done)
		at := map[uint32]uint32{}
		for ctx.Err() == nil {
			fetches := c.PollFetches(ctx)
			fetches.EachRecord(func(r *kgo.Record) {
				var cmd messages.Command[messages.ChangeMapBody]
				if json.Unmarshal(r.Value, &cmd) != nil || cmd.CharacterID < first || cmd.CharacterID > last {
					return
				}
				from, ok := at[cmd.CharacterID]
				if !ok {
					from = ferryStaging
				}
				at[cmd.CharacterID] = cmd.Body.MapID
				for _, ev := range []messages.MapStatusEvent[messages.CharacterBody]{
					{WorldID: 1, ChannelID: cmd.Body.ChannelID, MapID: from, Type: messages.TypeCharacterExit, Body: messages.CharacterBody{CharacterID: cmd.CharacterID}},
					{WorldID: 1, ChannelID: cmd.Body.ChannelID, MapID: cmd.Body.MapID, Type: messages.TypeCharacterEnter, Body: messages.CharacterBody{CharacterID: cmd.CharacterID}},
				} {
					v, err := json.Marshal(ev)
					if err != nil {
						return
					}
					c.Produce(ctx, &kgo.Record{Topic: b.Names.Name(messages.EventTopicMapStatus), Key: messages.IntKey(cmd.CharacterID),
						Value: v, Headers: kafkatest.Headers(kafkatest.Tenant)}, nil)
				}
			})
		}
	}()
}
