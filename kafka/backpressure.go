package kafka

import ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

// backpressure pauses every assigned partition while too many records are
// unfinished, and resumes at half the limit. Poll keeps running either way
// so the group membership stays alive. The gauge counts what is not yet
// committed, as its help says; the limit counts what is not yet done, as
// before: the rest waits only for the outbox's transaction in progress.
func (pl *Pipeline) backpressure() {
	n := pl.tracker.InFlight()
	pl.m.InFlight.WithLabelValues(pl.cfg.Group).Set(float64(pl.tracker.Unsettled()))
	switch {
	case !pl.paused && n >= pl.cfg.MaxInFlight:
		if err := pl.c.Pause(pl.assignment()); err == nil {
			pl.paused = true
		}
	case pl.paused && n <= pl.cfg.MaxInFlight/2:
		if err := pl.c.Resume(pl.assignment()); err == nil {
			pl.paused = false
		}
	}
}

// assignment is the assigned partitions backpressure pauses and resumes:
// not those waiting for their state, which stay paused until placed.
func (pl *Pipeline) assignment() []ck.TopicPartition {
	out := make([]ck.TopicPartition, 0, len(pl.assigned))
	for k := range pl.assigned {
		if k.topic == pl.internal && pl.restoring[k.partition] {
			continue
		}
		topic := k.topic
		out = append(out, ck.TopicPartition{Topic: &topic, Partition: k.partition})
	}
	return out
}
