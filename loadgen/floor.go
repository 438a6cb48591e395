package loadgen

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
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
	// The service's client settings (kafka.NewPipeline).
	p, err := ck.NewProducer(&ck.ConfigMap{"bootstrap.servers": cfg.Bootstrap, "enable.metrics.push": false,
		"transactional.id": "loadgen-floor-" + cfg.Tag, "partitioner": "murmur2_random", "linger.ms": 2,
		"go.delivery.reports": false, "transaction.timeout.ms": 60000,
		"go.events.channel.size": 10_000, "go.produce.channel.size": 1_000})
	if err != nil {
		return fmt.Errorf("floor producer: %w", err)
	}
	defer p.Close()
	if err := p.InitTransactions(ctx); err != nil {
		return fmt.Errorf("floor init transactions: %w", err)
	}
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
		stopOutbox()
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
	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": cfg.Bootstrap, "enable.metrics.push": false,
		"group.id": cfg.group(stage), "enable.auto.commit": false,
		"isolation.level": "read_committed", "auto.offset.reset": "earliest",
		"partition.assignment.strategy": "cooperative-sticky", "queued.max.messages.kbytes": 8192})
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

// FloorRun configures a floor's driver.
type FloorRun struct {
	FloorConfig
	Rate     float64       // inputs per second
	Warmup   time.Duration // excluded from the result
	Duration time.Duration // measured window
	Drain    time.Duration // wait this long after the window for its last records (default 10s)
	PID      int           // the stand-in's process, for its CPU and memory; 0: none
}

// FloorResult is what a floor run measured over its window.
type FloorResult struct {
	Sent, Seen int     // inputs sent in the window, and of those seen at the end
	Outputs    int     // records of theirs seen at the end (Fanout each)
	Latency    Summary // input sent → its first output read (read_committed)
	Window     time.Duration
	CPU        CPUStats // the stand-in's, over the window
	// Threads is the stand-in's CPU over the window by thread name (see
	// ReadThreadsCPU); nil when it could not be read.
	Threads map[string]time.Duration
	Memory  Memory // the stand-in's at the end
}

// Rate is the inputs per second sent in the window.
func (r FloorResult) Rate() float64 {
	if r.Window <= 0 {
		return 0
	}
	return float64(r.Sent) / r.Window.Seconds()
}

// RunFloor sends inputs to a running stand-in at cfg.Rate and measures how
// long each takes to come out of it, read committed.
func RunFloor(ctx context.Context, cfg FloorRun) (FloorResult, error) {
	cfg.defaults()
	if cfg.Drain <= 0 {
		cfg.Drain = 10 * time.Second
	}
	var res FloorResult
	if cfg.Rate <= 0 || cfg.Duration <= 0 {
		return res, fmt.Errorf("floor: rate and duration must be positive")
	}
	if err := CreateFloorTopics(ctx, cfg.FloorConfig); err != nil {
		return res, err
	}
	prod, err := newClient(cfg.Bootstrap)
	if err != nil {
		return res, err
	}
	defer prod.Close()
	from, err := endOffsets(ctx, prod, cfg.topic("out"))
	if err != nil {
		return res, err
	}
	cons, err := newClient(cfg.Bootstrap, kgo.ConsumePartitions(from), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		return res, err
	}
	defer cons.Close()

	// The clock starts once the stand-in's groups have their partitions.
	if missing, err := WaitGroupsStable(ctx, cfg.Bootstrap, time.Minute, cfg.groups()...); err != nil || len(missing) > 0 {
		return res, fmt.Errorf("floor: the stand-in's groups %v are not stable: %w", missing, err)
	}
	start := time.Now()
	winFrom, winTo := start.Add(cfg.Warmup), start.Add(cfg.Warmup+cfg.Duration)
	var seqFrom, seqTo atomic.Uint64 // the window's inputs: [seqFrom, seqTo), none until it starts
	seqFrom.Store(^uint64(0))
	seqTo.Store(^uint64(0))
	cpu := &cpuWindow{pid: cfg.PID}
	var threads0, threads1 map[string]time.Duration
	edge := func(begin bool) {
		th, err := ReadThreadsCPU(cfg.PID)
		if err != nil {
			th = nil
		}
		if begin {
			threads0 = th
			cpu.begin()
			return
		}
		cpu.end()
		threads1 = th
	}
	var failed atomic.Pointer[error]
	sendDone := make(chan struct{})
	go func() {
		defer close(sendDone)
		floorSend(ctx, prod, cfg, start, winFrom, winTo, &seqFrom, &seqTo, edge, &failed)
	}()

	var lat []time.Duration
	seen, outputs := map[uint64]bool{}, 0
	deadline := winTo.Add(cfg.Drain)
	// finished: the window's inputs were all sent and all came out, or
	// the drain is over.
	finished := func() bool {
		select {
		case <-sendDone:
			return len(seen) >= int(seqTo.Load()-seqFrom.Load()) || time.Now().After(deadline)
		default:
			return false
		}
	}
	for !finished() {
		if perr := failed.Load(); perr != nil {
			return res, fmt.Errorf("floor produce: %w", *perr)
		}
		pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		fs := cons.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		now := time.Now()
		fs.EachRecord(func(r *kgo.Record) {
			sent, seq, idx, ok := readFloorValue(r.Value)
			if !ok || seq < seqFrom.Load() || seq >= seqTo.Load() {
				return
			}
			outputs++
			if idx == 0 && !seen[seq] {
				seen[seq] = true
				lat = append(lat, now.Sub(sent))
			}
		})
	}
	res.Sent = int(seqTo.Load() - seqFrom.Load())
	res.Seen, res.Outputs, res.Latency, res.Window = len(seen), outputs, Summarize(lat), cfg.Duration
	st, err := cpu.stats(fmt.Sprintf("floor stand-in process %d", cfg.PID))
	if err == nil {
		res.CPU = st
	}
	if threads0 != nil && threads1 != nil {
		res.Threads = map[string]time.Duration{}
		for name, t := range threads1 {
			res.Threads[name] = t - threads0[name]
		}
	}
	if cfg.PID > 0 {
		res.Memory, _ = ReadMemory(cfg.PID)
	}
	return res, nil
}

