package kafka

import (
	"context"
	"errors"
	"fmt"
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
		// Owned (for effects) before the actors start: an overdue timer
		// fires as soon as they do. Nothing is consumed before this
		// callback returns, so the actors run before their first record.
		pl.adopt(parts)
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
		internal := pl.notRestoring(pl.internalOf(e.Partitions))
		if c.AssignmentLost() {
			// Another replica may already run these actors: nothing they
			// emit from now on may commit.
			for _, k := range keys {
				pl.tracker.Revoke(k.Topic, k.Partition)
			}
			pl.release(internal, false)
		} else {
			// The wait ends at revokeMax, or at once when a shutdown gave up.
			ctx, cancel := context.WithTimeout(context.Background(), pl.revokeMax)
			go func() {
				select {
				case <-pl.giveUp:
					cancel()
				case <-ctx.Done():
				}
			}()
			if !pl.tracker.WaitSettled(keys, ctx.Done()) {
				pl.log.Warn("revoking partitions with uncommitted records; their next owner reads them again")
			}
			pl.release(internal, true)
			if len(internal) > 0 {
				switch err := pl.outbox.Flush(ctx); {
				case errors.Is(err, ErrClosed):
					// Shutdown: the outbox was drained before the group is left.
				case err != nil:
					pl.log.Warn("revoking partitions whose actors' last effects are not committed; their next owner decides again", zap.Error(err))
				}
			}
			cancel()
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

// notRestoring drops (and forgets) the partitions still waiting for their
// state: their actors never started.
func (pl *Pipeline) notRestoring(internal []int32) []int32 {
	out := internal[:0]
	for _, p := range internal {
		if pl.restoring[p] {
			delete(pl.restoring, p)
			continue
		}
		out = append(out, p)
	}
	return out
}

// internalOf picks the internal topic's partitions out of parts.
func (pl *Pipeline) internalOf(parts []ck.TopicPartition) []int32 {
	var out []int32
	for _, tp := range parts {
		if pl.internal != "" && *tp.Topic == pl.internal {
			out = append(out, tp.Partition)
		}
	}
	return out
}

// An attempt at restoring partitions fails once its changelog read has
// read nothing for restoreStall (the broker is away: retried a second
// later), not after a fixed time: a bound on the whole read made a
// changelog that takes longer to read than the bound (about 200,000 keys
// on a 2-core machine, fewer on a slower one or an uncompacted topic)
// fail at every attempt, from the start, for ever. restoreMax still bounds
// the attempt as a whole, because it runs on the poll goroutine inside the
// rebalance callback, and librdkafka drops a member that has not polled
// for max.poll.interval.ms (300 s by default).
const (
	restoreStall = 10 * time.Second
	restoreMax   = 4 * time.Minute
)

// adopt restores newly assigned internal partitions and has the owner
// start their actors, before anything of them is consumed. Partitions whose
// state cannot be read now (the broker is away) stay assigned but paused,
// and retryRestore tries them again from the poll loop: the actors never
// run without their state, and the replica keeps its membership meanwhile.
func (pl *Pipeline) adopt(parts []ck.TopicPartition) {
	internal := pl.internalOf(parts)
	if len(internal) == 0 {
		return
	}
	if err := pl.placeActors(internal); err != nil {
		pl.log.Warn("partitions not restored yet; paused until they are", zap.Int32s("partitions", internal), zap.Error(err))
		for _, p := range internal {
			pl.restoring[p] = true
		}
		pl.pauseRestoring()
		pl.nextRestore = time.Now().Add(time.Second)
	}
}

// placeActors restores partitions and starts their actors.
func (pl *Pipeline) placeActors(internal []int32) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), restoreMax)
	// A stop does not wait for a restore: the poll loop (whose goroutine
	// this is) must end promptly, and the partitions go to their next owner.
	go func() {
		select {
		case <-pl.stopPoll:
		case <-pl.giveUp:
		case <-ctx.Done():
		}
		cancel()
	}()
	state, err := pl.cfg.Restore(ctx, internal)
	cancel()
	if err != nil {
		return fmt.Errorf("restore %v: %w", internal, err)
	}
	if err := pl.cfg.Owner.Assign(Assignment{Partitions: internal, Count: pl.count, State: state}); err != nil {
		return fmt.Errorf("start actors of partitions %v: %w", internal, err)
	}
	pl.m.RestoreSeconds.Observe(time.Since(start).Seconds())
	pl.learnCommitted(internal)
	pl.ownedMu.Lock()
	pl.owned = append(pl.owned, internal...)
	n := len(pl.owned)
	pl.ownedMu.Unlock()
	pl.m.Owned.WithLabelValues(pl.cfg.Group).Set(float64(n))
	pl.log.Info("actors placed", zap.Int32s("partitions", internal), zap.Int("stateKeys", len(state)),
		zap.Duration("restore", time.Since(start)))
	return nil
}

