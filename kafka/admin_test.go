package kafka_test

import (
	"context"
	"strings"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gamehost/transitquest/kafka"
)

// The topics of a small service: two co-partitioned changelogs, a dead
// letter topic, a contract topic read and one written.
const (
	clTransport = "changelog-transport"
	clQuest     = "changelog-quest"
	deadLetter  = "dead-letters"
	commands    = "commands"
	events      = "events"
)

func specs(partitions int) []kafka.TopicSpec {
	return []kafka.TopicSpec{
		{Name: clTransport, Partitions: partitions, Compact: true, CoPartitioned: true},
		{Name: clQuest, Partitions: partitions, Compact: true, CoPartitioned: true},
		{Name: deadLetter, Partitions: partitions},
		{Name: commands, External: true},
		{Name: events, External: true},
	}
}

// startKfake starts an empty broker; topics are created by each test.
func startKfake(t *testing.T) *kafka.Embedded {
	t.Helper()
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Partitions: 4})
	require.NoError(t, err)
	t.Cleanup(e.Close)
	return e
}

// topicState reads partition count and cleanup.policy with an independent
// client (franz-go); a missing topic has count 0.
func topicState(t *testing.T, e *kafka.Embedded, topic string) (int, string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(e.Bootstrap(), ",")...))
	require.NoError(t, err)
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	td, err := adm.ListTopics(ctx, topic)
	require.NoError(t, err)
	d, ok := td[topic]
	if !ok || d.Err != nil {
		return 0, ""
	}
	rc, err := adm.DescribeTopicConfigs(ctx, topic)
	require.NoError(t, err)
	c, err := rc.On(topic, nil)
	require.NoError(t, err)
	for _, kv := range c.Configs {
		if kv.Key == "cleanup.policy" {
			return len(d.Partitions), kv.MaybeValue()
		}
	}
	return len(d.Partitions), ""
}

func prepare(t *testing.T, bootstrap string, creation kafka.TopicCreation, to kafka.TopicTimeouts, topics []kafka.TopicSpec) (kafka.TopicsReport, error, *observer.ObservedLogs, time.Duration) {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	start := time.Now()
	rep, err := kafka.PrepareTopics(context.Background(), kafka.TopicsConfig{Bootstrap: bootstrap, Creation: creation,
		Topics: topics, Timeouts: to}, zap.New(core))
	if err != nil {
		assert.NotContains(t, err.Error(), "\n", "a one-line reason")
	}
	return rep, err, logs, time.Since(start)
}

func TestPrepareTopicsCreatesOnlyWhatIsMissing(t *testing.T) {
	e := startKfake(t)
	require.NoError(t, e.Cluster().CreateTopic(clTransport, 4, map[string]string{"cleanup.policy": "compact"}))
	require.NoError(t, e.Cluster().CreateTopic(commands, 3, nil))

	rep, err, logs, _ := prepare(t, e.Bootstrap(), kafka.TopicCreationAuto, kafka.TopicTimeouts{}, specs(4))
	require.NoError(t, err)
	assert.Equal(t, []string{clTransport}, rep.Found)
	assert.ElementsMatch(t, []string{clQuest, deadLetter}, rep.Created)
	assert.Equal(t, []string{events}, rep.MissingExternal, "a contract topic is never created")
	assert.Empty(t, rep.Unverified, "kfake answers DescribeConfigs")

	n, policy := topicState(t, e, clQuest)
	assert.Equal(t, 4, n)
	assert.Equal(t, "compact", policy)
	n, policy = topicState(t, e, deadLetter)
	assert.Equal(t, 4, n)
	assert.Equal(t, "delete", policy)
	n, _ = topicState(t, e, events)
	assert.Zero(t, n, "the missing contract topic was not created")
	n, _ = topicState(t, e, commands)
	assert.Equal(t, 3, n, "an external topic's partition count is the cluster's business")

	warn := logs.FilterMessageSnippet("contract topics missing").All()
	require.Len(t, warn, 1)
	assert.Equal(t, zapcore.WarnLevel, warn[0].Level)
	assert.Equal(t, []any{events}, warn[0].ContextMap()["topics"])
	require.Len(t, logs.FilterMessage("topics prepared").All(), 1, "one summary line")

	// Next start: everything of its own is there.
	rep, err, _, _ = prepare(t, e.Bootstrap(), kafka.TopicCreationAuto, kafka.TopicTimeouts{}, specs(4))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{clTransport, clQuest, deadLetter}, rep.Found)
	assert.Empty(t, rep.Created)
}

func TestPrepareTopicsRefusesAChangelogThatIsNotCompacted(t *testing.T) {
	for _, policy := range []string{"delete", "compact,delete"} {
		t.Run(policy, func(t *testing.T) {
			e := startKfake(t)
			require.NoError(t, e.Cluster().CreateTopic(clTransport, 4, map[string]string{"cleanup.policy": policy}))
			_, err, _, _ := prepare(t, e.Bootstrap(), kafka.TopicCreationAuto, kafka.TopicTimeouts{}, specs(4))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "changelog "+clTransport+" has cleanup.policy="+policy)
			n, _ := topicState(t, e, clQuest)
			assert.Zero(t, n, "refused before creating anything")
		})
	}
}

