package loadgen

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is everything one run measured.
type Report struct {
	Command     string
	Mode        string // "in-process" or "bootstrap <addr>"
	Plan        PlanConfig
	Quests      int // quest players requested
	Riders      int
	QuestsWired bool
	Rate        float64
	Warmup      time.Duration
	Start       time.Time
	Window      Window // the measured window (warm-up excluded)
	Series      []Window
	Baseline    *BaselineResult
	// ServiceTimers is the service's TimerLateness histogram over the window,
	// by actor kind (in-process only).
	ServiceTimers  map[string]HistSummary
	RecordLateness map[string]Summary
	DeadLettered   map[string]int
	Timeouts       map[string]int
	ProduceFails   int64
	ProduceAck     Summary // the loadgen's own produce: send → broker ack
	StampToSeen    Summary // STAGE_CLEARED record timestamp (set by the service) → seen by the loadgen
	Undecodable    int64
	InFlightAtEnd  int
	Counters       map[string]map[string]int // by scenario
	Live           map[string]LiveStats      // by scenario
	Memory         MemoryStats
	CPU            CPUStats // the service's CPU over the window (Memory.What's process)
	// GCCycles are the service's collector cycles (-gctrace), nil when
	// not traced.
	GCCycles []GCCycle
	Notes    []string
}

// GCSummary lines the service's collector cycles up with the window;
// false when they were not traced.
func (r Report) GCSummary() (GCSummary, bool) {
	if r.GCCycles == nil {
		return GCSummary{}, false
	}
	return SummarizeGC(r.GCCycles, r.Series, r.Window), true
}

// LiveStats is how many players were inside a ride or an instance.
type LiveStats struct{ Mean, Max int }

// MemoryStats is the measured process's memory.
type MemoryStats struct {
	Measured   bool
	What       string // whose memory it is
	Before     uint64 // RSS before the service started (in-process)
	End        uint64 // RSS at the end of the window
	Peak       uint64 // VmHWM
	GoHeapLive uint64 // in-process: HeapAlloc after GC at the end
}

