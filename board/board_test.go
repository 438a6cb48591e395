package board_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/actors/quest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/board"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

const samplePath = "../config/samples/sample.json"

var (
	kerningTrain = uuid.MustParse("03df097c-370c-43c7-a14c-394a2792f517")
	orbisBoat    = uuid.MustParse("1a074474-af1b-5af1-8d8d-0ec5f15a8865")
)

type fixture struct {
	env    *actortest.Env
	tenant tenant.Tenant
	tr     *transport.Subsystem
	qs     *quest.Subsystem
	events *board.Events
	srv    *httptest.Server
}

// newFixture runs both subsystems of the sample configuration on a
// Recorder and serves the board over them.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := actortest.NewEnv(t)
	cfg, _, err := config.Load(samplePath)
	require.NoError(t, err)
	require.NotEmpty(t, cfg.Tenants)
	tr := transport.New(env.Sys, transport.Deps{Clock: env.FakeClock, Log: env.Log, Metrics: env.Metrics}, cfg.Tenants)
	actortest.Place(t, tr, env.Recorder, 4, nil) // as the only replica, of 4 partitions
	qs := quest.New(env.Sys, quest.Deps{Clock: env.FakeClock, Log: env.Log, Metrics: env.Metrics}, cfg.Tenants)
	actortest.Place(t, qs, env.Recorder, 4, nil) // as the only replica, of 4 partitions
	t.Cleanup(func() { tr.Stop(); qs.Stop() })
	f := &fixture{env: env, tenant: cfg.Tenants[0].Tenant, tr: tr, qs: qs, events: board.NewEvents(3)}
	f.srv = httptest.NewServer(board.New(board.Deps{Transport: tr, Quests: qs, Metrics: env.Metrics, Events: f.events, Clock: env.FakeClock}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) get(t *testing.T, path string) (int, string, []byte) {
	t.Helper()
	res, err := http.Get(f.srv.URL + path)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header.Get("Content-Type"), body
}

func (f *fixture) state(t *testing.T, query string) board.Snapshot {
	t.Helper()
	status, ctype, body := f.get(t, "/board/state"+query)
	require.Equal(t, http.StatusOK, status, string(body))
	assert.Equal(t, "application/json", ctype)
	var s board.Snapshot
	require.NoError(t, json.Unmarshal(body, &s))
	return s
}

func (f *fixture) register(t *testing.T, character uint32) {
	t.Helper()
	v, err := json.Marshal(messages.Command[messages.RegisterBody]{CharacterID: character, Type: messages.TypeRegister,
		Body: messages.RegisterBody{QuestID: "kerning_city_pq", PartyID: 9, ChannelID: 1, MapID: 103000000}})
	require.NoError(t, err)
	require.NoError(t, f.qs.HandleCommand(actortest.Input(messages.CommandTopicPartyQuest, f.tenant, int64(character), v)))
}

func TestStateShowsRoutesRidesQuestsOfTheTenant(t *testing.T) {
	f := newFixture(t)
	f.register(t, 501)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	queued, err := f.tr.StartRide(ctx, f.tenant, kerningTrain, 0, 77, 1)
	require.NoError(t, err)
	require.False(t, queued, "the only replica decides")
	actortest.Eventually(t, "a live quest", func() bool {
		qs, err := f.qs.Instances(ctx, f.tenant)
		return err == nil && len(qs) == 1
	})

	s := f.state(t, "") // no tenant: the first started one
	assert.Equal(t, actortest.T0, s.Now)
	require.Len(t, s.Tenants, 1)
	assert.Equal(t, f.tenant.Key(), s.Tenants[0].Key)
	assert.Equal(t, f.tenant, s.Tenants[0].Tenant)
	assert.Equal(t, f.tenant.Key(), s.Tenant)

	var boat *board.Route
	for i := range s.Routes {
		if s.Routes[i].ID == orbisBoat {
			boat = &s.Routes[i]
		}
	}
	require.NotNil(t, boat, "routes: %+v", s.Routes)
	assert.Equal(t, "boat-orbis-ellinia", boat.Name)
	assert.NotEmpty(t, boat.State)
	require.NotNil(t, boat.Next)
	assert.True(t, boat.Next.At.After(s.Now), "next transition %v is after now %v", boat.Next.At, s.Now)
	assert.NotEmpty(t, boat.Next.Kind)

	var train *board.InstanceRoute
	for i := range s.InstanceRoutes {
		if s.InstanceRoutes[i].ID == kerningTrain {
			train = &s.InstanceRoutes[i]
		}
	}
	require.NotNil(t, train)
	assert.Equal(t, "kerning-square-train", train.Name)
	require.Len(t, train.Instances, 1)
	ride := train.Instances[0]
	assert.Equal(t, "boarding", ride.Phase)
	assert.Equal(t, []uint32{77}, ride.Riders)
	assert.Equal(t, actortest.T0.Add(10*time.Second), ride.BoardingUntil)
	assert.Equal(t, actortest.T0.Add(40*time.Second), ride.ArrivalAt)

	require.Len(t, s.Quests, 1)
	q := s.Quests[0]
	def, ok := f.qs.DefinitionByQuest(f.tenant, "kerning_city_pq")
	require.True(t, ok)
	assert.Equal(t, def.Definition.Name, q.Name)
	assert.Equal(t, "kerning_city_pq", q.QuestID)
	assert.Equal(t, "registering", q.State)
	assert.Equal(t, "registration", q.StageName)
	assert.Equal(t, len(def.Definition.Stages), q.Stages)
	assert.Equal(t, []uint32{501}, q.Characters)

	same := f.state(t, "?tenant="+url.QueryEscape(f.tenant.Key()))
	assert.Equal(t, s.Tenant, same.Tenant)
	assert.Len(t, same.Quests, 1)
}

func TestStateOfAnUnknownTenantIsNotFound(t *testing.T) {
	f := newFixture(t)
	status, ctype, body := f.get(t, "/board/state?tenant=nope")
	assert.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, "application/json", ctype)
	assert.Contains(t, string(body), "no such tenant")
}

