package tracing_test

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/gamehost/transitquest/tracing"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestConfigFromEnv(t *testing.T) {
	const endpoint = "http://127.0.0.1:4318"
	cases := []struct {
		name string
		env  func(string) string
		want tracing.Config
		err  bool
	}{
		{"nothing set: off", env(), tracing.Config{}, false},
		{"service name alone: off", env("OTEL_SERVICE_NAME", "tq"), tracing.Config{}, false},
		{"endpoint: otlp over http", env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint), tracing.Config{Enabled: true, Protocol: tracing.ProtocolHTTP}, false},
		{"traces endpoint", env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint+"/v1/traces"), tracing.Config{Enabled: true, Protocol: tracing.ProtocolHTTP}, false},
		{"exporter otlp, SDK default endpoint", env("OTEL_TRACES_EXPORTER", "otlp"), tracing.Config{Enabled: true, Protocol: tracing.ProtocolHTTP}, false},
		{"grpc", env("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), tracing.Config{Enabled: true, Protocol: tracing.ProtocolGRPC}, false},
		{"traces protocol wins", env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
			"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"), tracing.Config{Enabled: true, Protocol: tracing.ProtocolHTTP}, false},
		{"exporter none beats endpoint", env("OTEL_TRACES_EXPORTER", "none", "OTEL_EXPORTER_OTLP_ENDPOINT", endpoint), tracing.Config{}, false},
		{"SDK disabled", env("OTEL_SDK_DISABLED", "true", "OTEL_TRACES_EXPORTER", "otlp"), tracing.Config{}, false},
		{"unsupported exporter", env("OTEL_TRACES_EXPORTER", "zipkin"), tracing.Config{}, true},
		{"unsupported protocol", env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"), tracing.Config{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := tracing.ConfigFromEnv(c.env)
			if c.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestSetupWithoutEnvironmentIsANoOp(t *testing.T) {
	shutdown, err := tracing.Setup(context.Background(), env(), tracing.Settings{ServiceName: "transitquest"})
	require.NoError(t, err)
	assert.False(t, tracing.Enabled())
	assert.NoError(t, shutdown(context.Background()))
}

func TestSetupRejectsBadEnvironment(t *testing.T) {
	_, err := tracing.Setup(context.Background(), env("OTEL_TRACES_EXPORTER", "jaeger"), tracing.Settings{})
	assert.Error(t, err)
	assert.False(t, tracing.Enabled())
}

// The exporter reads the standard variables from the process environment:
// a span is delivered to the OTLP/HTTP endpoint they name, with the service
// name they set, when Shutdown flushes.
func TestSetupExportsToTheConfiguredEndpoint(t *testing.T) {
	var (
		mu   sync.Mutex
		reqs []*coltrace.ExportTraceServiceRequest
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/traces" || err != nil {
			http.Error(w, "unexpected", http.StatusBadRequest)
			return
		}
		var req coltrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		reqs = append(reqs, &req)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer srv.Close()
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", srv.URL) // http://127.0.0.1:port
	t.Setenv("OTEL_SERVICE_NAME", "transitquest-from-env")
	t.Setenv("OTEL_TRACES_SAMPLER", "always_on")

	shutdown, err := tracing.Setup(context.Background(), os.Getenv, tracing.Settings{ServiceName: "transitquest", ServiceVersion: "1.2.3"})
	require.NoError(t, err)
	require.True(t, tracing.Enabled())
	span, _ := tracing.StartConsume(tracing.Context{Parent: inParent}, "EVENT_TOPIC_MAP_STATUS", 1, 5)
	span.End(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, shutdown(ctx))
	assert.False(t, tracing.Enabled())

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, reqs, 1)
	require.Len(t, reqs[0].ResourceSpans, 1)
	rs := reqs[0].ResourceSpans[0]
	res := map[string]string{}
	for _, kv := range rs.Resource.Attributes {
		res[kv.Key] = kv.Value.GetStringValue()
	}
	assert.Equal(t, "transitquest-from-env", res["service.name"], "OTEL_SERVICE_NAME overrides the default")
	assert.Equal(t, "1.2.3", res["service.version"])
	require.Len(t, rs.ScopeSpans, 1)
	require.Len(t, rs.ScopeSpans[0].Spans, 1)
	s := rs.ScopeSpans[0].Spans[0]
	assert.Equal(t, inTraceID, hex.EncodeToString(s.TraceId))
	assert.Equal(t, inSpanID, hex.EncodeToString(s.ParentSpanId))
	assert.Equal(t, "EVENT_TOPIC_MAP_STATUS process", s.Name)
}

// Creating the gRPC exporter contacts nothing; Shutdown with no spans is quick.
func TestSetupGRPC(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	shutdown, err := tracing.Setup(context.Background(), env("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
		tracing.Settings{ServiceName: "transitquest"})
	require.NoError(t, err)
	assert.True(t, tracing.Enabled())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	assert.NoError(t, shutdown(ctx))
	assert.False(t, tracing.Enabled())
}
