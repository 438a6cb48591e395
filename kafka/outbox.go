package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/metrics"
)

// ErrClosed is returned by Submit after Close.
var ErrClosed = errors.New("outbox closed")

// Out is one encoded record ready to produce.
type Out struct {
	Topic string
	// Partition is where the record goes; ck.PartitionAny lets the
	// producer's partitioner hash Key.
	Partition int32
	Key       []byte
	Value     []byte
	Headers   []ck.Header
}

// Batch is the effects of one operation: its records and, when the operation
// was caused by a consumed record, that record's source. Everything in a
// Batch commits in one transaction together with the source's offset, or not
// at all.
type Batch struct {
	Records []Out
	Source  *Source
	// Committed, when set, is called once the batch's transaction committed.
	Committed func()
	// Owner, when set, is the internal-topic partition whose actor emitted
	// the batch: the batch is committed only while this replica owns it.
	// Once the partition has moved, its new owner restores the state as of
	// the last commit and decides again, so committing would double it.
	Owner *Source
	// At, when set, is the records' timestamp: the instant their operation
	// decided them (event time), so a timer's effect says when it fired,
	// not when the transaction that carries it began, and a retried
	// transaction produces the same timestamps again. Zero: the produce
	// instant.
	At time.Time
}

// OutboxConfig tunes transaction batching.
type OutboxConfig struct {
	// MaxRecords closes a transaction once it holds this many records (default 2000).
	MaxRecords int
	// Linger waits this long for more batches before committing a small
	// transaction (default 0: commit whatever is queued at once).
	Linger time.Duration
	// Queue is the capacity of the submission queue (default 8192).
	Queue int
	// TxnTimeout bounds each transactional call (default 30s).
	TxnTimeout time.Duration
}

func (c *OutboxConfig) defaults() {
	if c.MaxRecords <= 0 {
		c.MaxRecords = 2000
	}
	if c.Queue <= 0 {
		c.Queue = 8192
	}
	if c.TxnTimeout <= 0 {
		c.TxnTimeout = 30 * time.Second
	}
}

// groupMetadata is the part of a consumer the outbox needs to commit offsets
// inside its transactions.
type groupMetadata interface {
	GetConsumerGroupMetadata() (*ck.ConsumerGroupMetadata, error)
}

// lane is one consumer group whose offsets an outbox commits: the
// group's consumer (for its metadata) and the tracker of its records.
type lane struct {
	group   groupMetadata
	tracker *Tracker
}

// Outbox owns a transactional producer. Batches submitted from any goroutine
// are grouped into Kafka transactions on the outbox's own goroutine; each
// transaction also carries the consumer offsets its batches complete, so
// consume → effects is exactly-once. A failed transaction is aborted and
// retried with the same content until it commits; nothing is acknowledged
// before that. One outbox may commit the offsets of several consumer groups
// (Serve): a subsystem's stages share one producer, so one transaction
// carries both stages' work.
type Outbox struct {
	cfg   OutboxConfig
	log   *zap.Logger
	m     *metrics.Metrics
	pmu   sync.Mutex // guards p, which Run replaces when renewing it
	p     *ck.Producer
	renew func(context.Context) (*ck.Producer, error)
	// lanes are the groups whose offsets the transactions commit; fixed
	// before Run.
	lanes []lane

	mu     sync.RWMutex
	closed bool
	in     chan Batch
	done   chan struct{}
	// abort is closed by Abort: Submit fails at once and Run stops.
	abort     chan struct{}
	abortOnce sync.Once
	// limit, when not zero, is the instant (Unix nanoseconds) by which
	// every transactional call must have returned: see SetDeadline.
	limit atomic.Int64
	err   error // Run's result, set before done is closed
	// running is set by the pipeline that runs the outbox, before Run's
	// goroutine starts: a pipeline sharing it must not wait on a Flush
	// that no Run will ever answer.
	running atomic.Bool
	// scratch is the batches slice gather fills, reused by Run's loop.
	scratch []Batch
}