func TestStateShowsLatestEventsDeadLettersAndLag(t *testing.T) {
	f := newFixture(t)
	enc := func(v any) []byte {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return b
	}
	other := tenant.Tenant{ID: uuid.New(), Region: "EMS", MajorVersion: 1}
	f.events.Observe(other, messages.EventTopicTransportStatus, []byte("x"), []byte(`{"type":"ARRIVED"}`))
	f.events.Observe(f.tenant, messages.EventTopicTransportStatus, []byte("dropped"), []byte(`{"type":"OLDEST"}`))
	f.events.Observe(f.tenant, messages.ChangelogTopicTransport, []byte("state"), []byte(`{}`))
	boat := messages.TransportStatus(orbisBoat, "DEPARTED", 200000111)
	f.events.Observe(f.tenant, boat.Topic, boat.Key, enc(boat.Value))
	ride := messages.RideEvent(0, 77, messages.TypeStarted, messages.RideBody{RouteID: kerningTrain, InstanceID: uuid.New()})
	f.events.Observe(f.tenant, ride.Topic, ride.Key, enc(ride.Value))
	pq := messages.PartyQuestStatus(0, uuid.New(), "kerning_city_pq", messages.TypeInstanceCreated, struct{}{})
	f.events.Observe(f.tenant, pq.Topic, pq.Key, enc(pq.Value))

	f.env.Metrics.DeadLettered.WithLabelValues("COMMAND_TOPIC_PARTY_QUEST", "bad_json").Add(2)
	f.env.Metrics.ConsumerLag.Add("Party Quest Service", func() map[string]int64 {
		return map[string]int64{"COMMAND_TOPIC_PARTY_QUEST/1": 4, "COMMAND_TOPIC_PARTY_QUEST/0": 3}
	})

	s := f.state(t, "")
	def, _ := f.qs.DefinitionByQuest(f.tenant, "kerning_city_pq")
	require.Len(t, s.Events, 3, "the ring keeps 3; changelog records are not events")
	assert.Equal(t, string(messages.EventTopicPartyQuestStatus), s.Events[0].Topic, "newest first")
	assert.Equal(t, messages.TypeInstanceCreated, s.Events[0].Type)
	assert.Equal(t, def.Definition.Name, s.Events[0].Name)
	assert.Equal(t, messages.TypeStarted, s.Events[1].Type)
	assert.Equal(t, "kerning-square-train", s.Events[1].Name)
	assert.Equal(t, uint32(77), s.Events[1].CharacterID)
	assert.Equal(t, "DEPARTED", s.Events[2].Type)
	assert.Equal(t, "boat-orbis-ellinia", s.Events[2].Name)
	assert.Equal(t, orbisBoat.String(), s.Events[2].Key)

	assert.Equal(t, []board.DeadLetters{{Topic: "COMMAND_TOPIC_PARTY_QUEST", Reason: "bad_json", Count: 2}}, s.DeadLetters)
	assert.Equal(t, []board.GroupLag{{Group: "Party Quest Service", Total: 7, Partitions: []board.PartitionLag{
		{Topic: "COMMAND_TOPIC_PARTY_QUEST", Partition: 0, Lag: 3}, {Topic: "COMMAND_TOPIC_PARTY_QUEST", Partition: 1, Lag: 4},
	}}}, s.ConsumerLag)
}

func TestPageIsSelfContained(t *testing.T) {
	f := newFixture(t)
	status, ctype, body := f.get(t, "/")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, ctype, "text/html")
	page := string(body)
	assert.Contains(t, page, "/board/static/board.js")
	assert.NotContains(t, page, "http://")
	assert.NotContains(t, page, "https://")
	for _, asset := range []string{"/board/static/board.js", "/board/static/board.css"} {
		status, _, body := f.get(t, asset)
		require.Equal(t, http.StatusOK, status, asset)
		assert.NotContains(t, string(body), "https://", "%s loads nothing from elsewhere", asset)
		assert.False(t, strings.Contains(string(body), "innerHTML"), "%s sets server values as text only", asset)
	}
	status, _, _ = f.get(t, "/nope")
	assert.Equal(t, http.StatusNotFound, status, "only / itself is the page")
}
