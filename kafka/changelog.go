package kafka

import (
	"context"
	"errors"
	"fmt"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

// ErrChangelogStalled reports a changelog read that went a whole stall
// period without reading anything (the broker went away, or never
// answers): retried later from the start.
var ErrChangelogStalled = errors.New("changelog read made no progress")

// ReadChangelog reads partitions of a compacted state topic (every
// partition when only is nil) from the beginning to their end and returns
// the latest committed value of every key (tombstoned keys are absent). It
// runs before the partitions' inputs are consumed, so actors resume from
// the state that was committed together with their last effects.
//
// It fails when ctx ends or when stall passes without a record or a
// partition's end read (ErrChangelogStalled; stall <= 0: never): a long
// changelog that keeps coming is read to its end however long it takes,
// and a read that stopped is not waited for.
func ReadChangelog(ctx context.Context, bootstrap, topic string, only []int32, extra ck.ConfigMap, stall time.Duration) (map[string][]byte, error) {
	cfg := ck.ConfigMap{
		"bootstrap.servers":    bootstrap,
		"group.id":             "transitquest-restore", // required by the client; nothing is committed
		"enable.auto.commit":   false,
		"isolation.level":      "read_committed",
		"enable.partition.eof": true,
		"enable.metrics.push":  false,
	}
	for k, v := range extra {
		cfg[k] = v
	}
	c, err := ck.NewConsumer(&cfg)
	if err != nil {
		return nil, fmt.Errorf("changelog consumer: %w", err)
	}
	defer c.Close()
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		return nil, fmt.Errorf("changelog %s metadata: %w", topic, err)
	}
	tm, ok := md.Topics[topic]
	if !ok || tm.Error.Code() != ck.ErrNoError {
		return nil, fmt.Errorf("changelog topic %s not found: %v", topic, tm.Error)
	}
	parts := make([]ck.TopicPartition, 0, len(tm.Partitions))
	remaining := map[int32]bool{}
	wanted := map[int32]bool{}
	for _, p := range only {
		wanted[p] = true
	}
	for _, p := range tm.Partitions {
		if only != nil && !wanted[p.ID] {
			continue
		}
		_, high, err := c.QueryWatermarkOffsets(topic, p.ID, 10000)
		if err != nil {
			return nil, fmt.Errorf("changelog %s[%d] watermarks: %w", topic, p.ID, err)
		}
		if high == 0 {
			continue
		}
		t := topic
		parts = append(parts, ck.TopicPartition{Topic: &t, Partition: p.ID, Offset: ck.OffsetBeginning})
		remaining[p.ID] = true
	}
	state := map[string][]byte{}
	if len(parts) == 0 {
		return state, nil
	}
	if err := c.Assign(parts); err != nil {
		return nil, fmt.Errorf("changelog assign: %w", err)
	}
	progressed := time.Now()
	for len(remaining) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("changelog %s: %w", topic, err)
		}
		if stall > 0 && time.Since(progressed) > stall {
			return nil, fmt.Errorf("changelog %s: %w for %s", topic, ErrChangelogStalled, stall)
		}
		switch e := c.Poll(100).(type) {
		case *ck.Message:
			progressed = time.Now()
			if e.TopicPartition.Error != nil {
				return nil, fmt.Errorf("changelog read: %w", e.TopicPartition.Error)
			}
			if e.Value == nil {
				delete(state, string(e.Key))
			} else {
				state[string(e.Key)] = e.Value
			}
		case ck.PartitionEOF:
			progressed = time.Now()
			delete(remaining, e.Partition)
		case ck.Error:
			if e.IsFatal() {
				return nil, fmt.Errorf("changelog read: %w", e)
			}
		}
	}
	return state, nil
}
