package kafka

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

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
	// Retention, when set, drops records older than this from the plain
	// topics (not the changelogs), every quarter of it: a load run
	// otherwise keeps every record it ever produced in this process.
	Retention time.Duration
}

// segmentBytes bounds each in-memory log segment. kfake grows a segment's
// buffer by doubling and copying it, inside its single request loop; at
// its default of 1 GiB a busy partition's segment grew to hundreds of MiB
// and each copy stalled the whole broker (profiled in a load run: a third
// of its CPU in the copies and their page faults).
const segmentBytes = 16 << 20

// Embedded is an in-process single-node Kafka-protocol broker (kfake) on
// 127.0.0.1, for `make run` and the tests. It speaks the real protocol, so
// the service uses it through the same client as a real cluster.
type Embedded struct {
	cluster *kfake.Cluster
	stop    chan struct{} // ends the retention loop (nil without one)
	done    chan struct{}
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
		kfake.BrokerConfigs(map[string]string{"log.segment.bytes": strconv.Itoa(segmentBytes)}),
	}
	if len(cfg.Topics) > 0 && cfg.Retention <= 0 {
		opts = append(opts, kfake.SeedTopics(cfg.Partitions, cfg.Topics...))
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded broker: %w", err)
	}
	if cfg.Retention > 0 {
		// Retention on the plain topics only: kfake would apply a broker-wide
		// retention.ms to the changelogs too, which must keep every key.
		ms := map[string]string{"retention.ms": strconv.FormatInt(cfg.Retention.Milliseconds(), 10)}
		for _, t := range cfg.Topics {
			if err := c.CreateTopic(t, cfg.Partitions, ms); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
				c.Close()
				return nil, fmt.Errorf("start embedded broker: create %s: %w", t, err)
			}
		}
	}
	for _, t := range cfg.Compacted {
		// A persisted broker restarting already has them.
		if err := c.CreateTopic(t, cfg.Partitions, map[string]string{"cleanup.policy": "compact"}); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			c.Close()
			return nil, fmt.Errorf("start embedded broker: create %s: %w", t, err)
		}
	}
	e := &Embedded{cluster: c}
	if cfg.Retention > 0 {
		e.stop, e.done = make(chan struct{}), make(chan struct{})
		go e.retain(cfg.Retention / 4)
	}
	return e, nil
}

// retain applies retention every period until Close.
func (e *Embedded) retain(period time.Duration) {
	defer close(e.done)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			// Not Compact: compacting every changelog partition runs in
			// kfake's request loop and stalled the broker for 3–4 s every
			// period in a load run. kfake's own cleaner compacts hourly.
			e.cluster.ApplyRetention()
		}
	}
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
func (e *Embedded) Close() {
	if e.stop != nil {
		close(e.stop)
		<-e.done
	}
	e.cluster.Close()
}