// Ratio is the service's completed commands/s as a percentage of the
// passthrough's records/s (0 when there is no baseline).
func (r Report) Ratio() float64 {
	if r.Baseline == nil || r.Baseline.Rate() == 0 {
		return 0
	}
	return 100 * r.Window.Throughput() / r.Baseline.Rate()
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

func msStr(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// Format writes the report as text.
func (r Report) Format(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("transitquest load generator report")
	p("command: %s", r.Command)
	p("mode: %s; %d tenants × (%d scheduled routes, %d instance routes); quest players %d%s; riders %d",
		r.Mode, r.Plan.Tenants, r.Plan.Routes, r.Plan.InstanceRoutes, r.Quests, wiredNote(r), r.Riders)
	rate := "as fast as the players go (closed loop)"
	if r.Rate > 0 {
		rate = fmt.Sprintf("%.0f commands/s target", r.Rate)
	}
	p("rate: %s; window %s after a %s warm-up", rate, r.Window.To.Sub(r.Window.From).Round(time.Millisecond), r.Warmup)
	p("")
	p("throughput (command produced → effect seen by a read_committed consumer)")
	secs := r.Window.To.Sub(r.Window.From).Seconds()
	p("  completed: %d commands = %.0f commands/s (sent %.0f/s)", r.Window.Completed, r.Window.Throughput(), float64(r.Window.Sent)/max(secs, 1e-9))
	if r.Baseline != nil {
		p("  passthrough baseline (confluent-kafka-go, EOS, ≤2000 records/txn, JSON decode+encode): %.0f records/s (%d records, %d transactions, %s)",
			r.Baseline.Rate(), r.Baseline.Records, r.Baseline.Transactions, r.Baseline.Elapsed.Round(time.Millisecond))
		p("  service throughput = %.2f%% of the practical ceiling measured in this run", r.Ratio())
		if us, ok := r.Baseline.CPUPerRecord(); ok {
			p("  passthrough CPU: %.1f µs per record (%s; %.2f s over %d records after the first transaction)",
				us, r.Baseline.CPUWhat, r.Baseline.CPU.Seconds(), r.Baseline.CPURecords)
		} else {
			p("  passthrough CPU: not measured")
		}
	}
	l := r.Window.Latency
	p("latency (command → effect): p50 %s · p99 %s · p99.9 %s · max %s · mean %s (%d samples)",
		msStr(l.P50), msStr(l.P99), msStr(l.P999), msStr(l.Max), msStr(l.Mean), l.Count)
	p("")
	p("timer lateness")
	for _, k := range sortedKeys(r.ServiceTimers) {
		h := r.ServiceTimers[k]
		p("  service TimerLateness{kind=%s}: p50 %s · p99 %s · p99.9 %s (%d fires; histogram-interpolated)", k, msStr(h.P50), msStr(h.P99), msStr(h.P999), h.Count)
	}
	for _, k := range sortedKeys(r.RecordLateness) {
		s := r.RecordLateness[k]
		p("  %s: p50 %s · p99 %s · p99.9 %s · max %s (%d)", k, msStr(s.P50), msStr(s.P99), msStr(s.P999), msStr(s.Max), s.Count)
	}
	if len(r.RecordLateness) > 0 {
		p("  (record-based lateness: the effect record's timestamp, 1 ms resolution, minus the due instant derived from")
		p("   the timetable or from the STARTED record's timestamp; the service stamps a record with the instant it")
		p("   decided it, so this is the timer's own lateness: the transaction that delivers it is in the latency above)")
	}
	p("")
	p("errors")
	p("  dead-lettered: %s", countList(r.DeadLettered))
	p("  timeouts: %s", countList(r.Timeouts))
	p("  produce failures: %d; undecodable records: %d; commands in flight at the end: %d", r.ProduceFails, r.Undecodable, r.InFlightAtEnd)
	if r.ProduceAck.Count > 0 {
		p("  loadgen produce, send → broker ack (every 10th command): p50 %s · p99 %s · max %s",
			r.ProduceAck.P50.Round(10*time.Microsecond), r.ProduceAck.P99.Round(10*time.Microsecond), r.ProduceAck.Max.Round(10*time.Microsecond))
	}
	if r.StampToSeen.Count > 0 {
		p("  STAGE_CLEARED stamped by the service → seen by the loadgen: p50 %s · p99 %s · max %s",
			r.StampToSeen.P50.Round(time.Millisecond), r.StampToSeen.P99.Round(time.Millisecond), r.StampToSeen.Max.Round(time.Millisecond))
	}
	p("")
	p("players")
	for _, k := range sortedKeys(r.Counters) {
		lv := r.Live[k]
		p("  %s: live mean %d max %d; %s", k, lv.Mean, lv.Max, countList(r.Counters[k]))
	}
	p("")
	if m := r.Memory; m.Measured {
		p("memory (%s): RSS %s at the end of the window, peak (VmHWM) %s", m.What, mib(m.End), mib(m.Peak))
		if m.Before > 0 {
			p("  RSS before the service started %s (broker + loadgen); Go heap after GC at the end %s", mib(m.Before), mib(m.GoHeapLive))
		}
	} else {
		p("memory: not measured (pass -pid with -bootstrap)")
	}
	if c := r.CPU; c.Measured {
		perCmd := "no commands completed"
		if us, ok := c.PerItem(r.Window.Completed); ok {
			perCmd = fmt.Sprintf("%.0f µs per command", us)
		}
		p("service CPU over the window: %.1f s = %.2f cores, %s (%s; user+system over %s)",
			c.CPU.Seconds(), c.Cores(), perCmd, c.What, c.Over.Round(time.Millisecond))
	} else {
		p("service CPU: not measured (pass -pid with -bootstrap)")
	}
	if g, ok := r.GCSummary(); ok {
		every := "" // an interval needs two cycles
		if g.Cycles > 1 {
			every = ", one every " + g.Every.Round(100*time.Millisecond).String()
		}
		p("service collector (gctrace) over the window: %d cycles%s; mark p50 %s · max %s wall, assists %s CPU per cycle; %.1f %% of the time inside a mark",
			g.Cycles, every, g.MarkP50.Round(time.Millisecond), g.MarkMax.Round(time.Millisecond),
			g.AssistMean.Round(time.Millisecond), 100*g.MarkShare)
		p("  seconds whose p99 exceeded twice the median second's: %d, of which %d during a mark or the second after it", g.Spikes, g.OnMark)
	}
	for _, n := range r.Notes {
		p("note: %s", n)
	}
}

func wiredNote(r Report) string {
	if r.Quests > 0 && !r.QuestsWired {
		return " (NOT RUN: the party-quest subsystem does not consume)"
	}
	return ""
}

func countList(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
