package kafka

import (
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"go.uber.org/zap"
)

// rebalance runs inside Poll (or Close). On revoke it waits until every
// record already read from the revoked partitions is committed, so the next
// owner starts exactly where this one stopped.
func (pl *Pipeline) rebalance(c *ck.Consumer, ev ck.Event) error {
	switch e := ev.(type) {
	case ck.AssignedPartitions:
		parts := pl.startOffsets(e.Partitions)
		for _, tp := range parts {
			pl.tracker.Assign(*tp.Topic, tp.Partition)
			pl.assigned[partKey{*tp.Topic, tp.Partition}] = true
		}
		if err := c.IncrementalAssign(parts); err != nil {
			pl.log.Error("incremental assign", zap.Error(err))
		}
		if pl.paused {
			_ = c.Pause(parts)
		}
		pl.nAssigned.Store(int64(len(pl.assigned)))
		pl.countRebalance("assigned")
		pl.log.Info("partitions assigned", zap.Int("count", len(parts)))
	case ck.RevokedPartitions:
		keys := make([]Source, 0, len(e.Partitions))
		for _, tp := range e.Partitions {
			keys = append(keys, Source{Topic: *tp.Topic, Partition: tp.Partition})
		}
		if !c.AssignmentLost() {
			// The wait ends at revokeMax, or at once when a shutdown gave up.
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(stop)
				select {
				case <-time.After(pl.revokeMax):
				case <-pl.giveUp:
				case <-done:
				}
			}()
			if !pl.tracker.WaitSettled(keys, stop) {
				pl.log.Warn("revoking partitions with uncommitted records; their next owner reads them again")
			}
			close(done)
		}
		for _, k := range keys {
			pl.tracker.Revoke(k.Topic, k.Partition)
			delete(pl.assigned, partKey{k.Topic, k.Partition})
		}
		pl.nAssigned.Store(int64(len(pl.assigned)))
		pl.countRebalance("revoked")
		if err := c.IncrementalUnassign(e.Partitions); err != nil {
			pl.log.Error("incremental unassign", zap.Error(err))
		}
		pl.log.Info("partitions revoked", zap.Int("count", len(keys)), zap.Bool("lost", c.AssignmentLost()))
	}
	return nil
}

// countRebalance exports one assignment change and the partitions now owned.
func (pl *Pipeline) countRebalance(kind string) {
	pl.m.Rebalances.WithLabelValues(pl.cfg.Group, kind).Inc()
	pl.m.Assigned.WithLabelValues(pl.cfg.Group).Set(float64(len(pl.assigned)))
}

// startOffsets makes "latest" topics start at the end when the group has
// never committed an offset for the partition.
func (pl *Pipeline) startOffsets(parts []ck.TopicPartition) []ck.TopicPartition {
	var latest []ck.TopicPartition
	for _, tp := range parts {
		if pl.latest[*tp.Topic] {
			latest = append(latest, tp)
		}
	}
	if len(latest) == 0 {
		return parts
	}
	committed, err := pl.c.Committed(latest, 10000)
	if err != nil {
		pl.log.Warn("committed offsets unknown; starting latest topics at their committed or earliest offset", zap.Error(err))
		return parts
	}
	noCommit := map[partKey]bool{}
	for _, tp := range committed {
		if tp.Offset < 0 {
			noCommit[partKey{*tp.Topic, tp.Partition}] = true
		}
	}
	out := make([]ck.TopicPartition, len(parts))
	for i, tp := range parts {
		if noCommit[partKey{*tp.Topic, tp.Partition}] {
			tp.Offset = ck.OffsetEnd
		}
		out[i] = tp
	}
	return out
}