// retryRestore runs on the poll loop: it tries again to place the
// partitions adopt could not, at most once a second, and resumes them once
// placed.
func (pl *Pipeline) retryRestore() {
	if len(pl.restoring) == 0 || time.Now().Before(pl.nextRestore) {
		return
	}
	internal := make([]int32, 0, len(pl.restoring))
	for p := range pl.restoring {
		internal = append(internal, p)
	}
	if err := pl.placeActors(internal); err != nil {
		pl.log.Warn("partitions still not restored", zap.Int32s("partitions", internal), zap.Error(err))
		pl.nextRestore = time.Now().Add(time.Second)
		return
	}
	tps := pl.internalPartitions(internal)
	pl.restoring = map[int32]bool{}
	if !pl.paused {
		if err := pl.c.Resume(tps); err != nil {
			pl.log.Error("resume restored partitions", zap.Error(err))
		}
	}
}

// pauseRestoring pauses the partitions waiting for their state.
func (pl *Pipeline) pauseRestoring() {
	var internal []int32
	for p := range pl.restoring {
		internal = append(internal, p)
	}
	if err := pl.c.Pause(pl.internalPartitions(internal)); err != nil {
		pl.log.Error("pause partitions waiting for their state", zap.Error(err))
	}
}

func (pl *Pipeline) internalPartitions(ids []int32) []ck.TopicPartition {
	out := make([]ck.TopicPartition, len(ids))
	for i, p := range ids {
		topic := pl.internal
		out[i] = ck.TopicPartition{Topic: &topic, Partition: p}
	}
	return out
}

// learnCommitted gives the tracker the group's committed offsets of the
// internal partitions, so timer effects are fenced from the start.
func (pl *Pipeline) learnCommitted(ids []int32) {
	committed, err := pl.c.Committed(pl.internalPartitions(ids), 10000)
	if err != nil {
		pl.log.Warn("committed offsets unknown: timer effects are fenced once an input is committed", zap.Error(err))
		return
	}
	for _, tp := range committed {
		if tp.Offset >= 0 {
			pl.tracker.SetCommitted(*tp.Topic, tp.Partition, int64(tp.Offset))
		}
	}
}

// release has the owner stop the actors of revoked internal partitions.
func (pl *Pipeline) release(internal []int32, clean bool) {
	if len(internal) == 0 {
		return
	}
	pl.cfg.Owner.Revoke(internal)
	gone := map[int32]bool{}
	for _, p := range internal {
		gone[p] = true
	}
	pl.ownedMu.Lock()
	kept := pl.owned[:0]
	for _, p := range pl.owned {
		if !gone[p] {
			kept = append(kept, p)
		}
	}
	pl.owned = kept
	n := len(kept)
	pl.ownedMu.Unlock()
	pl.m.Owned.WithLabelValues(pl.cfg.Group).Set(float64(n))
	pl.log.Info("actors released", zap.Int32s("partitions", internal), zap.Bool("clean", clean))
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
