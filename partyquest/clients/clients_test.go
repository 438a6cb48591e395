package clients_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/clients"
	"github.com/gamehost/transitquest/tenant"
)

var tn = tenant.Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}

// recorder is a stand-in service that answers one canned response and
// remembers the request it got.
type recorder struct {
	mu     sync.Mutex
	req    *http.Request
	status int
	body   string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.req = req
	status, body := r.status, r.body
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func (r *recorder) last() *http.Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.req
}

func serve(t *testing.T, status int, body string) (*recorder, string) {
	rec := &recorder{status: status, body: body}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv.URL + "/api/"
}

func TestMembersPathHeadersAndDecoding(t *testing.T) {
	rec, base := serve(t, http.StatusOK, `{"data":[
		{"type":"members","id":"101","attributes":{"name":"a","level":25,"jobId":100,"worldId":1,"channelId":2,"mapId":103000000,"online":true}},
		{"type":"members","id":"102","attributes":{"name":"b","level":27,"worldId":1,"channelId":3,"online":false}}]}`)
	p := clients.NewParties(base)
	ctx := clients.WithTrace(context.Background(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "k=v")
	got, err := p.Members(ctx, tn, 7)
	require.NoError(t, err)
	assert.Equal(t, []partyquest.Character{{ID: 101, WorldID: 1, ChannelID: 2, Level: 25}, {ID: 102, WorldID: 1, ChannelID: 3, Level: 27}}, got)

	req := rec.last()
	assert.Equal(t, http.MethodGet, req.Method)
	assert.Equal(t, "/api/parties/7/members", req.URL.Path)
	assert.Equal(t, tn.ID.String(), req.Header.Get("TENANT_ID"))
	assert.Equal(t, "GMS", req.Header.Get("REGION"))
	assert.Equal(t, "83", req.Header.Get("MAJOR_VERSION"), "versions are decimal text on REST")
	assert.Equal(t, "1", req.Header.Get("MINOR_VERSION"))
	assert.Equal(t, "application/json; charset=utf-8", req.Header.Get("Content-Type"))
	assert.Equal(t, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", req.Header.Get("traceparent"))
	assert.Equal(t, "k=v", req.Header.Get("tracestate"))
}

func TestEmptyPartyIsEmptyNotNil(t *testing.T) {
	_, base := serve(t, http.StatusOK, `{"data":[]}`)
	got, err := clients.NewParties(base).Members(context.Background(), tn, 7)
	require.NoError(t, err)
	require.NotNil(t, got, "nil means no parties service to the registrar")
	require.Empty(t, got)
}

func TestPartyAndGuildOfCharacter(t *testing.T) {
	rec, base := serve(t, http.StatusAccepted, `{"data":[{"type":"parties","id":"7","attributes":{"leaderId":101}},{"type":"parties","id":"8"}]}`)
	id, err := clients.NewParties(base).PartyOf(context.Background(), tn, 101)
	require.NoError(t, err)
	assert.Equal(t, uint32(7), id, "202 is success; the first party wins")
	assert.Equal(t, "/api/parties", rec.last().URL.Path)
	assert.Equal(t, "101", rec.last().URL.Query().Get("filter[members.id]"))

	rec, base = serve(t, http.StatusOK, `{"data":[{"type":"guilds","id":11}]}`)
	id, err = clients.NewGuilds(base).GuildOf(context.Background(), tn, 101)
	require.NoError(t, err)
	assert.Equal(t, uint32(11), id, "a numeric id is accepted too")
	assert.Equal(t, "/api/guilds", rec.last().URL.Path)
	assert.Equal(t, "101", rec.last().URL.Query().Get("filter[members.id]"))
}

func TestFailures(t *testing.T) {
	ctx := context.Background()
	_, base := serve(t, http.StatusOK, `{"data":[]}`)
	_, err := clients.NewGuilds(base).GuildOf(ctx, tn, 101)
	assert.ErrorIs(t, err, clients.ErrNotFound, "no guild")

	_, base = serve(t, http.StatusNotFound, `{"errors":[]}`)
	_, err = clients.NewParties(base).Members(ctx, tn, 7)
	assert.ErrorIs(t, err, clients.ErrNotFound)

	_, base = serve(t, http.StatusBadRequest, ``)
	_, err = clients.NewParties(base).Members(ctx, tn, 7)
	assert.ErrorIs(t, err, clients.ErrBadRequest)

	_, base = serve(t, http.StatusInternalServerError, ``)
	_, err = clients.NewParties(base).Members(ctx, tn, 7)
	var se *clients.StatusError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, 500, se.Status)

	_, base = serve(t, http.StatusOK, `{"data":[{"id":"x"}]}`)
	_, err = clients.NewParties(base).Members(ctx, tn, 7)
	assert.ErrorContains(t, err, "not a uint32")

	_, base = serve(t, http.StatusOK, `<html>`)
	_, err = clients.NewParties(base).PartyOf(ctx, tn, 1)
	assert.ErrorContains(t, err, "JSON:API")
}

func TestPerCallTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	p := clients.NewParties(srv.URL+"/", clients.WithTimeout(50*time.Millisecond))
	start := time.Now()
	_, err := p.Members(context.Background(), tn, 7)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestUnsetMeansNoService(t *testing.T) {
	env := map[string]string{clients.EnvGuilds: "http://guilds/api/"}
	p, g := clients.FromEnv(func(k string) string { return env[k] })
	assert.Nil(t, p)
	assert.NotNil(t, g)
}
