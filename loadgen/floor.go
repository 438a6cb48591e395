package loadgen

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/metrics"
)

// The floor is the service's Kafka shape without the service: what a
// command's path costs in transactions, round trips and client CPU when no
// actor, router or decoder does anything. Two consumer groups stand for
// the two stages (ingress: in → mid, one record per input; actors: mid →
// out, Fanout records per input, as a command's events, changelog and
// forwards are), and the project's own Outbox and Tracker commit both
// groups' offsets in one transaction at a time, with the service's linger
// and client settings. Run it as its own process (FloorServe) beside the
// broker and a driver (RunFloor), as bench/floor.sh does, and compare its
// latency and CPU per command with the service's at the same rate: what the
// floor already costs, no change inside the service can win back.

// FloorConfig names a floor's topics and shape; the stand-in and its
// driver must agree on it.
type FloorConfig struct {
	Bootstrap string
	Tag       string // topics loadgen.floor.TAG.{in,mid,out}
	// Fanout is how many records the second stage writes per input
	// (default 4: with the forward, five records produced per command,
	// about what the service writes at 6,000 commands/s).
	Fanout int
	// Linger is the outbox's (0: commit at once; the service's
	// TRANSACTION_LINGER is 5ms by default, as cmd/floor's -linger).
	Linger time.Duration
	// Stages is 2 (default: ingress, then the actors stage, as the
	// service places inputs) or 1 (the actors stage reads the inputs: the
	// shape without the placement hop).
	Stages int
}

func (c *FloorConfig) defaults() {
	if c.Fanout <= 0 {
		c.Fanout = 4
	}
	if c.Tag == "" {
		c.Tag = "floor"
	}
	if c.Stages != 1 {
		c.Stages = 2
	}
}

func (c FloorConfig) topic(stage string) string { return "loadgen.floor." + c.Tag + "." + stage }

func (c FloorConfig) group(stage string) string { return "loadgen-floor-" + c.Tag + "-" + stage }

// groups are the stand-in's consumer groups.
func (c FloorConfig) groups() []string {
	if c.Stages == 1 {
		return []string{c.group("actors")}
	}
	return []string{c.group("ingress"), c.group("actors")}
}

// floorPartitions is the partition count of the floor's topics: the
// service's internal topics' under the embedded broker.
const floorPartitions = 12

// floorValueSize is a floor record's value size, about a command's.
const floorValueSize = 200

// floorValue is a floor record's value: the instant its input was sent
// (UnixNano), its sequence number, its copy index (0 for the record the
// driver measures), padding.
func floorValue(sent time.Time, seq uint64) []byte {
	v := make([]byte, floorValueSize)
	binary.BigEndian.PutUint64(v, uint64(sent.UnixNano()))
	binary.BigEndian.PutUint64(v[8:], seq)
	return v
}

// readFloorValue returns what floorValue wrote and the copy index; false
// for a value too short to be one.
func readFloorValue(v []byte) (sent time.Time, seq uint64, copyIndex byte, ok bool) {
	if len(v) < 17 {
		return time.Time{}, 0, 0, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(v))), binary.BigEndian.Uint64(v[8:]), v[16], true
}

// fanout is the second stage's records for one input value: n copies,
// numbered in byte 16.
func fanout(topic string, key, v []byte, n int) []kafka.Out {
	out := make([]kafka.Out, n)
	for i := range out {
		c := v
		if i > 0 {
			c = append([]byte(nil), v...)
			if len(c) > 16 {
				c[16] = byte(i)
			}
		}
		out[i] = kafka.Out{Topic: topic, Partition: ck.PartitionAny, Key: key, Value: c}
	}
	return out
}

// CreateFloorTopics creates the floor's topics (existing ones are kept).
func CreateFloorTopics(ctx context.Context, cfg FloorConfig) error {
	cfg.defaults()
	c, err := newClient(cfg.Bootstrap)
	if err != nil {
		return err
	}
	defer c.Close()
	created, err := kadm.NewClient(c).CreateTopics(ctx, floorPartitions, 1, nil, cfg.topic("in"), cfg.topic("mid"), cfg.topic("out"))
	if err != nil {
		return fmt.Errorf("create floor topics: %w", err)
	}
	for _, r := range created {
		if r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("create %s: %w", r.Topic, r.Err)
		}
	}
	return nil
}

