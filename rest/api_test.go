package rest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/actors/quest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/rest"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// dock runs every 15 minutes from midnight: boarding 4 min, pre-departure
// 1 min, travel 10 min. At actortest.T0 (12:00) a boarding opens.
var dock = schedule.Route{ID: uuid.MustParse("5d0c7f1e-7a51-4c3e-9d0b-3f1c2e4a5b01"), Name: "dock",
	StartMapID: 300000100, StagingMapID: 300000101, EnRouteMapIDs: []uint32{300000102}, DestinationMapID: 300000200,
	ObservationMapID: 300000100, BoardingWindow: 4 * time.Minute, PreDeparture: time.Minute, Travel: 10 * time.Minute,
	CycleInterval: 15 * time.Minute}

var (
	subway = ride.Route{ID: uuid.MustParse("24bb11dd-44aa-48c2-998e-a1f1644b9130"), Name: "kerning-square-train",
		StartMapID: 103000100, TransitMapID: 103000302, DestinationMapID: 103000310, Capacity: 4,
		BoardingWindow: time.Minute, Travel: 1500 * time.Millisecond}
	tram = ride.Route{ID: uuid.MustParse("7b6c1f0e-0d1a-4e55-8a3c-2f1e0b9d8c77"), Name: "tram",
		StartMapID: 103000200, TransitMapID: 103000303, DestinationMapID: 103000320, Capacity: 4,
		BoardingWindow: time.Minute, Travel: time.Minute}
)

// stranger is a tenant the service has neither configuration for nor seen.
var stranger = tenant.Tenant{ID: uuid.MustParse("9a1e2d3c-4b5a-4697-8877-665544332211"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}

type server struct {
	h   http.Handler
	env *actortest.Env
}

// newServer runs both subsystems broker-free (effects on an
// actortest.Recorder, fake clock at actortest.T0) for kafkatest.Tenant
// with dock, subway, tram and the shipped quest samples, behind the API.
func newServer(t *testing.T, token string, board http.Handler) *server {
	t.Helper()
	ae := actortest.NewEnv(t)
	defs, problems := definition.LoadDir("../partyquest/samples")
	for _, p := range problems {
		require.True(t, p.Warning, p.String())
	}
	tenants := []config.Tenant{{Tenant: kafkatest.Tenant, Routes: []schedule.Route{dock},
		InstanceRoutes: []ride.Route{subway, tram}, QuestDefinitions: defs}}
	tr := transport.New(ae.Sys, transport.Deps{Clock: ae.FakeClock, Log: ae.Log, Metrics: ae.Metrics}, tenants)
	actortest.Place(t, tr, ae.Recorder, kafkatest.Partitions, nil)
	t.Cleanup(tr.Stop)
	q := quest.New(ae.Sys, quest.Deps{Clock: ae.FakeClock, Log: ae.Log, Metrics: ae.Metrics}, tenants)
	actortest.Place(t, q, ae.Recorder, kafkatest.Partitions, nil)
	t.Cleanup(q.Stop)
	h := rest.New(rest.Deps{Log: ae.Log, Metrics: ae.Metrics, Transport: tr, Quests: q, Now: ae.FakeClock.Now,
		Token: token, Board: board})
	return &server{h: h, env: ae}
}

// call serves one request with the tenant headers of tn (none when tn is
// nil) and extra headers as "Name: value" strings.
func (s *server) call(method, path string, tn *tenant.Tenant, body string, headers ...string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if tn != nil {
		setTenant(r, *tn)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

func setTenant(r *http.Request, tn tenant.Tenant) {
	r.Header.Set("TENANT_ID", tn.ID.String())
	r.Header.Set("REGION", tn.Region)
	r.Header.Set("MAJOR_VERSION", strconv.Itoa(int(tn.MajorVersion)))
	r.Header.Set("MINOR_VERSION", strconv.Itoa(int(tn.MinorVersion)))
}

func (s *server) get(path string) *httptest.ResponseRecorder {
	return s.call(http.MethodGet, path, &kafkatest.Tenant, "")
}

type res struct {
	Type          string                     `json:"type"`
	ID            string                     `json:"id"`
	Attributes    map[string]json.RawMessage `json:"attributes"`
	Relationships map[string]struct {
		Data []struct{ Type, ID string } `json:"data"`
	} `json:"relationships"`
}

type doc struct {
	Data     json.RawMessage   `json:"data"`
	Included []res             `json:"included"`
	Links    map[string]string `json:"links"`
	Meta     map[string]any    `json:"meta"`
	Errors   []struct {
		Status, Title, Detail string
		Source                map[string]string
	} `json:"errors"`
}

// decode checks the JSON:API media type and status and parses the body.
func decode(t *testing.T, w *httptest.ResponseRecorder, status int) doc {
	t.Helper()
	require.Equal(t, status, w.Code, w.Body.String())
	require.Equal(t, "application/vnd.api+json", w.Header().Get("Content-Type"), w.Body.String())
	var d doc
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &d), w.Body.String())
	if status >= 400 {
		require.Len(t, d.Errors, 1, w.Body.String())
		assert.Equal(t, strconv.Itoa(status), d.Errors[0].Status)
		assert.NotEmpty(t, d.Errors[0].Title)
	}
	return d
}

func (d doc) list(t *testing.T) []res {
	t.Helper()
	var out []res
	require.NoError(t, json.Unmarshal(d.Data, &out))
	return out
}

func (d doc) one(t *testing.T) res {
	t.Helper()
	var out res
	require.NoError(t, json.Unmarshal(d.Data, &out))
	return out
}

func number(t *testing.T, raw json.RawMessage) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(string(raw), 64)
	require.NoError(t, err, string(raw))
	return f
}

