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
	// CommitVia, when set, is the pipeline whose transactional producer
	// commits this one's effects and offsets, in the same transactions as
	// its own: a subsystem's stages share one producer (see Stages). This
	// pipeline then has no producer, TransactionalID and Outbox are
	// unused, and CommitVia runs and closes the outbox: create this
	// pipeline before CommitVia starts, and close it first.
	CommitVia *Pipeline
	// GroupInstanceID, when set, makes the consumer a static member of its
	// group (group.instance.id): a replica restarted under the same id
	// within the session timeout gets its partitions back at once, with no
	// rebalance. It must be stable per replica and unique in the group; a
	// static member that stops leaves its partitions idle until the session
	// times out, unless it comes back.
	GroupInstanceID string
	// LatestTopics start at the end when the group has no committed offset
	// (map status events); every other topic starts at the beginning.
	LatestTopics []messages.Topic
	// MaxInFlight pauses consumption while this many records are unfinished (default 20000).
	MaxInFlight int
	// MaxRecordBytes rejects larger records (default 900,000: below
	// librdkafka's message.max.bytes, so a dead-letter copy always fits).
	MaxRecordBytes int
	Outbox         OutboxConfig
	// InternalTenantHeaders writes the four tenant headers on internal
	// records too. Their keys name their tenant, which this version reads
	// (Router.HandleKeyed); the headers are for the rolling upgrade from a
	// version that reads them only, until no replica of it is left.
	InternalTenantHeaders bool
	// Extra librdkafka properties for both clients (e.g. security settings).
	Extra ck.ConfigMap
	// Internal, Changelog and Owner place actors by partition (see
	// Topology): the pipeline restores each assigned partition of the
	// internal topic from the same partition of the changelog and tells
	// Owner, before consuming it; on revocation it commits the partition's
	// inputs, has Owner stop its actors and commits what they emitted.
	Internal  messages.Topic
	Changelog messages.Topic
	Owner     Owner
	// Restore reads changelog partitions; nil reads them from the broker.
	// Tests replace it.
	Restore func(ctx context.Context, parts []int32) (map[string][]byte, error)
}

// Defaults that bound failover. A dead member's partitions move after the
// session timeout; an open transaction of a dead producer holds back
// read_committed readers of its partitions until the transaction timeout.
// KAFKA_EXTRA_CONFIG overrides them.
const (
	defaultSessionTimeoutMs     = 6000
	defaultHeartbeatIntervalMs  = 1000
	defaultTransactionTimeoutMs = 6000
)

// producerDefaults are the producer settings KAFKA_EXTRA_CONFIG may
// override (a function: a fresh map each time, nothing shared).
func producerDefaults() ck.ConfigMap {
	return ck.ConfigMap{
		"transaction.timeout.ms": defaultTransactionTimeoutMs,
		// The Go client allocates both channels at their full size up
		// front: 1,000,000 entries each by default, about 24 MiB per
		// producer. The outbox produces with Produce (no produce channel)
		// and without delivery reports, so only errors reach Events.
		"go.events.channel.size":  10_000,
		"go.produce.channel.size": 1_000,
	}
}

// consumerDefaults are the consumer settings KAFKA_EXTRA_CONFIG may override.
func consumerDefaults() ck.ConfigMap {
	return ck.ConfigMap{
		"session.timeout.ms":    defaultSessionTimeoutMs,
		"heartbeat.interval.ms": defaultHeartbeatIntervalMs,
		// Prefetch at most 8 MiB per consumer (librdkafka's default is
		// 64 MiB): under a backlog the default fills, outside the Go heap
		// and GOMEMLIMIT, in each of the service's four consumers.
		"queued.max.messages.kbytes": 8192,
	}
}