// errDeadline ends a transactional call that would run past SetDeadline's
// instant.
var errDeadline = errors.New("shutdown deadline passed")

// errAborted ends a transactional call that would start after Abort.
var errAborted = errors.New("outbox aborted")

// NewOutbox wraps an initialised transactional producer. group and tracker
// may be nil for an outbox that completes no consumer offsets.
func NewOutbox(p *ck.Producer, group groupMetadata, tracker *Tracker, cfg OutboxConfig, log *zap.Logger, m *metrics.Metrics) *Outbox {
	cfg.defaults()
	o := &Outbox{cfg: cfg, log: log, m: m, p: p,
		in: make(chan Batch, cfg.Queue), done: make(chan struct{}), abort: make(chan struct{})}
	if tracker != nil {
		o.Serve(group, tracker)
	}
	go o.drainEvents(p)
	return o
}

// Serve makes the outbox commit the offsets of one more consumer group:
// the records tracker handed out (their Sources say which tracker) are
// committed with group's metadata, in the same transactions as the
// others'. Call it before Run.
func (o *Outbox) Serve(group groupMetadata, tracker *Tracker) {
	o.lanes = append(o.lanes, lane{group: group, tracker: tracker})
}

// SetRenew gives the outbox a way to replace its producer after a fatal
// error (a transaction the broker no longer knows, after an outage longer
// than the transaction timeout): a new producer with the same
// transactional id, InitTransactions done, which fences the old one. The
// uncommitted batches are then retried on it. Without it a fatal error
// stops the outbox. Call it before Run.
func (o *Outbox) SetRenew(renew func(context.Context) (*ck.Producer, error)) { o.renew = renew }

// Producer is the producer in use (it changes when renewed); close it once
// Done is closed.
func (o *Outbox) Producer() *ck.Producer {
	o.pmu.Lock()
	defer o.pmu.Unlock()
	return o.p
}

// renewProducer closes the failed producer and starts a new one, retrying
// until it succeeds or ctx ends (a broker still away).
func (o *Outbox) renewProducer(ctx context.Context) error {
	o.Producer().Close()
	backoff := 200 * time.Millisecond
	for {
		p, err := o.renew(ctx)
		if err == nil {
			o.pmu.Lock()
			o.p = p
			o.pmu.Unlock()
			go o.drainEvents(p)
			o.log.Warn("producer renewed after a fatal error; retrying the uncommitted transaction")
			return nil
		}
		o.log.Warn("new producer not ready", zap.Error(err))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		case <-o.abort:
			return errAborted
		}
		if backoff < 5*time.Second {
			backoff *= 2
		}
	}
}

// drainEvents reads a producer's event channel for its whole life: an
// undrained channel blocks librdkafka's poller and hangs Flush.
func (o *Outbox) drainEvents(p *ck.Producer) {
	for ev := range p.Events() {
		// Delivery reports are off (a transaction's commit reports its
		// records); what remains are client errors.
		if e, ok := ev.(ck.Error); ok {
			o.log.Warn("producer error", zap.Error(e), zap.Bool("fatal", e.IsFatal()))
		}
	}
}

// Submit queues a batch, blocking while the queue is full (back-pressure on
// the emitting actor). It fails only after Close.
func (o *Outbox) Submit(b Batch) error {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.closed {
		return ErrClosed
	}
	select {
	case o.in <- b:
		return nil
	case <-o.done: // Run has stopped (fatal error or hard stop): nobody drains in
		return ErrClosed
	case <-o.abort: // Run may still be inside a call that ends at its deadline
		return ErrClosed
	}
}

// SetDeadline bounds every transactional call from now on by t, including
// the abort of a failed transaction: one that would end later gets a
// shorter timeout, and none starts after t. Calls librdkafka already runs
// keep the timeout they started with (at most TxnTimeout).
func (o *Outbox) SetDeadline(t time.Time) { o.limit.Store(t.UnixNano()) }