func startBody(character int) string {
	return `{"data":{"type":"start-transport","attributes":{"characterId":` + strconv.Itoa(character) + `,"worldId":1,"channelId":2}}}`
}

func TestEveryDurationIsSeconds(t *testing.T) {
	s := newServer(t, "", nil)
	route := decode(t, s.get("/api/transports/routes/"+dock.ID.String()), http.StatusOK).one(t)
	for attr, want := range map[string]float64{"cycleInterval": 900, "boardingWindow": 240, "preDeparture": 60, "travelDuration": 600} {
		assert.Equal(t, want, number(t, route.Attributes[attr]), attr)
	}
	ir := decode(t, s.get("/api/transports/instance-routes/"+subway.ID.String()), http.StatusOK).one(t)
	assert.Equal(t, "60", string(ir.Attributes["boardingWindow"]), "whole seconds print as integers")
	assert.Equal(t, "1.5", string(ir.Attributes["travelDuration"]), "a sub-second part is a fraction, not lost")

	// Definitions are served in the seconds their files are written in.
	def := decode(t, s.get("/api/party-quests/definitions/quest/kerning_city_pq"), http.StatusOK)
	var attrs struct {
		Duration     float64 `json:"duration"`
		Registration struct {
			Duration float64 `json:"duration"`
		} `json:"registration"`
		Stages []struct {
			Duration float64 `json:"duration"`
		} `json:"stages"`
	}
	require.NoError(t, json.Unmarshal(def.one(t).Attributes["duration"], &attrs.Duration))
	assert.Equal(t, 1800.0, attrs.Duration)
	raw, err := os.ReadFile("../partyquest/samples/kerning_city_pq.json")
	require.NoError(t, err)
	var file struct{ Duration float64 }
	require.NoError(t, json.Unmarshal(raw, &file))
	assert.Equal(t, file.Duration, attrs.Duration)
}

func TestStartAnswersConflictsWith409(t *testing.T) {
	s := newServer(t, "", nil)
	start := func(route ride.Route, body string) *httptest.ResponseRecorder {
		return s.call(http.MethodPost, "/api/transports/instance-routes/"+route.ID.String()+"/start", &kafkatest.Tenant, body)
	}
	// A JSON:API resource object may carry an id; it is not an attribute.
	w := start(subway, `{"data":{"type":"start-transport","id":"x","attributes":{"characterId":7,"worldId":1,"channelId":2}}}`)
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())
	assert.Equal(t, http.StatusNoContent, start(subway, startBody(7)).Code, "already riding this route: idempotent")

	d := decode(t, start(tram, startBody(7)), http.StatusConflict)
	assert.Contains(t, d.Errors[0].Detail, "character 7 already rides route "+subway.ID.String())

	d = decode(t, start(ride.Route{ID: uuid.New()}, startBody(8)), http.StatusNotFound)
	assert.Contains(t, d.Errors[0].Detail, "not found")
	decode(t, start(subway, startBody(0)), http.StatusBadRequest)
}

