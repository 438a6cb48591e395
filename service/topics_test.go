package service_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/service"
)

func TestTopicCreationSetting(t *testing.T) {
	for v, want := range map[string]kafka.TopicCreation{"": kafka.TopicCreationAuto, "auto": kafka.TopicCreationAuto, "never": kafka.TopicCreationNever} {
		cfg, err := service.ConfigFromEnv(func(k string) string {
			return map[string]string{"TOPIC_CREATION": v, "TRANSACTIONAL_ID_PREFIX": "x"}[k]
		})
		require.NoError(t, err, v)
		assert.Equal(t, want, cfg.TopicCreation, v)
	}
	_, err := service.ConfigFromEnv(func(k string) string {
		return map[string]string{"TOPIC_CREATION": "sometimes", "TRANSACTIONAL_ID_PREFIX": "x"}[k]
	})
	require.ErrorContains(t, err, `TOPIC_CREATION: "sometimes" is neither auto nor never`)
}

// librdkafka's mock cluster creates no topic through the admin API (the
// request hangs until its deadline), nor tells cleanup policies. With every
// topic pre-created as -list-topics prints them, the service starts with a
// warning naming what it could not verify, and serves: a START command
// read from Kafka gives its STARTED event.
func TestServiceStartsAndServesWhereTopicsArePreCreatedAndCreationFails(t *testing.T) {
	mc, err := ck.NewMockCluster(1)
	require.NoError(t, err)
	defer mc.Close()
	env := map[string]string{"BOOTSTRAP_SERVERS": mc.BootstrapServers(), "REST_PORT": "0", "CHANGELOG_PARTITIONS": "4",
		"TRANSACTIONAL_ID_PREFIX": "mock-" + t.Name(), "SUBSYSTEMS": "transport", "CONFIG_PATH": writeConfig(t, "1h"),
		"SHUTDOWN_TIMEOUT": "20s"}
	cfg, err := service.ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)

	// What an operator does from `transitquest -list-topics`: create every
	// topic, own ones with the listed partitions (the mock takes no
	// cleanup policy), contract ones with the cluster's count.
	for _, u := range service.TopicUses(cfg) {
		n := u.Partitions
		if n == 0 {
			n = 3
		}
		require.NoError(t, mc.CreateTopic(cfg.Topics.Name(u.Topic), n, 1))
	}

	// The premise: this broker creates no topic through the admin API.
	adm, err := ck.NewAdminClient(&ck.ConfigMap{"bootstrap.servers": mc.BootstrapServers(), "enable.metrics.push": false})
	require.NoError(t, err)
	actx, acancel := context.WithTimeout(context.Background(), time.Second)
	_, err = adm.CreateTopics(actx, []ck.TopicSpecification{{Topic: "probe", NumPartitions: 1, ReplicationFactor: -1}})
	acancel()
	adm.Close()
	require.Error(t, err, "creating a topic fails on the mock cluster")

	core, logs := observer.New(zapcore.InfoLevel)
	start := time.Now()
	svc, err := service.New(context.Background(), cfg, zap.New(core))
	require.NoError(t, err)
	t.Logf("New took %s", time.Since(start))
	warn := logs.FilterField(zap.String("unverified", "cleanup.policy")).All()
	require.Len(t, warn, 1, "one warning names the unverified cleanup policy")
	assert.Equal(t, zapcore.WarnLevel, warn[0].Level)
	assert.Equal(t, []any{cfg.Topics.Name(messages.ChangelogTopicTransport)}, warn[0].ContextMap()["topics"])
	assert.Empty(t, logs.FilterMessageSnippet("contract topics missing").All())

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(60 * time.Second):
			t.Error("Run did not return")
		}
	}()

	require.Eventually(t, func() bool {
		res, err := http.Get("http://" + svc.Addr() + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 10*time.Second, 50*time.Millisecond)

	// franz-go gets no produce answer from the mock: confluent clients.
	cmdTopic, evTopic := cfg.Topics.Name(messages.CommandTopicInstanceTransport), cfg.Topics.Name(messages.EventTopicInstanceTransport)
	p, err := ck.NewProducer(&ck.ConfigMap{"bootstrap.servers": mc.BootstrapServers(), "enable.metrics.push": false})
	require.NoError(t, err)
	defer p.Close()
	raw, err := json.Marshal(messages.CharacterEvent[messages.StartTransportBody]{CharacterID: 5, Type: messages.TypeStart,
		Body: messages.StartTransportBody{RouteID: rideRoute, ChannelID: 1}})
	require.NoError(t, err)
	headers := kafka.TenantHeaders(kafkatest.Tenant)
	delivered := make(chan ck.Event, 1)
	require.NoError(t, p.Produce(&ck.Message{TopicPartition: ck.TopicPartition{Topic: &cmdTopic, Partition: ck.PartitionAny},
		Key: messages.IntKey(5), Value: raw, Headers: headers}, delivered))
	select {
	case ev := <-delivered:
		require.NoError(t, ev.(*ck.Message).TopicPartition.Error)
	case <-time.After(10 * time.Second):
		t.Fatal("command not delivered")
	}

	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": mc.BootstrapServers(), "group.id": "mock-reader-" + t.Name(),
		"auto.offset.reset": "earliest", "enable.metrics.push": false})
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.Subscribe(evTopic, nil))
	var seen []*kgo.Record
	deadline := time.Now().Add(60 * time.Second)
	for typesOf(t, seen)["STARTED/5"] == 0 {
		require.True(t, time.Now().Before(deadline), "no STARTED event; saw %d records", len(seen))
		m, err := c.ReadMessage(200 * time.Millisecond)
		if err == nil {
			seen = append(seen, &kgo.Record{Value: m.Value}) // typesOf reads only the value
		}
	}
	t.Logf("STARTED read back %s after New began", time.Since(start))
}
