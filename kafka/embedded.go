package kafka

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/gamehost/transitquest/messages"
)

// EmbeddedConfig describes an in-process Kafka-protocol broker.
type EmbeddedConfig struct {
	Port       int      // 0 picks a free port
	Partitions int32    // per topic (default 12)
	Topics     []string // created up front
	// Compacted are created up front with cleanup.policy=compact (the
	// changelogs), with the same partition count.
	Compacted []string
	DataDir   string // persist the log here (empty: memory only)
}

// Embedded is an in-process single-node Kafka-protocol broker (kfake) on
// 127.0.0.1, for `make run` and the tests. It speaks the real protocol, so
// the service uses it through the same client as a real cluster.
type Embedded struct {
	cluster *kfake.Cluster
}

// StartEmbedded starts the broker.
func StartEmbedded(cfg EmbeddedConfig) (*Embedded, error) {
	if cfg.Partitions <= 0 {
		cfg.Partitions = 12
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(1),
		kfake.Ports(cfg.Port),
		kfake.DefaultNumPartitions(int(cfg.Partitions)),
		kfake.AllowAutoTopicCreation(),
	}
	if len(cfg.Topics) > 0 {
		opts = append(opts, kfake.SeedTopics(cfg.Partitions, cfg.Topics...))
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded broker: %w", err)
	}
	for _, t := range cfg.Compacted {
		// A persisted broker restarting already has them.
		if err := c.CreateTopic(t, cfg.Partitions, map[string]string{"cleanup.policy": "compact"}); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			c.Close()
			return nil, fmt.Errorf("start embedded broker: create %s: %w", t, err)
		}
	}
	return &Embedded{cluster: c}, nil
}

// EmbeddedTopics splits every logical topic's real name into the ones an
// embedded broker seeds plainly and the compacted changelogs.
func EmbeddedTopics(names messages.TopicNames) (topics, compacted []string) {
	for _, t := range messages.AllTopics {
		if t == messages.ChangelogTopicTransport || t == messages.ChangelogTopicPartyQuest {
			compacted = append(compacted, names.Name(t))
		} else {
			topics = append(topics, names.Name(t))
		}
	}
	return topics, compacted
}

// Bootstrap is the comma-separated broker address list.
func (e *Embedded) Bootstrap() string { return strings.Join(e.cluster.ListenAddrs(), ",") }

// Cluster exposes the broker for fault injection in tests.
func (e *Embedded) Cluster() *kfake.Cluster { return e.cluster }

// Close stops the broker.
func (e *Embedded) Close() { e.cluster.Close() }