func TestStartRejectsUnknownAttributes(t *testing.T) {
	s := newServer(t, "", nil)
	path := "/api/transports/instance-routes/" + subway.ID.String() + "/start"
	for body, want := range map[string]string{
		`{"data":{"type":"start-transport","attributes":{"characterID":7,"worldId":1,"channelId":2}}}`: `unknown attribute "characterID"`,
		`{"data":{"type":"start-transport","attributes":{"characterId":7},"kind":1}}`:                  `unknown member "kind"`,
		`{"data":{"type":"start-transport","attributes":{"characterId":7,"mapId":1}}}`:                 `unknown attribute "mapId"`,
		`{"data":{"type":"start-transport","attributes":{"characterId":7}}} {}`:                        "one JSON object expected",
		`{"data":{"type":"start","attributes":{"characterId":7}}}`:                                     `data.type must be "start-transport"`,
		`{"data":`: "body:",
	} {
		d := decode(t, s.call(http.MethodPost, path, &kafkatest.Tenant, body), http.StatusBadRequest)
		assert.Contains(t, d.Errors[0].Detail, want, body)
	}
	assert.Empty(t, s.env.Recorder.Records(), "nothing started")
}

func TestUnknownPathAndMethodAreJSONAPIErrors(t *testing.T) {
	s := newServer(t, "", nil)
	d := decode(t, s.get("/api/nope"), http.StatusNotFound)
	assert.Contains(t, d.Errors[0].Detail, "/api/nope")
	decode(t, s.get("/api/party-quests/instances/"+uuid.NewString()+"/nope"), http.StatusNotFound)

	w := s.call(http.MethodDelete, "/api/transports/routes", &kafkatest.Tenant, "")
	d = decode(t, w, http.StatusMethodNotAllowed)
	assert.Contains(t, w.Header().Get("Allow"), "GET")
	assert.Contains(t, d.Errors[0].Detail, "DELETE")

	w = s.get("/api/transports/instance-routes/" + subway.ID.String() + "/start")
	decode(t, w, http.StatusMethodNotAllowed)
	assert.Equal(t, "POST", w.Header().Get("Allow"))
}

func TestHealthAndReadinessAnswerJSON(t *testing.T) {
	s := newServer(t, "", nil)
	for path, want := range map[string]string{"/healthz": `{"status":"ok"}`, "/readyz": `{"status":"ready"}`} {
		w := get(s.h, path)
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
		assert.JSONEq(t, want, w.Body.String())
	}
}

// tripsOf are the trips a routes or route document includes, by id.
func tripsOf(t *testing.T, d doc) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	for _, r := range d.Included {
		require.Equal(t, "trip-schedule", r.Type)
		var open time.Time
		require.NoError(t, json.Unmarshal(r.Attributes["boardingOpen"], &open))
		out[r.ID] = open
	}
	return out
}

func TestTripsComeInWindowsWithPagingLinks(t *testing.T) {
	s := newServer(t, "", nil)
	t0 := actortest.T0 // 12:00 UTC
	d := decode(t, s.get("/api/transports/routes"), http.StatusOK)
	trips := tripsOf(t, d)
	require.Len(t, trips, 8, "12:00 … 13:45: the next two hours, not the whole day")
	for id, open := range trips {
		assert.False(t, open.Before(t0) || !open.Before(t0.Add(2*time.Hour)), "trip %s opens at %s", id, open)
		assert.Equal(t, schedule.TripID(dock.ID, open).String(), id)
	}
	routes := d.list(t)
	require.Len(t, routes, 1)
	assert.Len(t, routes[0].Relationships["schedule"].Data, 8)
	assert.Equal(t, map[string]any{"from": "2026-11-26T12:00:00Z", "to": "2026-11-26T14:00:00Z", "seconds": 7200.0}, d.Meta["window"])

	// next is the following window, disjoint and adjacent; prev the one before.
	next := decode(t, s.get(d.Links["next"]), http.StatusOK)
	nextTrips := tripsOf(t, next)
	require.Len(t, nextTrips, 8)
	for id, open := range nextTrips {
		assert.NotContains(t, trips, id)
		assert.False(t, open.Before(t0.Add(2*time.Hour)))
	}
	u, err := url.Parse(d.Links["prev"])
	require.NoError(t, err)
	assert.Equal(t, "2026-11-26T10:00:00Z", u.Query().Get("from"))
	assert.Equal(t, "7200", u.Query().Get("window"))
	prev := tripsOf(t, decode(t, s.get(d.Links["prev"]), http.StatusOK))
	assert.Len(t, prev, 8, "10:00 … 11:45 (09:45's arrives at 10:00, outside)")

	// Filters survive paging.
	d = decode(t, s.get("/api/transports/routes?filter[startMapId]=300000100"), http.StatusOK)
	assert.Contains(t, d.Links["next"], "filter%5BstartMapId%5D=300000100")

	// A whole day on request; never more.
	assert.Len(t, tripsOf(t, decode(t, s.get("/api/transports/routes?window=86400&from=2026-11-26T00:00:00Z"), http.StatusOK)), 95,
		"00:00 … 23:30: the whole day (a trip must arrive by midnight)")
	for q, param := range map[string]string{
		"window=0": "window", "window=86401": "window", "window=2h": "window",
		"from=yesterday": "from", "from=2026-12-10T00:00:00Z": "from",
	} {
		e := decode(t, s.get("/api/transports/routes?"+q), http.StatusBadRequest)
		assert.Equal(t, param, e.Errors[0].Source["parameter"], q)
	}
}