func TestPrepareTopicsRefusesChangelogsWithDifferentPartitionCounts(t *testing.T) {
	t.Run("both exist", func(t *testing.T) {
		e := startKfake(t)
		require.NoError(t, e.Cluster().CreateTopic(clTransport, 4, map[string]string{"cleanup.policy": "compact"}))
		require.NoError(t, e.Cluster().CreateTopic(clQuest, 6, map[string]string{"cleanup.policy": "compact"}))
		_, err, _, _ := prepare(t, e.Bootstrap(), kafka.TopicCreationAuto, kafka.TopicTimeouts{}, specs(4))
		require.Error(t, err)
		assert.Contains(t, err.Error(), clQuest+" has 6")
		assert.Contains(t, err.Error(), clTransport+" has 4")
	})
	t.Run("one would be created with another count", func(t *testing.T) {
		e := startKfake(t)
		require.NoError(t, e.Cluster().CreateTopic(clTransport, 6, map[string]string{"cleanup.policy": "compact"}))
		_, err, _, _ := prepare(t, e.Bootstrap(), kafka.TopicCreationAuto, kafka.TopicTimeouts{}, specs(4))
		require.Error(t, err)
		assert.Contains(t, err.Error(), clTransport+" has 6")
		assert.Contains(t, err.Error(), clQuest+" has 4")
		n, _ := topicState(t, e, clQuest)
		assert.Zero(t, n, "refused before creating anything")
	})
}

func TestPrepareTopicsNeverCreatesWhenTold(t *testing.T) {
	e := startKfake(t)
	require.NoError(t, e.Cluster().CreateTopic(clTransport, 4, map[string]string{"cleanup.policy": "compact"}))
	_, err, _, _ := prepare(t, e.Bootstrap(), kafka.TopicCreationNever, kafka.TopicTimeouts{}, specs(4))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TOPIC_CREATION=never")
	assert.Contains(t, err.Error(), clQuest+", "+deadLetter)
	assert.NotContains(t, err.Error(), clTransport)
	assert.Contains(t, err.Error(), "transitquest -list-topics")
	n, _ := topicState(t, e, clQuest)
	assert.Zero(t, n)

	// With every own topic there, never starts like auto.
	require.NoError(t, e.Cluster().CreateTopic(clQuest, 4, map[string]string{"cleanup.policy": "compact"}))
	require.NoError(t, e.Cluster().CreateTopic(deadLetter, 4, nil))
	rep, err, _, _ := prepare(t, e.Bootstrap(), kafka.TopicCreationNever, kafka.TopicTimeouts{}, specs(4))
	require.NoError(t, err)
	assert.Len(t, rep.Found, 3)
}

// librdkafka's mock cluster answers metadata but no admin request: with
// every topic pre-created, preparation ends at the DescribeConfigs bound
// with a warning naming what was not verified.
func TestPrepareTopicsOnABrokerWithoutAdminAPIWarnsWithinTheBound(t *testing.T) {
	mc, err := ck.NewMockCluster(1)
	require.NoError(t, err)
	defer mc.Close()
	for _, s := range specs(4) {
		n := s.Partitions
		if n == 0 {
			n = 2
		}
		require.NoError(t, mc.CreateTopic(s.Name, n, 1))
	}
	to := kafka.TopicTimeouts{Metadata: 5 * time.Second, Create: 2 * time.Second, Describe: time.Second}
	rep, err, logs, took := prepare(t, mc.BootstrapServers(), kafka.TopicCreationAuto, to, specs(4))
	require.NoError(t, err)
	t.Logf("prepared in %s", took)
	assert.Less(t, took, 4*time.Second, "bounded by the DescribeConfigs bound, not hanging")
	assert.ElementsMatch(t, []string{clTransport, clQuest}, rep.Unverified)
	assert.Empty(t, rep.Created)
	assert.Empty(t, rep.MissingExternal)

	warn := logs.FilterField(zap.String("unverified", "cleanup.policy")).All()
	require.Len(t, warn, 1)
	assert.Equal(t, zapcore.WarnLevel, warn[0].Level)
	assert.Contains(t, warn[0].Message, "not verified")
	assert.ElementsMatch(t, []any{clTransport, clQuest}, warn[0].ContextMap()["topics"])
}

// On the same broker a missing own topic cannot be created: a one-line
// error naming it, at the creation bound.
func TestPrepareTopicsCreationThatGetsNoAnswerFailsNamingTheTopic(t *testing.T) {
	mc, err := ck.NewMockCluster(1)
	require.NoError(t, err)
	defer mc.Close()
	require.NoError(t, mc.CreateTopic(clTransport, 4, 1))
	require.NoError(t, mc.CreateTopic(clQuest, 4, 1))
	to := kafka.TopicTimeouts{Metadata: 5 * time.Second, Create: 1500 * time.Millisecond, Describe: time.Second}
	_, err, _, took := prepare(t, mc.BootstrapServers(), kafka.TopicCreationAuto, to, specs(4))
	require.Error(t, err)
	t.Logf("failed in %s: %v", took, err)
	assert.Contains(t, err.Error(), "create topics "+deadLetter)
	assert.Contains(t, err.Error(), "no answer within 1.5s")
	assert.Less(t, took, 5*time.Second)
}
