package service_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/service"
	"github.com/gamehost/transitquest/service/servicetest"
)

// runService runs the whole service in-process against the embedded broker.
func runService(t *testing.T, b *kafkatest.Broker, env map[string]string) *service.Service {
	t.Helper()
	base := map[string]string{"BOOTSTRAP_SERVERS": b.Bootstrap(), "REST_PORT": "0", "CHANGELOG_PARTITIONS": "4",
		"TRANSACTIONAL_ID_PREFIX": "rest-test-" + t.Name()}
	for k, v := range env {
		base[k] = v
	}
	return servicetest.Run(t, base)
}

func call(t *testing.T, method, url, body string, tenantHeaders bool) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if tenantHeaders {
		req.Header.Set("TENANT_ID", kafkatest.Tenant.ID.String())
		req.Header.Set("REGION", kafkatest.Tenant.Region)
		req.Header.Set("MAJOR_VERSION", fmt.Sprint(kafkatest.Tenant.MajorVersion))
		req.Header.Set("MINOR_VERSION", fmt.Sprint(kafkatest.Tenant.MinorVersion))
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var v any
	if len(raw) > 0 {
		require.NoError(t, json.Unmarshal(raw, &v), string(raw))
	}
	doc, _ := v.(map[string]any) // plain JSON arrays (validate) are not JSON:API documents
	return res.StatusCode, doc
}

func TestTransportReadAPIAndStart(t *testing.T) {
	b := kafkatest.StartBroker(t)
	svc := runService(t, b, map[string]string{"CONFIG_PATH": writeConfig(t, "1h"), "SUBSYSTEMS": "transport"})
	base := "http://" + svc.Addr()

	status, _ := call(t, "GET", base+"/api/transports/instance-routes", "", false)
	assert.Equal(t, http.StatusBadRequest, status, "tenant headers are required")

	status, doc := call(t, "GET", base+"/api/transports/instance-routes", "", true)
	require.Equal(t, http.StatusOK, status)
	data := doc["data"].([]any)
	require.Len(t, data, 1)
	attrs := data[0].(map[string]any)["attributes"].(map[string]any)
	assert.Equal(t, "kerning-square-train", attrs["name"])
	assert.Equal(t, float64(10), attrs["capacity"])

	status, _ = call(t, "GET", base+"/api/transports/instance-routes/"+rideRoute.String(), "", true)
	assert.Equal(t, http.StatusOK, status)
	status, _ = call(t, "GET", base+"/api/transports/instance-routes/6f1e1c2a-0000-4000-8000-000000000000", "", true)
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = call(t, "GET", base+"/api/transports/instance-routes/not-a-uuid", "", true)
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = call(t, "GET", base+"/api/transports/routes/6f1e1c2a-0000-4000-8000-000000000000", "", true)
	assert.Equal(t, http.StatusNotFound, status)

	// The actors run once their partitions are assigned (ready): before
	// that this replica would forward a START (202) rather than decide it.
	kafkatest.Eventually(t, 20*time.Second, "ready", func() bool {
		status, _ := call(t, "GET", base+"/readyz", "", false)
		return status == http.StatusOK
	})
	start := `{"data":{"type":"start-transport","id":"x","attributes":{"characterId":77,"worldId":0,"channelId":1}}}`
	events := b.NewReader(t, false, messages.EventTopicInstanceTransport)
	status, _ = call(t, "POST", base+"/api/transports/instance-routes/"+rideRoute.String()+"/start", start, true)
	require.Equal(t, http.StatusNoContent, status)
	events.WaitCount(10*time.Second, 1) // committed before the 204
	status, _ = call(t, "POST", base+"/api/transports/instance-routes/"+rideRoute.String()+"/start", `{"data":`, true)
	assert.Equal(t, http.StatusBadRequest, status)

	status, doc = call(t, "GET", base+"/api/transports/instance-routes/"+rideRoute.String()+"/status", "", true)
	require.Equal(t, http.StatusOK, status)
	live := doc["data"].([]any)
	require.Len(t, live, 1)
	la := live[0].(map[string]any)["attributes"].(map[string]any)
	assert.Equal(t, "boarding", la["state"])
	assert.Equal(t, float64(1), la["characters"])

	status, _ = call(t, "GET", base+"/healthz", "", false)
	assert.Equal(t, http.StatusOK, status)
}

func TestScheduledRoutesReadAPI(t *testing.T) {
	b := kafkatest.StartBroker(t)
	svc := runService(t, b, map[string]string{"CONFIG_PATH": "../config/samples/sample.json", "SUBSYSTEMS": "transport"})
	base := "http://" + svc.Addr()
	status, doc := call(t, "GET", base+"/api/transports/routes", "", true)
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, doc["data"], 13)
	assert.NotEmpty(t, doc["included"], "today's trips")

	status, doc = call(t, "GET", base+"/api/transports/routes?filter[startMapId]=200000111", "", true)
	require.Equal(t, http.StatusOK, status)
	data := doc["data"].([]any)
	require.Len(t, data, 1)
	r := data[0].(map[string]any)
	assert.Equal(t, "boat-orbis-ellinia", r["attributes"].(map[string]any)["name"])
	id := r["id"].(string)

	midnight := time.Now().UTC().Truncate(24 * time.Hour).Format(time.RFC3339)
	status, doc = call(t, "GET", base+"/api/transports/routes/"+id+"/schedule?window=86400&from="+midnight, "", true)
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, doc["data"], 95, "the boat's trips today")
	status, doc = call(t, "GET", base+"/api/transports/routes/"+id+"/state", "", true)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, []string{"open_entry", "locked_entry", "in_transit", "out_of_service"},
		doc["data"].(map[string]any)["attributes"].(map[string]any)["state"])
	status, _ = call(t, "GET", base+"/api/transports/routes?filter[startMapId]=x", "", true)
	assert.Equal(t, http.StatusBadRequest, status)
}
