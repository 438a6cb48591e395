package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// DriverConfig configures a Driver.
type DriverConfig struct {
	Bootstrap  string
	Names      messages.TopicNames
	Rate       float64       // commands per second, 0 = as fast as the players go
	Timeout    time.Duration // a command without its effect after this is a timeout
	Scenarios  []Scenario
	Departures *Departures // nil: no scheduled-route lateness
	Late       *Lateness
	Recorder   *Recorder
	// Tick, when set, runs once a second on the driver's sweeper goroutine
	// (memory sampling).
	Tick func(now time.Time)
	// Stopping, when set, runs once on Run's goroutine the moment the run's
	// duration is over, before the drain (the end of the measured window).
	Stopping func(now time.Time)
	// Decorate, when set, may change each command's record just before it
	// is produced (the chaos runner adds a traceparent of its own to tell
	// the command's effects apart). It runs on the sending goroutine.
	Decorate func(c Command, r *kgo.Record)
	// Acked, when set, gets each command's record once the broker
	// acknowledged it (err nil) or refused it.
	Acked func(c Command, r *kgo.Record, err error)
}

// Errors counts what went wrong, by kind.
type Errors struct {
	mu           sync.Mutex
	DeadLettered map[string]int // by "topic: reason"
	Timeouts     map[string]int // by command kind
	ProduceFails atomic.Int64
	Undecodable  atomic.Int64
	acks         []time.Duration // send → broker ack of every 10th command
	seen         []time.Duration // STAGE_CLEARED record timestamp → seen
}

// AckLatency summarises how long the broker took to acknowledge the
// loadgen's own commands: time spent before the service could see them.
func (e *Errors) AckLatency() Summary {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Summarize(e.acks)
}

// StampToSeen summarises how long after the service stamped a
// STAGE_CLEARED record the loadgen saw it: the read side of the latency.
func (e *Errors) StampToSeen() Summary {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Summarize(e.seen)
}

func (e *Errors) stamped(d time.Duration) {
	e.mu.Lock()
	e.seen = append(e.seen, d)
	e.mu.Unlock()
}

func (e *Errors) ack(d time.Duration) {
	e.mu.Lock()
	e.acks = append(e.acks, d)
	e.mu.Unlock()
}

func (e *Errors) add(m *map[string]int, key string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if *m == nil {
		*m = map[string]int{}
	}
	(*m)[key] += n
}

// Snapshot copies the counters.
func (e *Errors) Snapshot() (dead, timeouts map[string]int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	dead, timeouts = map[string]int{}, map[string]int{}
	for k, v := range e.DeadLettered {
		dead[k] = v
	}
	for k, v := range e.Timeouts {
		timeouts[k] = v
	}
	return dead, timeouts
}

// Driver produces the scenarios' commands and consumes the service's
// output topics, correlating each effect with its command.
type Driver struct {
	cfg     DriverConfig
	prod    *kgo.Client
	cons    *kgo.Client
	corr    *Correlator
	logical map[string]messages.Topic
	hdrs    map[tenant.Tenant][]kgo.RecordHeader
	errs    Errors
	sent    atomic.Int64

	sendQ    *cmdQueue
	delayQ   chan delayed
	stopSend atomic.Bool
	dropped  atomic.Int64
}

// NewDriver connects to the broker and positions its consumer at the end of
// the output topics, so everything it reads was caused by this run.
func NewDriver(ctx context.Context, cfg DriverConfig) (*Driver, error) {
	d := &Driver{cfg: cfg, corr: NewCorrelator(), logical: map[string]messages.Topic{},
		hdrs: map[tenant.Tenant][]kgo.RecordHeader{}, sendQ: newCmdQueue(), delayQ: make(chan delayed, 1<<16)}
	var topics []string
	for _, t := range []messages.Topic{messages.EventTopicInstanceTransport, messages.EventTopicPartyQuestStatus,
		messages.EventTopicTransportStatus, messages.DeadLetterTopic} {
		name := cfg.Names.Name(t)
		d.logical[name] = t
		topics = append(topics, name)
	}
	var err error
	if d.prod, err = newClient(cfg.Bootstrap); err != nil {
		return nil, err
	}
	offsets, err := endOffsets(ctx, d.prod, topics...)
	if err != nil {
		d.prod.Close()
		return nil, err
	}
	d.cons, err = newClient(cfg.Bootstrap, kgo.ConsumePartitions(offsets), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		d.prod.Close()
		return nil, err
	}
	return d, nil
}

// Errors are the run's error counters.
func (d *Driver) Errors() *Errors { return &d.errs }

// InFlight is the number of commands awaiting their effect.
func (d *Driver) InFlight() int { return d.corr.Len() }

// Dropped is the number of commands not sent because the run had ended.
func (d *Driver) Dropped() int64 { return d.dropped.Load() }