// Abort is the hard stop: Submit fails with ErrClosed from now on (an actor
// blocked on a full queue is released) and Run returns as soon as its
// current call does, abandoning whatever is uncommitted: the inputs are
// read again by their partitions' next owner. It does not wait.
func (o *Outbox) Abort() { o.abortOnce.Do(func() { close(o.abort) }) }

// Close stops accepting batches; Run commits what is queued and returns.
func (o *Outbox) Close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		o.closed = true
		close(o.in)
	}
}

// Done is closed when Run has returned.
func (o *Outbox) Done() <-chan struct{} { return o.done }

// Err is what Run returned (nil: everything submitted was committed); call
// it once Done is closed.
func (o *Outbox) Err() error { return o.err }

// Run commits batches until Close (returns nil once the queue is empty) or
// until ctx is cancelled (returns ctx.Err(), abandoning uncommitted batches:
// their inputs stay uncommitted and are read again after a restart). A fatal
// producer error is returned at once.
func (o *Outbox) Run(ctx context.Context) (err error) {
	defer close(o.done)
	defer func() { o.err = err }()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-o.abort:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		var first Batch
		var ok bool
		select {
		case first, ok = <-o.in:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			return nil
		}
		batches, open := o.gather(ctx, first)
		if err := o.commit(ctx, batches); err != nil {
			return err
		}
		// The next transaction reuses the slice (it grew to thousands of
		// batches at load), without keeping this one's records alive.
		clear(batches[:cap(batches)])
		o.scratch = batches[:0]
		if !open {
			return nil
		}
	}
}

// gather collects queued batches up to MaxRecords; it reports false once the
// queue is closed and empty.
func (o *Outbox) gather(ctx context.Context, first Batch) ([]Batch, bool) {
	batches := append(o.scratch[:0], first)
	n := len(first.Records)
	var linger <-chan time.Time
	if o.cfg.Linger > 0 {
		t := time.NewTimer(o.cfg.Linger)
		defer t.Stop()
		linger = t.C
	}
	for n < o.cfg.MaxRecords {
		select {
		case b, ok := <-o.in:
			if !ok {
				return batches, false
			}
			batches = append(batches, b)
			n += len(b.Records)
			continue
		default:
		}
		if linger == nil {
			return batches, true
		}
		select {
		case b, ok := <-o.in:
			if !ok {
				return batches, false
			}
			batches = append(batches, b)
			n += len(b.Records)
		case <-linger:
			return batches, true
		case <-ctx.Done():
			return batches, true
		}
	}
	return batches, true
}

