package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// PipelineConfig describes one consumer group and its transactional producer.
type PipelineConfig struct {
	Bootstrap string
	Group     string
	// TransactionalID must be stable per replica (e.g. pod name + subsystem)
	// so a restarted replica fences its predecessor's open transaction at
	// once instead of waiting for it to time out.
	TransactionalID string
	// LatestTopics start at the end when the group has no committed offset
	// (map status events); every other topic starts at the beginning.
	LatestTopics []messages.Topic
	// MaxInFlight pauses consumption while this many records are unfinished (default 20000).
	MaxInFlight int
	// MaxRecordBytes rejects larger records (default 900,000: below
	// librdkafka's message.max.bytes, so a dead-letter copy always fits).
	MaxRecordBytes int
	Outbox         OutboxConfig
	// Extra librdkafka properties for both clients (e.g. security settings).
	Extra ck.ConfigMap
}

// Pipeline is one consumer group with its router, offset tracker and outbox.
// Records are read on one goroutine, dispatched in partition order to
// actors, and committed through the outbox.
type Pipeline struct {
	cfg     PipelineConfig
	log     *zap.Logger
	m       *metrics.Metrics
	names   messages.TopicNames
	c       *ck.Consumer
	p       *ck.Producer
	tracker *Tracker
	outbox  *Outbox
	emitter *Emitter
	router  *Router
	latest  map[string]bool

	stopPoll   chan struct{}
	pollDone   chan struct{}
	stopOnce   sync.Once
	assigned   map[partKey]bool
	paused     bool
	revokeMax  time.Duration
	closing    <-chan struct{} // set by Close: bounds the revoke wait
	closeOnce  sync.Once
	closeErr   error
	started    bool               // Start ran: the poll loop and the outbox exist
	stopOutbox context.CancelFunc // hard stop of the outbox alone
	nAssigned  atomic.Int64       // partitions currently assigned, for readiness
	errs       chan error
}

func baseConfig(cfg PipelineConfig) ck.ConfigMap {
	m := ck.ConfigMap{
		"bootstrap.servers":   cfg.Bootstrap,
		"enable.metrics.push": false,
	}
	for k, v := range cfg.Extra {
		m[k] = v
	}
	return m
}

// NewPipeline connects a consumer and a transactional producer (it calls
// InitTransactions, which fences an earlier producer with the same id).
func NewPipeline(ctx context.Context, cfg PipelineConfig, names messages.TopicNames, log *zap.Logger, m *metrics.Metrics) (*Pipeline, error) {
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 20000
	}
	if cfg.MaxRecordBytes <= 0 {
		cfg.MaxRecordBytes = 900_000
	}
	log = log.With(zap.String("group", cfg.Group))
	pc := baseConfig(cfg)
	for k, v := range (ck.ConfigMap{
		"transactional.id":       cfg.TransactionalID,
		"partitioner":            "murmur2_random",
		"linger.ms":              2,
		"go.delivery.reports":    false,
		"transaction.timeout.ms": 60000,
	}) {
		pc[k] = v
	}
	p, err := ck.NewProducer(&pc)
	if err != nil {
		return nil, fmt.Errorf("new producer: %w", err)
	}
	ictx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := p.InitTransactions(ictx); err != nil {
		p.Close()
		return nil, fmt.Errorf("init transactions %q: %w", cfg.TransactionalID, err)
	}
	cc := baseConfig(cfg)
	for k, v := range (ck.ConfigMap{
		"group.id":                      cfg.Group,
		"enable.auto.commit":            false,
		"isolation.level":               "read_committed",
		"auto.offset.reset":             "earliest",
		"partition.assignment.strategy": "cooperative-sticky",
		"go.logs.channel.enable":        false,
	}) {
		cc[k] = v
	}
	c, err := ck.NewConsumer(&cc)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("new consumer: %w", err)
	}
	pl := &Pipeline{cfg: cfg, log: log, m: m, names: names, c: c, p: p, tracker: NewTracker(),
		latest: map[string]bool{}, stopPoll: make(chan struct{}), pollDone: make(chan struct{}),
		assigned: map[partKey]bool{}, revokeMax: 30 * time.Second, errs: make(chan error, 2)}
	for _, t := range cfg.LatestTopics {
		pl.latest[names.Name(t)] = true
	}
	pl.outbox = NewOutbox(p, c, pl.tracker, cfg.Outbox, log, m)
	pl.emitter = NewEmitter(names, pl.outbox, log, m)
	pl.router = NewRouter(names, pl.emitter, cfg.MaxRecordBytes)
	return pl, nil
}

// Router is where subsystems register their topic handlers (before Start).
func (pl *Pipeline) Router() *Router { return pl.router }

// Emitter is what actors hand their effects to.
func (pl *Pipeline) Emitter() *Emitter { return pl.emitter }

// Errors delivers fatal errors of the poll loop or the outbox.
func (pl *Pipeline) Errors() <-chan error { return pl.errs }