// Run drives the scenarios for duration, then stops sending and waits up to
// drain for the commands in flight. It returns the instant sending stopped.
// Every goroutine it starts has stopped when it returns.
func (d *Driver) Run(ctx context.Context, duration, drain time.Duration) (time.Time, error) {
	defer d.prod.Close()
	defer d.cons.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(4)
	go func() { defer wg.Done(); delayLoop(ctx, d.delayQ, d.enqueue) }()
	go func() { defer wg.Done(); errc <- d.send(ctx) }()
	go func() { defer wg.Done(); errc <- d.consume(ctx) }()
	go func() { defer wg.Done(); d.sweep(ctx) }()
	defer wg.Wait()
	defer cancel()

	now := time.Now()
	for _, s := range d.cfg.Scenarios {
		if !d.enqueue(ctx, s.Begin(now)) {
			return time.Now(), ctx.Err()
		}
	}
	select {
	case <-time.After(duration):
	case err := <-errc:
		return time.Now(), err
	case <-ctx.Done():
		return time.Now(), ctx.Err()
	}
	stopped := time.Now()
	if d.cfg.Stopping != nil {
		d.cfg.Stopping(stopped)
	}
	d.stopSend.Store(true)
	for _, s := range d.cfg.Scenarios {
		s.Stop()
	}
	deadline := time.After(drain)
	for d.corr.Len() > 0 {
		select {
		case <-deadline:
			return stopped, nil
		case <-ctx.Done():
			return stopped, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return stopped, nil
}

func (d *Driver) enqueue(ctx context.Context, cmds []Command) bool {
	for _, c := range cmds {
		if c.Delay <= 0 {
			d.sendQ.push(c)
			continue
		}
		at := time.Now().Add(c.Delay)
		c.Delay = 0
		select {
		case d.delayQ <- delayed{At: at, Cmd: c}:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// send produces queued commands at the configured rate.
func (d *Driver) send(ctx context.Context) error {
	lim := NewLimiter(d.cfg.Rate)
	for {
		c, ok := d.sendQ.pop(ctx)
		if !ok {
			return nil
		}
		if d.stopSend.Load() {
			d.dropped.Add(1)
			continue
		}
		if err := lim.Wait(ctx); err != nil {
			return nil
		}
		h, ok := d.hdrs[c.Tenant]
		if !ok {
			h = headers(c.Tenant)
			d.hdrs[c.Tenant] = h
		}
		now := time.Now()
		if c.Corr != "" {
			d.corr.Expect(c.Corr, Pending{SentAt: now, Kind: c.Kind, Commands: c.Commands, Character: c.Character})
		}
		d.cfg.Recorder.Sent(now)
		rec := &kgo.Record{Topic: d.cfg.Names.Name(c.Topic), Key: c.Key, Value: c.Value, Headers: h}
		if d.cfg.Decorate != nil {
			rec.Headers = append([]kgo.RecordHeader(nil), h...) // h is shared by the tenant's commands
			d.cfg.Decorate(c, rec)
		}
		sample := d.sent.Add(1)%10 == 0
		d.prod.Produce(ctx, rec, func(_ *kgo.Record, err error) {
			if d.cfg.Acked != nil {
				d.cfg.Acked(c, rec, err)
			}
			if err != nil && !errors.Is(err, context.Canceled) {
				d.errs.ProduceFails.Add(1)
			} else if sample {
				d.errs.ack(time.Since(now))
			}
		})
	}
}

// consume reads the output topics and hands every record to the scenarios.
func (d *Driver) consume(ctx context.Context) error {
	for {
		fs := d.cons.PollFetches(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.Canceled) {
				ferr = fmt.Errorf("fetch %s/%d: %w", t, p, err)
			}
		})
		if ferr != nil {
			return ferr
		}
		seen := time.Now()
		var next []Command
		fs.EachRecord(func(r *kgo.Record) { next = append(next, d.handle(r, seen)...) })
		if !d.enqueue(ctx, next) {
			return nil
		}
	}
}

func (d *Driver) handle(r *kgo.Record, seen time.Time) []Command {
	topic := d.logical[r.Topic]
	e, err := DecodeEffect(topic, r.Value)
	if err != nil {
		d.errs.Undecodable.Add(1)
		return nil
	}
	e.Stamp, e.Seen = r.Timestamp, seen
	if e.Type == messages.TypeStageCleared {
		d.errs.stamped(seen.Sub(r.Timestamp))
	}
	if topic == messages.DeadLetterTopic {
		return d.deadLettered(r, e)
	}
	if id := e.Corr(); id != "" {
		if p, ok := d.corr.Resolve(id); ok {
			d.cfg.Recorder.Observe(seen, seen.Sub(p.SentAt), p.Commands)
		}
	}
	if d.cfg.Departures != nil {
		d.cfg.Departures.Observe(e, d.cfg.Late)
	}
	var out []Command
	for _, s := range d.cfg.Scenarios {
		out = append(out, s.OnEffect(e)...)
	}
	return out
}

// deadLettered counts a refused command and restarts its player.
func (d *Driver) deadLettered(r *kgo.Record, e Effect) []Command {
	d.errs.add(&d.errs.DeadLettered, header(r, kafka.HeaderDLQTopic)+": "+header(r, kafka.HeaderDLQReason), 1)
	d.corr.Forget(e.Character)
	var out []Command
	for _, s := range d.cfg.Scenarios {
		if s.Owns(e.Character) {
			out = append(out, s.OnFailure(e.Character, e.Seen)...)
		}
	}
	return out
}

// sweep times out commands and timer waits once a second.
func (d *Driver) sweep(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if d.cfg.Tick != nil {
				d.cfg.Tick(now)
			}
			var next []Command
			for _, p := range d.corr.Expired(now, d.cfg.Timeout) {
				d.errs.add(&d.errs.Timeouts, p.Kind, 1)
				for _, s := range d.cfg.Scenarios {
					if s.Owns(p.Character) {
						next = append(next, s.OnFailure(p.Character, now)...)
					}
				}
			}
			for _, s := range d.cfg.Scenarios {
				cmds, n := s.Sweep(now)
				if n > 0 {
					d.errs.add(&d.errs.Timeouts, s.Name()+" timer event", n)
				}
				next = append(next, cmds...)
			}
			if !d.enqueue(ctx, next) {
				return
			}
		}
	}
}
