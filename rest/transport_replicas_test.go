package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/rest"
	"github.com/gamehost/transitquest/transport/ride"
)

// With several replicas, a START whose character another replica decides
// is forwarded to it through the internal topic and answered 202 once that
// is committed; the rides another replica runs answer 503.
func TestTransportOnOneOfSeveralReplicas(t *testing.T) {
	ae := actortest.NewEnv(t)
	tr := transport.New(ae.Sys, transport.Deps{Clock: ae.FakeClock, Log: ae.Log, Metrics: ae.Metrics},
		[]config.Tenant{{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{subway}}})
	require.NoError(t, tr.Start(ae.Recorder))
	const count = 4
	owned := kafka.PartitionFor(changelog.Key(kafkatest.Tenant, "ride", subway.ID.String()), count) + 1
	require.NoError(t, tr.Assign(kafka.Assignment{Partitions: []int32{owned % count}, Count: count}))
	t.Cleanup(tr.Stop)
	h := rest.New(rest.Deps{Log: ae.Log, Metrics: ae.Metrics, Transport: tr, Now: ae.FakeClock.Now})
	serve := func(method, path, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		setTenant(r, kafkatest.Tenant)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	c := 1
	for kafka.PartitionFor(changelog.Key(kafkatest.Tenant, "rider", strconv.Itoa(c)), count) == owned%count {
		c++
	}
	w := serve(http.MethodPost, "/api/transports/instance-routes/"+subway.ID.String()+"/start", startBody(c))
	assert.Equal(t, http.StatusAccepted, w.Code, w.Body.String())
	recs := ae.Recorder.Records()
	require.Len(t, recs, 1)
	assert.Equal(t, messages.InternalTopicTransport, recs[0].Topic)
	assert.Equal(t, changelog.Key(kafkatest.Tenant, "rider", strconv.Itoa(c)), recs[0].Key, "to the character's directory")

	w = serve(http.MethodGet, "/api/transports/instance-routes/"+subway.ID.String()+"/status", "")
	decode(t, w, http.StatusServiceUnavailable)
}