// Start subscribes and runs the outbox and the poll loop on their own
// goroutines; ctx cancellation is a hard stop of both.
func (pl *Pipeline) Start(ctx context.Context) error {
	topics := pl.router.Topics()
	if err := pl.c.SubscribeTopics(topics, pl.rebalance); err != nil {
		return fmt.Errorf("subscribe %v: %w", topics, err)
	}
	// The outbox has a stop of its own: Close must be able to end it, and
	// wait for it, before the clients it uses are destroyed.
	octx, stopOutbox := context.WithCancel(ctx)
	pl.stopOutbox = stopOutbox
	go func() {
		if err := pl.outbox.Run(octx); err != nil && !errors.Is(err, context.Canceled) {
			pl.errs <- err
		}
	}()
	pl.started = true
	go pl.poll(ctx)
	pl.log.Info("consuming", zap.Strings("topics", topics))
	return nil
}

func (pl *Pipeline) poll(ctx context.Context) {
	defer close(pl.pollDone)
	for {
		select {
		case <-pl.stopPoll:
			return
		case <-ctx.Done():
			return
		default:
		}
		pl.backpressure()
		switch e := pl.c.Poll(100).(type) {
		case *ck.Message:
			if e.TopicPartition.Error != nil {
				pl.log.Warn("consume error", zap.Error(e.TopicPartition.Error))
				continue
			}
			src, ok := pl.tracker.Begin(*e.TopicPartition.Topic, e.TopicPartition.Partition, int64(e.TopicPartition.Offset))
			if !ok {
				continue // partition revoked under us; its new owner reads it
			}
			pl.router.Dispatch(e, src)
		case ck.Error:
			if e.IsFatal() {
				pl.errs <- fmt.Errorf("consumer: %w", e)
				return
			}
			pl.log.Debug("consumer notice", zap.Error(e))
		}
	}
}

// Ping asks the cluster for metadata, bounded by ctx's deadline (1s
// without one): the readiness probe's "broker reachable".
func (pl *Pipeline) Ping(ctx context.Context) error {
	ms := 1000
	if dl, ok := ctx.Deadline(); ok {
		if ms = int(time.Until(dl).Milliseconds()); ms <= 0 {
			return context.DeadlineExceeded
		}
	}
	_, err := pl.c.GetMetadata(nil, false, ms)
	return err
}

// Assigned is the number of partitions this replica currently owns.
func (pl *Pipeline) Assigned() int { return int(pl.nAssigned.Load()) }

// StopConsuming ends the poll loop; records already dispatched keep going.
func (pl *Pipeline) StopConsuming() {
	if !pl.started {
		return
	}
	pl.stopOnce.Do(func() { close(pl.stopPoll) })
	<-pl.pollDone
}

// WaitIdle waits until the outbox has taken every dispatched record into a
// transaction (or ctx ends) and reports whether it got there.
func (pl *Pipeline) WaitIdle(ctx context.Context) bool {
	for pl.tracker.InFlight() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(5 * time.Millisecond):
		}
	}
	return true
}

// Close commits everything queued in the outbox, leaves the group and
// closes both clients. Call StopConsuming (and let actors finish) first.
// When ctx ends first, whatever is uncommitted is abandoned: it is read
// again by the partitions' next owner, so nothing is lost.
func (pl *Pipeline) Close(ctx context.Context) error {
	pl.closeOnce.Do(func() { pl.closeErr = pl.close(ctx) })
	return pl.closeErr
}

func (pl *Pipeline) close(ctx context.Context) error {
	var err error
	if pl.started {
		pl.StopConsuming()
		pl.outbox.Close()
		select {
		case <-pl.outbox.Done():
		case <-ctx.Done():
			err = fmt.Errorf("outbox did not finish: %w", ctx.Err())
			// Abandon what is uncommitted (read again by the next owner), but
			// never destroy the clients under a transactional call: wait for
			// the outbox to return (at most one call's timeout).
			pl.stopOutbox()
			<-pl.outbox.Done()
		}
	}
	pl.closing = ctx.Done()
	if cerr := pl.c.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close consumer: %w", cerr)
	}
	pl.p.Close()
	return err
}

// Lag reports, per assigned partition, the high watermark minus the
// consumer's fetch position, for the metrics endpoint.
func (pl *Pipeline) Lag() map[string]int64 {
	out := map[string]int64{}
	parts, err := pl.c.Assignment()
	if err != nil {
		return out
	}
	pos, err := pl.c.Position(parts)
	if err != nil {
		return out
	}
	for _, tp := range pos {
		_, high, err := pl.c.GetWatermarkOffsets(*tp.Topic, tp.Partition)
		if err != nil || tp.Offset < 0 {
			continue
		}
		out[*tp.Topic+"/"+strconv.Itoa(int(tp.Partition))] = high - int64(tp.Offset)
	}
	return out
}