// FloorServe runs the stand-in until ctx ends: it creates the topics, joins
// both groups and passes records through. It returns nil when ctx ends.
func FloorServe(ctx context.Context, cfg FloorConfig, log *zap.Logger) error {
	cfg.defaults()
	if err := CreateFloorTopics(ctx, cfg); err != nil {
		return err
	}
	// The service's client settings: what kafka.NewPipeline runs.
	p, err := kafka.NewTransactionalProducer(ctx, kafka.ProducerConfig(kafka.PipelineConfig{
		Bootstrap: cfg.Bootstrap, TransactionalID: "loadgen-floor-" + cfg.Tag}))
	if err != nil {
		return fmt.Errorf("floor producer: %w", err)
	}
	defer p.Close()
	// Each stage reads its topic and writes the next one's records: with
	// two, ingress forwards each input once and the actors stage fans it
	// out; with one, the actors stage reads the inputs itself.
	type stageDef struct {
		name, from string
		build      func(m *ck.Message) []kafka.Out
	}
	mid, out := cfg.topic("mid"), cfg.topic("out")
	last := stageDef{"actors", mid, func(m *ck.Message) []kafka.Out { return fanout(out, m.Key, m.Value, cfg.Fanout) }}
	defs := []stageDef{{"ingress", cfg.topic("in"), func(m *ck.Message) []kafka.Out {
		return []kafka.Out{{Topic: mid, Partition: ck.PartitionAny, Key: m.Key, Value: m.Value}}
	}}, last}
	if cfg.Stages == 1 {
		last.from = cfg.topic("in")
		defs = []stageDef{last}
	}
	stages := make([]*floorStage, len(defs))
	for i, d := range defs {
		st, err := newFloorStage(cfg, d.name, d.from)
		if err != nil {
			return err
		}
		defer st.c.Close()
		stages[i] = st
	}
	ob := kafka.NewOutbox(p, stages[0].c, stages[0].t, kafka.OutboxConfig{Linger: cfg.Linger}, log, metrics.New())
	for _, st := range stages[1:] {
		ob.Serve(st.c, st.t)
	}
	obCtx, stopOutbox := context.WithCancel(context.Background())
	defer stopOutbox()
	obErr := make(chan error, 1)
	go func() { obErr <- ob.Run(obCtx) }()

	// A stage that fails stops the others.
	ctx, stopStages := context.WithCancel(ctx)
	defer stopStages()
	var wg sync.WaitGroup
	errs := make(chan error, len(stages))
	for i, st := range stages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.run(ctx, ob, defs[i].build); err != nil {
				errs <- err
				stopStages()
			}
		}()
	}
	wg.Wait()
	ob.Close()
	select {
	case err := <-obErr:
		if err != nil {
			return fmt.Errorf("floor outbox: %w", err)
		}
	case <-time.After(10 * time.Second):
		stopOutbox() // abandons what it had not committed
		<-obErr
	}
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// floorStage is one of the stand-in's consumer groups.
type floorStage struct {
	c *ck.Consumer
	t *kafka.Tracker
}

func newFloorStage(cfg FloorConfig, stage, topic string) (*floorStage, error) {
	cc := kafka.ConsumerConfig(kafka.PipelineConfig{Bootstrap: cfg.Bootstrap, Group: cfg.group(stage)})
	c, err := ck.NewConsumer(&cc)
	if err != nil {
		return nil, fmt.Errorf("floor %s consumer: %w", stage, err)
	}
	s := &floorStage{c: c, t: kafka.NewTracker()}
	if err := c.Subscribe(topic, s.rebalance); err != nil {
		c.Close()
		return nil, fmt.Errorf("floor %s subscribe: %w", stage, err)
	}
	return s, nil
}

// rebalance tracks what the group assigns; the client applies the change
// itself after the callback.
func (s *floorStage) rebalance(_ *ck.Consumer, ev ck.Event) error {
	switch e := ev.(type) {
	case ck.AssignedPartitions:
		for _, tp := range e.Partitions {
			s.t.Assign(*tp.Topic, tp.Partition)
		}
	case ck.RevokedPartitions:
		for _, tp := range e.Partitions {
			s.t.Revoke(*tp.Topic, tp.Partition)
		}
	}
	return nil
}

// run submits each consumed record's outputs until ctx ends.
func (s *floorStage) run(ctx context.Context, ob *kafka.Outbox, build func(*ck.Message) []kafka.Out) error {
	for ctx.Err() == nil {
		m, ok := s.c.Poll(100).(*ck.Message)
		if !ok {
			continue
		}
		if m.TopicPartition.Error != nil {
			return fmt.Errorf("floor consume: %w", m.TopicPartition.Error)
		}
		src, ok := s.t.Begin(*m.TopicPartition.Topic, m.TopicPartition.Partition, int64(m.TopicPartition.Offset))
		if !ok {
			continue // revoked meanwhile
		}
		if err := ob.Submit(kafka.Batch{Records: build(m), Source: &src}); err != nil {
			return fmt.Errorf("floor submit: %w", err)
		}
	}
	return nil
}
