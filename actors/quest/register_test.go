package quest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
)

// guildsService answers guilds?filter[members.id]=c with the guild of c.
func guildsService(t *testing.T, guildOf map[string]uint32) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var data string
		if g, ok := guildOf[r.URL.Query().Get("filter[members.id]")]; ok && r.URL.Path == "/api/guilds" {
			data = fmt.Sprintf(`{"type":"guilds","id":"%d","attributes":{}}`, g)
		}
		_, _ = fmt.Fprintf(w, `{"data":[%s]}`, data)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/"
}

// Individual path with guild affinity (the Sharenian sample: timed, 120 s
// window, instance field lock, at least 2 players): guild mates share an
// instance, another guild gets its own. At the window's end the full one
// starts in its private field instance; the lone player's fails its start
// requirements.
func TestIndividualGuildAffinity(t *testing.T) {
	h := start(t, withGuilds(guildsService(t, map[string]uint32{"301": 11, "302": 11, "303": 22})))
	h.register(301, sharenian, 0, 1)
	a := h.created(1, sharenian)
	h.register(302, sharenian, 0, 1)
	h.waitType(a, messages.TypeCharacterRegistered)
	h.register(303, sharenian, 0, 1)
	b := h.created(2, sharenian)
	require.NotEqual(t, a, b)
	h.register(304, sharenian, 0, 1) // no guild: refused
	assert.Equal(t, []dead{{Reason: "unknown_target", Character: 304, Type: messages.TypeRegister}}, h.waitDead(1))

	stA, stB := h.settle(a), h.settle(b)
	assert.Equal(t, uint32(11), stA.AffinityID)
	assert.Equal(t, uint32(22), stB.AffinityID)
	h.clk.Advance(120 * time.Second)
	h.waitType(a, messages.TypeStarted)
	h.waitType(b, messages.TypeInstanceDestroyed)

	var got []string
	for _, e := range h.events(b) {
		got = append(got, e.String())
	}
	assert.Equal(t, []string{
		`INSTANCE_CREATED {"partyId":0,"channelId":1}`,
		`REGISTRATION_OPENED {"duration":120}`,
		`FAILED {"reason":"start_requirements"}`,
		`INSTANCE_DESTROYED {}`,
	}, got)
	stA = h.settle(a)
	require.Len(t, stA.FieldInstances, 4)
	for _, c := range []uint32{301, 302} {
		assert.Equal(t, []warp{{Character: c, Channel: 1, Map: 990000300, Instance: stA.FieldInstances[0]}}, h.waitWarps(c, 1),
			"warped into the run's own field instance")
	}
	assert.Equal(t, []warp{{Character: 303, Channel: 1, Map: 990001100}}, h.waitWarps(303, 1))
}

// A failed lookup refuses the REGISTER with a reason: an unknown party is
// unknown_target, a broken service lookup_failed; a sender outside the
// party is not_participant.
func TestLookupFailuresRefuseTheRegister(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/parties/7/"):
			_, _ = w.Write([]byte(`{"data":[{"type":"members","id":"101","attributes":{"worldId":1,"channelId":1,"level":25}}]}`))
		case strings.HasPrefix(r.URL.Path, "/api/parties/8/"):
			http.Error(w, "boom", http.StatusInternalServerError)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	h := start(t, withParties(srv.URL+"/api/"))
	h.register(102, kerning, 7, 1)
	h.register(103, kerning, 8, 1)
	h.register(104, kerning, 9, 1)
	assert.ElementsMatch(t, []dead{
		{Reason: "not_participant", Character: 102, Type: messages.TypeRegister},
		{Reason: string(messages.ReasonLookupFailed), Character: 103, Type: messages.TypeRegister},
		{Reason: "unknown_target", Character: 104, Type: messages.TypeRegister},
	}, h.waitDead(3))
	waitAllCommitted(t, h, 3)
}

// The lookup runs off the registrar's mailbox: while the parties service
// hangs, the registrar keeps deciding other REGISTERs; the hung one is
// decided when its answer comes back.
func TestSlowLookupDoesNotBlockTheRegistrar(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = w.Write([]byte(`{"data":[{"type":"members","id":"101","attributes":{"worldId":1,"channelId":1,"level":25}}]}`))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	h := start(t, withDeps(func(d *Deps) { d.Parties = clientsFor(srv.URL + "/api/") }))

	h.register(101, kerning, 7, 1) // hangs in the parties service
	h.register(500, kerning, 0, 2) // no party (the GM path): decided at once
	solo := h.created(1, kerning)
	h.waitType(solo, messages.TypeInstanceDestroyed) // one player fails party_size ≥ 3
	ids, err := h.sub.Instances(t.Context(), tn)
	require.NoError(t, err)
	assert.Empty(t, ids, "the hung REGISTER created nothing yet")

	release <- struct{}{}
	party := h.created(2, kerning)
	assert.NotEqual(t, uuid.Nil, party)
	assert.Equal(t, `{"partyId":7,"channelId":1}`, h.waitType(party, messages.TypeInstanceCreated).Body)
}