// Flush waits until everything submitted before it is committed (or
// dropped because its partition moved), or ctx ends.
func (o *Outbox) Flush(ctx context.Context) error {
	done := make(chan struct{})
	if err := o.Submit(Batch{Committed: func() { close(done) }}); err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-o.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fence adds, for each partition whose actors' effects are in the batches
// without any of its inputs, its committed offset again: see Tracker.Fence.
func (o *Outbox) fence(batches []Batch, offsets []Source) []Source {
	has := map[partKey]bool{}
	for _, s := range offsets {
		has[partKey{s.Topic, s.Partition}] = true
	}
	for _, b := range batches {
		if b.Owner == nil || b.Owner.tracker == nil || b.Source != nil || has[partKey{b.Owner.Topic, b.Owner.Partition}] {
			continue
		}
		if f, ok := b.Owner.tracker.Fence(*b.Owner); ok {
			offsets = append(offsets, f)
			has[partKey{f.Topic, f.Partition}] = true
		}
	}
	return offsets
}

// owned drops the batches whose owning partition this replica no longer
// holds, counting them.
func (o *Outbox) owned(batches []Batch) []Batch {
	kept := batches[:0]
	for _, b := range batches {
		if b.Owner != nil && b.Owner.tracker != nil && !b.Owner.tracker.Owns(*b.Owner) {
			o.m.Dropped.WithLabelValues(b.Owner.Topic).Inc()
			continue
		}
		kept = append(kept, b)
	}
	return kept
}

func (o *Outbox) commit(ctx context.Context, batches []Batch) error {
	batches = o.owned(batches)
	for _, b := range batches {
		if b.Source != nil && b.Source.tracker != nil {
			b.Source.tracker.Done(*b.Source)
		}
	}
	var offsets []Source
	for _, l := range o.lanes {
		offsets = append(offsets, l.tracker.Committable()...)
	}
	offsets = o.fence(batches, offsets)
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := o.transact(ctx, batches, offsets)
		if err == nil {
			o.m.TxnDuration.Observe(time.Since(start).Seconds())
			// Count what was produced before releasing the inputs it
			// completes: a reader of both (the in-flight gauge and the
			// produced counters) must never see an input done whose
			// records are not counted yet.
			for _, b := range batches {
				for _, r := range b.Records {
					o.m.Produced.WithLabelValues(r.Topic).Inc()
				}
			}
			for _, l := range o.lanes {
				l.tracker.Committed(of(l.tracker, offsets))
			}
			for _, b := range batches {
				if b.Committed != nil {
					b.Committed()
				}
			}
			return nil
		}
		if errors.Is(err, errDeadline) || errors.Is(err, errAborted) {
			return fmt.Errorf("transaction abandoned: %w", err)
		}
		if o.fatal(err) {
			o.m.TxnFailures.WithLabelValues("fatal").Inc()
			if o.renew == nil {
				return fmt.Errorf("transaction: fatal producer error: %w", err)
			}
			// Nothing of the failed transaction committed: a new producer
			// under the same transactional id retries it from the start.
			o.log.Warn("fatal producer error; renewing the producer", zap.Error(err))
			if rerr := o.renewProducer(ctx); rerr != nil {
				return fmt.Errorf("transaction: fatal producer error: %w (renewing it: %w)", err, rerr)
			}
		} else {
			o.m.TxnFailures.WithLabelValues("abort").Inc()
			o.log.Warn("transaction failed; retrying with the same records",
				zap.Error(err), zap.Int("attempt", attempt), zap.Int("batches", len(batches)))
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
		if backoff < 2*time.Second {
			backoff *= 2
		}
		// A partition revoked meanwhile is no longer ours to commit, nor
		// are the effects its actors emitted.
		var current []Source
		for _, l := range o.lanes {
			current = append(current, l.tracker.Current(of(l.tracker, offsets))...)
		}
		offsets = current
		batches = o.owned(batches)
	}
}

func (o *Outbox) fatal(err error) bool {
	var kerr ck.Error
	if errors.As(err, &kerr) && kerr.IsFatal() {
		return true
	}
	return o.p.GetFatalError() != nil
}

// transact runs one transaction attempt; on any failure it aborts, so the
// next attempt starts clean.
func (o *Outbox) transact(ctx context.Context, batches []Batch, offsets []Source) (err error) {
	if len(offsets) == 0 && !hasRecords(batches) {
		return nil // a Flush barrier alone: nothing to commit
	}
	if err := o.p.BeginTransaction(); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if err != nil && !o.fatal(err) {
			if aerr := o.retrying(ctx, "abort", o.p.AbortTransaction); aerr != nil {
				o.log.Warn("abort failed", zap.Error(aerr))
			}
		}
	}()
	// The phases' times say which round trips a transaction waits on.
	start := time.Now()
	for _, b := range batches {
		for i := range b.Records {
			if err := o.produce(ctx, &b.Records[i], b.At); err != nil {
				return err
			}
		}
	}
	produced := time.Now()
	for _, l := range o.lanes {
		if err := o.sendOffsets(ctx, l, of(l.tracker, offsets)); err != nil {
			return err
		}
	}
	sent := time.Now()
	if err := o.retrying(ctx, "commit", o.p.CommitTransaction); err != nil {
		return err
	}
	o.m.TxnPhase.WithLabelValues("produce").Observe(produced.Sub(start).Seconds())
	o.m.TxnPhase.WithLabelValues("offsets").Observe(sent.Sub(produced).Seconds())
	o.m.TxnPhase.WithLabelValues("commit").Observe(time.Since(sent).Seconds())
	return nil
}