// setDefaults sets each default that extra does not name.
func setDefaults(m, extra, defaults ck.ConfigMap) {
	for k, v := range defaults {
		if _, ok := extra[k]; !ok {
			m[k] = v
		}
	}
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
	tracker *Tracker
	outbox  *Outbox
	// ownsOutbox: this pipeline runs and closes the outbox (false when it
	// commits through another's, CommitVia).
	ownsOutbox bool
	emitter    *Emitter
	router     *Router
	latest     map[string]bool

	stopPoll   chan struct{}
	pollDone   chan struct{}
	stopOnce   sync.Once
	assigned   map[partKey]bool
	paused     bool
	revokeMax  time.Duration
	giveUp     chan struct{} // closed when a shutdown deadline passed: ends the revoke wait
	giveUpOnce sync.Once
	closeOnce  sync.Once
	closeErr   error
	started    bool               // Start ran: the poll loop and the outbox exist
	stopOutbox context.CancelFunc // hard stop of the outbox alone
	nAssigned  atomic.Int64       // partitions currently assigned, for readiness
	errs       chan error

	internal string // the internal topic's real name ("" without placement)
	count    int32  // its partition count
	ownedMu  sync.Mutex
	owned    []int32 // its partitions assigned here, whose actors run here
	// restoring are internal partitions assigned but not placed yet (their
	// state could not be read): paused; retried at nextRestore. Poll
	// goroutine only.
	restoring   map[int32]bool
	nextRestore time.Time
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

// ProducerConfig is the configuration of the transactional producer a
// pipeline of cfg runs (cfg.Bootstrap, Extra and TransactionalID), for
// NewTransactionalProducer; the floor's stand-in (loadgen) runs the same.
func ProducerConfig(cfg PipelineConfig) ck.ConfigMap {
	pc := baseConfig(cfg)
	for k, v := range (ck.ConfigMap{
		"transactional.id":    cfg.TransactionalID,
		"partitioner":         "murmur2_random",
		"linger.ms":           2,
		"go.delivery.reports": false,
	}) {
		pc[k] = v
	}
	setDefaults(pc, cfg.Extra, producerDefaults())
	return pc
}

// ConsumerConfig is the configuration of the consumer a pipeline of cfg
// runs (cfg.Bootstrap, Extra, Group and GroupInstanceID): read_committed,
// offsets committed only in transactions.
func ConsumerConfig(cfg PipelineConfig) ck.ConfigMap {
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
	if cfg.GroupInstanceID != "" {
		cc["group.instance.id"] = cfg.GroupInstanceID
	}
	setDefaults(cc, cfg.Extra, consumerDefaults())
	return cc
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
	pc := ProducerConfig(cfg)
	var p *ck.Producer
	if cfg.CommitVia == nil {
		var err error
		if p, err = NewTransactionalProducer(ctx, pc); err != nil {
			return nil, err
		}
	}
	cc := ConsumerConfig(cfg)
	c, err := ck.NewConsumer(&cc)
	if err != nil {
		if p != nil {
			p.Close()
		}
		return nil, fmt.Errorf("new consumer: %w", err)
	}
	pl := &Pipeline{cfg: cfg, log: log, m: m, names: names, c: c, tracker: NewTracker(),
		latest: map[string]bool{}, stopPoll: make(chan struct{}), pollDone: make(chan struct{}),
		assigned: map[partKey]bool{}, restoring: map[int32]bool{}, revokeMax: 30 * time.Second, giveUp: make(chan struct{}), errs: make(chan error, 2)}
	for _, t := range cfg.LatestTopics {
		pl.latest[names.Name(t)] = true
	}
	if cfg.CommitVia != nil {
		pl.outbox = cfg.CommitVia.outbox
		pl.outbox.Serve(c, pl.tracker)
	} else {
		pl.outbox, pl.ownsOutbox = NewOutbox(p, c, pl.tracker, cfg.Outbox, log, m), true
		pl.outbox.SetRenew(func(ctx context.Context) (*ck.Producer, error) {
			return NewTransactionalProducer(ctx, pc)
		})
	}
	pl.emitter = NewEmitter(names, pl.outbox, log, m)
	pl.emitter.internalTenantHeaders = cfg.InternalTenantHeaders
	pl.emitter.tracker = pl.tracker
	pl.router = NewRouter(names, pl.emitter, cfg.MaxRecordBytes)
	if cfg.Owner != nil {
		if err := pl.learnPlacement(); err != nil {
			pl.closeClients()
			return nil, err
		}
	}
	return pl, nil
}

// learnPlacement learns the internal topic's partition count, which actor identities
// hash into, and checks the changelog has the same.
func (pl *Pipeline) learnPlacement() error {
	counts := map[string]int32{}
	for _, t := range []messages.Topic{pl.cfg.Internal, pl.cfg.Changelog} {
		name := pl.names.Name(t)
		md, err := pl.c.GetMetadata(&name, false, 10000)
		if err != nil {
			return fmt.Errorf("metadata of %s: %w", name, err)
		}
		tm, ok := md.Topics[name]
		if !ok || tm.Error.Code() != ck.ErrNoError || len(tm.Partitions) == 0 {
			return fmt.Errorf("topic %s not found: %v", name, tm.Error)
		}
		counts[name] = int32(len(tm.Partitions))
	}
	pl.internal = pl.names.Name(pl.cfg.Internal)
	pl.count = counts[pl.internal]
	if c := counts[pl.names.Name(pl.cfg.Changelog)]; c != pl.count {
		return fmt.Errorf("%s has %d partitions and %s %d: actor placement needs the same count",
			pl.internal, pl.count, pl.names.Name(pl.cfg.Changelog), c)
	}
	pl.emitter.Place(pl.cfg.Internal, pl.cfg.Changelog, pl.count)
	if pl.cfg.Restore == nil {
		changelog := pl.names.Name(pl.cfg.Changelog)
		pl.cfg.Restore = func(ctx context.Context, parts []int32) (map[string][]byte, error) {
			return ReadChangelog(ctx, pl.cfg.Bootstrap, changelog, parts, pl.cfg.Extra, restoreStall)
		}
	}
	return nil
}

// closeClients closes the clients of a pipeline that never started (the
// producer only if it is this pipeline's own).
func (pl *Pipeline) closeClients() {
	pl.c.Close()
	if pl.ownsOutbox {
		pl.outbox.Producer().Close()
	}
}

// NewTransactionalProducer connects a producer with configuration pc
// (ProducerConfig's) and initialises its transactions (fencing an earlier
// producer with the same transactional.id), within 60 s.
func NewTransactionalProducer(ctx context.Context, pc ck.ConfigMap) (*ck.Producer, error) {
	id := pc["transactional.id"]
	cfg := ck.ConfigMap{}
	for k, v := range pc {
		cfg[k] = v
	}
	p, err := ck.NewProducer(&cfg)
	if err != nil {
		return nil, fmt.Errorf("new producer: %w", err)
	}
	ictx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := p.InitTransactions(ictx); err != nil {
		p.Close()
		return nil, fmt.Errorf("init transactions %v: %w", id, err)
	}
	return p, nil
}

// Group is the pipeline's consumer group.
func (pl *Pipeline) Group() string { return pl.cfg.Group }

// Placed reports whether the pipeline places actors (it reads an internal
// topic with an Owner).
func (pl *Pipeline) Placed() bool { return pl.cfg.Owner != nil }

// Owned is the internal-topic partitions whose actors run here.
func (pl *Pipeline) Owned() []int32 {
	pl.ownedMu.Lock()
	defer pl.ownedMu.Unlock()
	return append([]int32(nil), pl.owned...)
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
	if pl.ownsOutbox {
		pl.outbox.running.Store(true) // before the goroutine: a drain right after Start waits for it
		go func() {
			if err := pl.outbox.Run(octx); err != nil && !errors.Is(err, context.Canceled) {
				pl.errs <- err
			}
		}()
	}
	pl.started = true
	go pl.poll(ctx)
	pl.log.Info("consuming", zap.Strings("topics", topics))
	return nil
}

// The poll loop waits busyPollMs in a Poll while anything is happening and
// idlePollMs once it has been quiet for quietPolls empty polls. Every Poll
// is a cgo call that, once past 10 ms, makes the Go runtime's sysmon take
// its processor back and poll every 20 µs again: with eight clients at
// 100 ms, sysmon alone was a third of an idle replica's CPU. Messages end a Poll
// at once, so the long wait costs no latency; it bounds how long a stop
// request waits (no call interrupts a librdkafka poll), which is why
// StopPolling lets a service ask every pipeline at once.
const (
	busyPollMs = 100
	idlePollMs = 500
	quietPolls = 10
)

func (pl *Pipeline) poll(ctx context.Context) {
	defer close(pl.pollDone)
	quiet := 0
	for {
		select {
		case <-pl.stopPoll:
			return
		case <-ctx.Done():
			return
		default:
		}
		pl.backpressure()
		pl.retryRestore()
		e := pl.c.Poll(pl.pollWait(quiet))
		if e == nil {
			quiet++
		} else {
			quiet = 0
		}
		switch e := e.(type) {
		case *ck.Message:
			if e.TopicPartition.Error != nil {
				pl.log.Warn("consume error", zap.Error(e.TopicPartition.Error))
				continue
			}
			src, ok := pl.tracker.Begin(*e.TopicPartition.Topic, e.TopicPartition.Partition, int64(e.TopicPartition.Offset))
			if !ok {
				continue // partition revoked under us; its new owner reads it
			}
			// The gauge counts the record before the router counts it
			// consumed: a reader of both never sees it consumed and not
			// in flight before it is committed.
			pl.m.InFlight.WithLabelValues(pl.cfg.Group).Set(float64(pl.tracker.Unsettled()))
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

// pollWait is the next Poll's timeout: the long one only when the loop
// has nothing to look at between polls (no paused partition to resume, no
// state to restore, nothing in flight whose gauge would go stale).
func (pl *Pipeline) pollWait(quiet int) int {
	if quiet < quietPolls || pl.paused || len(pl.restoring) > 0 || pl.tracker.Unsettled() > 0 {
		return busyPollMs
	}
	return idlePollMs
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

// StopPolling asks the poll loop to end after its current Poll and
// returns at once; StopConsumingWithin waits for it. A service asks every
// pipeline first, so their Polls end together.
func (pl *Pipeline) StopPolling() { pl.stopOnce.Do(func() { close(pl.stopPoll) }) }

// StopConsuming ends the poll loop; records already dispatched keep going.
func (pl *Pipeline) StopConsuming() { pl.StopConsumingWithin(context.Background()) }

// StopConsumingWithin ends the poll loop. A revocation in progress waits
// for its partitions' commits until ctx ends, then gives up (their next
// owner reads the uncommitted records again); it reports whether it
// stopped without giving up.
func (pl *Pipeline) StopConsumingWithin(ctx context.Context) bool {
	if !pl.started {
		return true
	}
	pl.StopPolling()
	select {
	case <-pl.pollDone:
		return true
	case <-ctx.Done():
		pl.abandon()
		<-pl.pollDone // a revocation's Poll returns at once now; any other within idlePollMs
		return false
	}
}

// abandon ends every wait for commits (revocations, Close's).
func (pl *Pipeline) abandon() { pl.giveUpOnce.Do(func() { close(pl.giveUp) }) }

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

// ErrUncommitted reports effects that were abandoned uncommitted at
// shutdown: their inputs are read again by their partitions' next owner.
var ErrUncommitted = errors.New("effects not committed")

// Drain stops consuming and commits everything the outbox holds, all by
// ctx's deadline: no transactional call runs past it. The outbox accepts
// nothing afterwards. It returns an error wrapping ErrUncommitted when ctx
// ended first (call Abort, then Close). Call it once the actors have
// emitted what they will emit.
func (pl *Pipeline) Drain(ctx context.Context) error {
	if !pl.started {
		return nil
	}
	if !pl.StopConsumingWithin(ctx) {
		return fmt.Errorf("%s: stop consuming: %w: %w", pl.cfg.Group, ErrUncommitted, ctx.Err())
	}
	if !pl.ownsOutbox {
		return pl.flushShared(ctx)
	}
	if dl, ok := ctx.Deadline(); ok {
		pl.outbox.SetDeadline(dl)
	}
	// Close waits for Submits blocked on a full queue, which only the outbox
	// (or Abort) releases: do not wait for it here.
	go pl.outbox.Close()
	select {
	case <-pl.outbox.Done():
		if oerr := pl.outbox.Err(); oerr != nil {
			return fmt.Errorf("%s: outbox stopped early: %w: %w", pl.cfg.Group, ErrUncommitted, oerr)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: outbox did not finish: %w: %w", pl.cfg.Group, ErrUncommitted, ctx.Err())
	}
}

// flushShared is Drain's commit for a pipeline that commits through
// another's outbox: wait until everything it submitted is committed,
// leaving the outbox running for its owner to drain.
func (pl *Pipeline) flushShared(ctx context.Context) error {
	if !pl.outbox.running.Load() {
		// Its owner never started (a failed start): nothing was committed.
		return fmt.Errorf("%s: the shared outbox never ran: %w", pl.cfg.Group, ErrUncommitted)
	}
	err := pl.outbox.Flush(ctx)
	if errors.Is(err, ErrClosed) {
		// Closed by its owner, which commits what it holds, then stops
		// (or aborted, which does not).
		select {
		case <-pl.outbox.Done():
			err = pl.outbox.Err()
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	if err != nil {
		return fmt.Errorf("%s: effects not committed: %w: %w", pl.cfg.Group, ErrUncommitted, err)
	}
	return nil
}

// Abort is the hard stop of the outbox: emits fail at once from now on (no
// actor stays blocked on a full queue) and nothing uncommitted is retried.
// It does not wait; Close does. A pipeline committing through another's
// outbox only stops waiting for commits: the outbox is its owner's to stop.
func (pl *Pipeline) Abort() {
	pl.abandon()
	if !pl.started || !pl.ownsOutbox {
		return
	}
	pl.outbox.Abort()
	pl.stopOutbox()
}

// Close commits everything queued in the outbox, leaves the group and
// closes both clients, by ctx's deadline. Call StopConsuming (and let
// actors finish) first, or Drain, then stop the actors, then Close. When
// ctx ends first, whatever is uncommitted is abandoned: it is read again
// by the partitions' next owner, so nothing is lost. A librdkafka call
// still running at the deadline is abandoned to its goroutine (and the
// client it uses is not destroyed under it); the process is expected to
// exit soon after.
func (pl *Pipeline) Close(ctx context.Context) error {
	pl.closeOnce.Do(func() { pl.closeErr = pl.close(ctx) })
	return pl.closeErr
}

func (pl *Pipeline) close(ctx context.Context) error {
	var err error
	outboxDone := true
	if pl.started {
		if derr := pl.Drain(ctx); derr != nil {
			err = derr
		}
		pl.Abort()
		// A shared outbox still running for its owner may ask this
		// pipeline's consumer for its group's metadata: when the owner has
		// stopped it, wait until it has returned before the consumer goes.
		if pl.ownsOutbox || pl.outbox.aborted() {
			select {
			case <-pl.outbox.Done():
			case <-ctx.Done():
				outboxDone = false
				pl.log.Error("abandoned: a transactional call is still running in librdkafka at the shutdown deadline; the producer is left open",
					zap.Bool("own producer", pl.ownsOutbox))
			}
		}
	}
	pl.abandonAfter(ctx) // a revocation inside the consumer's Close waits no longer than ctx
	if cerr := pl.bounded(ctx, "consumer close (leave group)", pl.c.Close); cerr != nil && err == nil {
		err = fmt.Errorf("close consumer: %w", cerr)
	}
	if outboxDone && pl.ownsOutbox {
		if perr := pl.bounded(ctx, "producer close", func() error { pl.outbox.Producer().Close(); return nil }); perr != nil && err == nil {
			err = fmt.Errorf("close producer: %w", perr)
		}
	}
	return err
}

// abandonAfter gives up every wait for commits when ctx ends.
func (pl *Pipeline) abandonAfter(ctx context.Context) {
	context.AfterFunc(ctx, pl.abandon)
}

// bounded runs a librdkafka call that takes no deadline on its own
// goroutine and stops waiting for it when ctx ends: the call is then
// abandoned (logged), still running, to the process's exit.
func (pl *Pipeline) bounded(ctx context.Context, what string, call func() error) error {
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		pl.log.Error("abandoned at the shutdown deadline: "+what+" still running in librdkafka", zap.Error(ctx.Err()))
		return fmt.Errorf("%s abandoned: %w", what, ctx.Err())
	}
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