// A window across midnight takes the next day's trips, with the ids the
// timetable gives them on that day.
func TestScheduleWindowCrossesMidnight(t *testing.T) {
	s := newServer(t, "", nil)
	d := decode(t, s.get("/api/transports/routes/"+dock.ID.String()+"/schedule?from=2026-11-26T23:30:00Z&window=3600"), http.StatusOK)
	tt, problems := schedule.NewTimetable([]schedule.Route{dock}, nil)
	require.Empty(t, problems)
	var want []string
	for _, day := range []time.Time{actortest.T0, actortest.T0.Add(24 * time.Hour)} {
		for _, trip := range tt.Trips(dock.ID, day) {
			if trip.BoardingOpen.Before(time.Date(2026, 11, 27, 0, 30, 0, 0, time.UTC)) &&
				trip.Arrival.After(time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC)) {
				want = append(want, trip.ID.String())
			}
		}
	}
	var got []string
	for _, r := range d.list(t) {
		got = append(got, r.ID)
	}
	assert.Len(t, want, 3, "23:30, 00:00, 00:15")
	assert.Equal(t, want, got)
	assert.NotEmpty(t, d.Links["next"])
	assert.NotEmpty(t, d.Links["prev"])

	// At the bound (a week ahead) there is no next page.
	d = decode(t, s.get("/api/transports/routes/"+dock.ID.String()+"/schedule?from=2026-12-03T11:00:00Z"), http.StatusOK)
	assert.Empty(t, d.Links["next"])
	assert.NotEmpty(t, d.Links["prev"])
}

func TestUnknownTenantIsNamed(t *testing.T) {
	s := newServer(t, "", nil)
	for _, path := range []string{
		"/api/transports/routes", "/api/transports/instance-routes", "/api/transports/routes/" + dock.ID.String(),
		"/api/party-quests/definitions", "/api/party-quests/instances",
	} {
		d := decode(t, s.call(http.MethodGet, path, &stranger, ""), http.StatusNotFound)
		assert.Contains(t, d.Errors[0].Detail, "tenant "+stranger.ID.String(), path)
		assert.Equal(t, "Unknown tenant", d.Errors[0].Title)
	}
	decode(t, s.call(http.MethodPost, "/api/transports/instance-routes/"+subway.ID.String()+"/start", &stranger, startBody(7)),
		http.StatusNotFound)
	decode(t, s.call(http.MethodGet, "/api/transports/routes", &stranger, ""), http.StatusNotFound)
	// Another version of a known tenant is another tenant.
	other := kafkatest.Tenant
	other.MinorVersion++
	decode(t, s.call(http.MethodGet, "/api/transports/routes", &other, ""), http.StatusNotFound)
	// The known tenant is served, with empty lists where it has nothing.
	assert.Empty(t, decode(t, s.get("/api/party-quests/instances"), http.StatusOK).list(t))
}

func TestTenantHeadersMissingOrMalformed(t *testing.T) {
	s := newServer(t, "", nil)
	r := httptest.NewRequest(http.MethodGet, "/api/transports/routes", nil)
	setTenant(r, kafkatest.Tenant)
	r.Header.Del("MINOR_VERSION")
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	d := decode(t, w, http.StatusBadRequest)
	assert.Equal(t, "missing header MINOR_VERSION", d.Errors[0].Detail)
	assert.Equal(t, "MINOR_VERSION", d.Errors[0].Source["header"])

	r.Header.Set("MINOR_VERSION", "one")
	w = httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	assert.Equal(t, "MINOR_VERSION header must be a decimal uint16", decode(t, w, http.StatusBadRequest).Errors[0].Detail)

	// Every header in error is reported at once.
	w = s.call(http.MethodGet, "/api/transports/routes", nil, "")
	require.Equal(t, http.StatusBadRequest, w.Code)
	var all doc
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &all))
	var details []string
	for _, e := range all.Errors {
		details = append(details, e.Detail)
	}
	assert.Equal(t, []string{"missing header TENANT_ID", "missing header REGION", "missing header MAJOR_VERSION",
		"missing header MINOR_VERSION"}, details)
}