// sendOffsets adds one group's offsets to the open transaction.
func (o *Outbox) sendOffsets(ctx context.Context, l lane, offsets []Source) error {
	if len(offsets) == 0 || l.group == nil {
		return nil
	}
	meta, err := l.group.GetConsumerGroupMetadata()
	if err != nil {
		return fmt.Errorf("group metadata: %w", err)
	}
	tps := make([]ck.TopicPartition, len(offsets))
	for i, s := range offsets {
		topic := s.Topic
		tps[i] = ck.TopicPartition{Topic: &topic, Partition: s.Partition, Offset: ck.Offset(s.Offset)}
	}
	send := func(c context.Context) error { return o.p.SendOffsetsToTransaction(c, tps, meta) }
	return o.retrying(ctx, "send offsets", send)
}

// of picks the offsets t handed out.
func of(t *Tracker, offsets []Source) []Source {
	var out []Source
	for _, s := range offsets {
		if s.tracker == t {
			out = append(out, s)
		}
	}
	return out
}

// retrying calls a transactional API until it succeeds or fails for good.
// librdkafka keeps a timed-out call running in the background and requires
// the same call to be repeated (a retriable error); calling anything else
// meanwhile fails with "conflicting API call in progress". Only a hard stop
// (ctx) ends the repetition.
func (o *Outbox) retrying(ctx context.Context, what string, call func(context.Context) error) error {
	backoff := 20 * time.Millisecond
	for {
		deadline := time.Now().Add(o.cfg.TxnTimeout)
		if l := o.limit.Load(); l != 0 {
			if limit := time.Unix(0, l); limit.Before(deadline) {
				deadline = limit
			}
		}
		select {
		case <-o.abort:
			return fmt.Errorf("%s: %w", what, errAborted)
		default:
		}
		if time.Until(deadline) <= 0 {
			// librdkafka would not wait at all; abandoning is the honest
			// result (a timed-out call cannot be repeated afterwards anyway).
			return fmt.Errorf("%s: %w", what, errDeadline)
		}
		cctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
		err := call(cctx)
		cancel()
		var kerr ck.Error
		if err == nil || !errors.As(err, &kerr) || !kerr.IsRetriable() {
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		}
		o.m.TxnFailures.WithLabelValues("retriable").Inc()
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (abandoned: %v)", what, err, ctx.Err())
		}
		if backoff < time.Second {
			backoff *= 2
		}
	}
}

func (o *Outbox) produce(ctx context.Context, r *Out, at time.Time) error {
	topic := r.Topic
	msg := &ck.Message{
		TopicPartition: ck.TopicPartition{Topic: &topic, Partition: r.Partition},
		Key:            r.Key, Value: r.Value, Headers: r.Headers, Timestamp: at,
	}
	for {
		err := o.p.Produce(msg, nil)
		if err == nil {
			return nil
		}
		var kerr ck.Error
		if errors.As(err, &kerr) && kerr.Code() == ck.ErrQueueFull {
			select {
			case <-time.After(time.Millisecond):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return fmt.Errorf("produce to %s: %w", topic, err)
	}
}

func hasRecords(batches []Batch) bool {
	for _, b := range batches {
		if len(b.Records) > 0 {
			return true
		}
	}
	return false
}

// aborted reports whether Abort was called.
func (o *Outbox) aborted() bool {
	select {
	case <-o.abort:
		return true
	default:
		return false
	}
}
