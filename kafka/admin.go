package kafka

import (
	"context"
	"fmt"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// TopicSpec is a topic the service owns and creates when missing.
type TopicSpec struct {
	Name       string
	Partitions int
	Compact    bool
}

// EnsureTopics creates the service's own topics (state changelogs, dead
// letters) when they do not exist; existing topics are left as they are.
// Like Kafka Streams' internal topics, they belong to this service, so
// operators need not pre-create them.
func EnsureTopics(ctx context.Context, bootstrap string, extra ck.ConfigMap, specs ...TopicSpec) error {
	cfg := ck.ConfigMap{"bootstrap.servers": bootstrap, "enable.metrics.push": false}
	for k, v := range extra {
		cfg[k] = v
	}
	adm, err := ck.NewAdminClient(&cfg)
	if err != nil {
		return fmt.Errorf("admin client: %w", err)
	}
	defer adm.Close()
	topics := make([]ck.TopicSpecification, len(specs))
	for i, s := range specs {
		topics[i] = ck.TopicSpecification{Topic: s.Name, NumPartitions: s.Partitions, ReplicationFactor: -1}
		if s.Compact {
			topics[i].Config = map[string]string{"cleanup.policy": "compact"}
		}
	}
	res, err := adm.CreateTopics(ctx, topics)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	for _, r := range res {
		if c := r.Error.Code(); c != ck.ErrNoError && c != ck.ErrTopicAlreadyExists {
			return fmt.Errorf("create topic %s: %w", r.Topic, r.Error)
		}
	}
	return nil
}