// floorSend produces inputs at cfg.Rate from start until winTo, numbering
// them; it stores the window's first and end sequence numbers and calls
// edge at the window's start (true) and end (false).
func floorSend(ctx context.Context, c *kgo.Client, cfg FloorRun, start, winFrom, winTo time.Time,
	seqFrom, seqTo *atomic.Uint64, edge func(begin bool), failed *atomic.Pointer[error]) {
	in := cfg.topic("in")
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	var seq uint64
	inWindow := false
	for ctx.Err() == nil {
		now := <-tick.C
		if !inWindow && !now.Before(winFrom) {
			inWindow = true
			seqFrom.Store(seq)
			edge(true)
		}
		if !now.Before(winTo) {
			seqTo.Store(seq)
			edge(false)
			return
		}
		for due := uint64(cfg.Rate * now.Sub(start).Seconds()); seq < due; seq++ {
			key := strconv.AppendUint([]byte("k"), rand.Uint64N(1<<20), 10)
			c.Produce(ctx, &kgo.Record{Topic: in, Key: key, Value: floorValue(time.Now(), seq)}, func(_ *kgo.Record, err error) {
				if err != nil {
					failed.CompareAndSwap(nil, &err)
				}
			})
		}
	}
}

// Report is the result as text, one fact per line.
func (r FloorResult) Report(cfg FloorRun) string {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	cfg.defaults()
	s := fmt.Sprintf("floor: %.0f inputs/s for %s (%d stages, fanout %d, linger %s): %d sent, %d came out (%d records)\n",
		r.Rate(), r.Window, cfg.Stages, cfg.Fanout, cfg.Linger, r.Sent, r.Seen, r.Outputs)
	s += fmt.Sprintf("floor: input → first output: p50 %.1f ms · p99 %.1f ms · p99.9 %.1f ms · max %.1f ms (%d)\n",
		ms(r.Latency.P50), ms(r.Latency.P99), ms(r.Latency.P999), ms(r.Latency.Max), r.Latency.Count)
	if per, ok := r.CPU.PerItem(r.Sent); ok {
		s += fmt.Sprintf("floor: %s: %.2f cores, %.1f µs per input; RSS %d MiB, peak %d MiB\n",
			r.CPU.What, r.CPU.Cores(), per, r.Memory.RSS>>20, r.Memory.Peak>>20)
	}
	if len(r.Threads) > 0 && r.Sent > 0 {
		s += "floor: by thread, µs per input:"
		for _, name := range slices.Sorted(maps.Keys(r.Threads)) {
			if us := float64(r.Threads[name]) / float64(time.Microsecond) / float64(r.Sent); us >= 0.05 {
				s += fmt.Sprintf(" %s %.1f;", name, us)
			}
		}
		s = strings.TrimSuffix(s, ";") + "\n"
	}
	return s
}

// JSON is the result as floor.json holds it.
func (r FloorResult) JSON(cfg FloorRun) ([]byte, error) {
	cfg.defaults()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	per, _ := r.CPU.PerItem(r.Sent)
	return json.MarshalIndent(map[string]any{
		"rate_inputs_per_s": r.Rate(), "window_s": r.Window.Seconds(), "stages": cfg.Stages, "fanout": cfg.Fanout,
		"linger_ms": ms(cfg.Linger), "sent": r.Sent, "seen": r.Seen, "outputs": r.Outputs,
		"latency_ms": map[string]float64{"p50": ms(r.Latency.P50), "p99": ms(r.Latency.P99),
			"p999": ms(r.Latency.P999), "max": ms(r.Latency.Max), "mean": ms(r.Latency.Mean)},
		"stand_in": map[string]any{"what": r.CPU.What, "cpu_s": r.CPU.CPU.Seconds(), "cpu_cores": r.CPU.Cores(),
			"cpu_us_per_input": per, "rss_mib": r.Memory.RSS >> 20, "peak_rss_mib": r.Memory.Peak >> 20,
			"cpu_s_by_thread": threadSeconds(r.Threads)},
	}, "", "  ")
}

func threadSeconds(th map[string]time.Duration) map[string]float64 {
	out := make(map[string]float64, len(th))
	for name, t := range th {
		out[name] = t.Seconds()
	}
	return out
}
