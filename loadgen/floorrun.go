package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

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
	sendCtx, stopSending := context.WithCancel(ctx)
	sendDone := make(chan struct{})
	go func() {
		defer close(sendDone)
		floorSend(sendCtx, prod, cfg, start, winFrom, winTo, &seqFrom, &seqTo, edge, &failed)
	}()
	defer func() { // on an early return too: the sender ends before its client closes
		stopSending()
		<-sendDone
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