func TestValidateAnswersAJSONAPIDocument(t *testing.T) {
	s := newServer(t, "", nil)
	good, err := os.ReadFile("../partyquest/samples/sharenian_trial.json")
	require.NoError(t, err)
	body := "[" + string(good) + `,{"questId":"broken","duration":-1}]`
	// Validation loads nothing, so any tenant may use it.
	d := decode(t, s.call(http.MethodPost, "/api/party-quests/definitions/validate", &stranger, body), http.StatusOK)
	results := d.list(t)
	require.Len(t, results, 2)
	for i, r := range results {
		assert.Equal(t, "definition-validations", r.Type)
		assert.Equal(t, strconv.Itoa(i), r.ID)
	}
	assert.Equal(t, "true", string(results[0].Attributes["valid"]))
	assert.Equal(t, "false", string(results[1].Attributes["valid"]))
	assert.NotEmpty(t, results[1].Attributes["errors"])
	assert.Equal(t, map[string]any{"files": 2.0, "valid": 1.0}, d.Meta)
}

// boardPage stands in for the board: it answers 200 "board".
var boardPage = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "board") })

func TestTokenClosesStartAndBoardOnly(t *testing.T) {
	const token = "s3cret-token"
	s := newServer(t, token, boardPage)
	start := func(headers ...string) *httptest.ResponseRecorder {
		return s.call(http.MethodPost, "/api/transports/instance-routes/"+subway.ID.String()+"/start", &kafkatest.Tenant,
			startBody(7), headers...)
	}
	for _, path := range []string{"/", "/board/", "/board/routes"} {
		w := s.call(http.MethodGet, path, nil, "")
		decode(t, w, http.StatusUnauthorized)
		assert.Equal(t, `Bearer realm="transitquest"`, w.Header().Get("WWW-Authenticate"), path)
		w = s.call(http.MethodGet, path, nil, "", "Authorization: Bearer "+token)
		assert.Equal(t, http.StatusOK, w.Code, path)
		assert.Equal(t, "board", w.Body.String())
	}

	w := start()
	decode(t, w, http.StatusUnauthorized)
	assert.Contains(t, w.Header().Get("WWW-Authenticate"), "Bearer")
	for _, wrong := range []string{"Bearer nope", "Bearer " + token + "x", "Basic " + token, "Bearer", token} {
		w = start("Authorization: " + wrong)
		decode(t, w, http.StatusUnauthorized)
		assert.Contains(t, w.Header().Get("WWW-Authenticate"), "Bearer", wrong)
	}
	assert.Empty(t, s.env.Recorder.Records(), "no refused request started a ride")
	assert.Equal(t, http.StatusNoContent, start("Authorization: bearer "+token).Code, "the scheme is case-insensitive")

	// Reading stays open.
	assert.Equal(t, http.StatusOK, s.get("/api/transports/routes").Code)
	assert.Equal(t, http.StatusOK, get(s.h, "/healthz").Code)
}

func TestNoTokenMeansOpen(t *testing.T) {
	s := newServer(t, "", boardPage)
	assert.Equal(t, http.StatusNoContent,
		s.call(http.MethodPost, "/api/transports/instance-routes/"+subway.ID.String()+"/start", &kafkatest.Tenant, startBody(7)).Code)
	assert.Equal(t, "board", s.call(http.MethodGet, "/", nil, "").Body.String())

	// Without a board, its paths are JSON:API 404s.
	s = newServer(t, "", nil)
	decode(t, s.call(http.MethodGet, "/board/", nil, ""), http.StatusNotFound)
}

func TestRequireTokenMiddleware(t *testing.T) {
	h := rest.RequireToken("")(boardPage)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, http.StatusOK, w.Code, "empty token: identity")

	h = rest.RequireToken("t")(boardPage)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, http.StatusUnauthorized, w.Code)
}
