package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/service"
	"github.com/gamehost/transitquest/tracing"
)

func composeServices(t *testing.T) obj {
	t.Helper()
	docs := readDocs(t, "compose.yaml")
	require.Len(t, docs, 1)
	s, ok := at(t, docs[0], "services").(obj)
	require.True(t, ok)
	return s
}

// composeEnv is a service's environment with ${VAR:-default} interpolated
// from an empty shell environment.
func composeEnv(t *testing.T, svc any) map[string]string {
	t.Helper()
	env := map[string]string{}
	for k, v := range at(t, svc, "environment").(obj) {
		s, ok := v.(string)
		require.True(t, ok, "environment %s must be a string (quote numbers)", k)
		if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") {
			_, def, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(s, "${"), "}"), ":-")
			s = def
		}
		env[k] = s
	}
	return env
}

func TestComposeStartsKafkaThenTopicsThenTheService(t *testing.T) {
	svcs := composeServices(t)
	assert.Equal(t, "service_healthy", str(t, svcs, "kafka-init", "depends_on", "kafka", "condition"))
	assert.Equal(t, "service_completed_successfully", str(t, svcs, "transitquest", "depends_on", "kafka-init", "condition"))
	assert.Equal(t, "..", str(t, svcs, "transitquest", "build", "context"))
	_, err := os.Stat(filepath.Join("..", str(t, svcs, "transitquest", "build", "dockerfile")))
	assert.NoError(t, err)
	for name, svc := range svcs {
		ports, ok := svc.(obj)["ports"].([]any)
		if !ok {
			continue
		}
		for _, p := range ports {
			assert.True(t, strings.HasPrefix(p.(string), "127.0.0.1:"), "%s publishes %v beyond loopback", name, p)
		}
	}
}

func TestComposeKafkaIsASingleKRaftNodeFitForTransactions(t *testing.T) {
	env := composeEnv(t, at(t, composeServices(t), "kafka"))
	assert.Equal(t, "broker,controller", env["KAFKA_PROCESS_ROLES"])
	assert.Equal(t, env["KAFKA_NODE_ID"]+"@kafka:9093", env["KAFKA_CONTROLLER_QUORUM_VOTERS"])
	for _, k := range []string{"KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"} {
		assert.Equal(t, "1", env[k], k)
	}
	assert.Equal(t, "false", env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"])
	assert.Contains(t, strings.Split(env["KAFKA_ADVERTISED_LISTENERS"], ","), "PLAINTEXT://"+composeEnv(t, at(t, composeServices(t), "transitquest"))["BOOTSTRAP_SERVERS"],
		"the service connects to the broker's advertised in-network listener")
}

func TestComposeCreatesEveryContractTopic(t *testing.T) {
	svcs := composeServices(t)
	env := composeEnv(t, at(t, svcs, "kafka-init"))
	assert.Equal(t, contractTopics(), fields(env["TOPICS"]))
	script := str(t, svcs, "kafka-init", "command", 0)
	assert.Contains(t, script, "$$TOPICS", "$$ keeps compose from interpolating the shell variable")
	assert.Contains(t, script, "--if-not-exists")
	svcEnv := composeEnv(t, at(t, svcs, "transitquest"))
	assert.Equal(t, env["PARTITIONS"], svcEnv["CHANGELOG_PARTITIONS"], "one partition count for every topic")
}

// The service's environment is valid, tracing is off by default, and the
// mounted sample configuration loads from the container's paths, party-quest
// definitions included.
func TestComposeServiceConfiguration(t *testing.T) {
	svc := at(t, composeServices(t), "transitquest")
	env := composeEnv(t, svc)
	cfg, err := service.ConfigFromEnv(envLookup(env))
	require.NoError(t, err)
	assert.Equal(t, "kafka:9092", cfg.Bootstrap)
	tc, err := tracing.ConfigFromEnv(envLookup(env))
	require.NoError(t, err)
	assert.False(t, tc.Enabled, "tracing off unless OTEL_EXPORTER_OTLP_ENDPOINT is given")
	grace, err := time.ParseDuration(str(t, svc, "stop_grace_period"))
	require.NoError(t, err)
	assert.Greater(t, grace, cfg.ShutdownTimeout)

	// Rebuild the container's view of the mounts under a temporary root.
	root := t.TempDir()
	for _, v := range at(t, svc, "volumes").([]any) {
		parts := strings.Split(v.(string), ":")
		require.Len(t, parts, 3, "host:container:ro")
		assert.Equal(t, "ro", parts[2])
		src, err := filepath.Abs(parts[0])
		require.NoError(t, err)
		_, err = os.Stat(src)
		require.NoError(t, err, "mount source %s", parts[0])
		dst := filepath.Join(root, parts[1])
		require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		require.NoError(t, os.Symlink(src, dst))
	}
	c, problems, err := config.Load(filepath.Join(root, cfg.ConfigPath))
	require.NoError(t, err)
	for _, p := range problems {
		assert.True(t, p.Warning, "sample configuration problem: %+v", p)
	}
	require.NotEmpty(t, c.Tenants)
	assert.NotEmpty(t, c.Tenants[0].Routes)
	assert.NotEmpty(t, c.Tenants[0].QuestDefinitions, "the sample's relative definitions folder resolves through the mounts")
}
