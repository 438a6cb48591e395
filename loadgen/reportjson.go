package loadgen

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// JSONVersion is report.json's format version; it changes when a field
// changes meaning or goes away.
const JSONVersion = 1

// JSONReport is report.json: the report's numbers for programs. Times named
// _ms are milliseconds, _s seconds, _us microseconds; a number that was not
// measured is null.
type JSONReport struct {
	Version     int       `json:"version"`
	Command     string    `json:"command"`
	Mode        string    `json:"mode"`
	InProcess   bool      `json:"in_process"`
	Plan        JSONPlan  `json:"plan"`
	Quests      int       `json:"quests"` // quest players requested
	Riders      int       `json:"riders"`
	QuestsWired bool      `json:"quests_wired"`               // false: the quests were not run
	RateTarget  float64   `json:"rate_target_commands_per_s"` // 0: as fast as the players go
	WarmupS     float64   `json:"warmup_s"`
	WindowStart time.Time `json:"window_start"`
	WindowS     float64   `json:"window_s"`

	Throughput float64 `json:"throughput_commands_per_s"` // completed commands over the window
	Completed  int     `json:"completed_commands"`
	Sent       int     `json:"sent_commands"`
	// ThroughputPct is the throughput as a percentage of the baseline's
	// records/s.
	ThroughputPct *float64          `json:"throughput_pct_of_baseline"`
	Latency       JSONLatency       `json:"latency_ms"` // command produced → effect seen
	TimerLateness JSONTimerLateness `json:"timer_lateness_ms"`
	// ServiceTimerLateness is the service's TimerLateness histogram by actor
	// kind, interpolated within buckets (in-process only).
	ServiceTimerLateness map[string]JSONLatency `json:"service_timer_lateness_ms,omitempty"`
	Live                 JSONLive               `json:"live"`
	Service              JSONService            `json:"service"`
	Baseline             *JSONBaseline          `json:"baseline"` // null: not measured (-baseline=false)

	DeadLetters         int            `json:"dead_letters"`
	DeadLettersByTopic  map[string]int `json:"dead_letters_by_topic"`
	DeadLettersByReason map[string]int `json:"dead_letters_by_reason"` // by "topic: reason"
	Timeouts            int            `json:"timeouts"`
	TimeoutsByKind      map[string]int `json:"timeouts_by_kind"`
	ProduceFailures     int64          `json:"produce_failures"`
	Undecodable         int64          `json:"undecodable"`
	InFlightAtEnd       int            `json:"in_flight_at_end"`
	// ProduceAck is the loadgen's own produce, send → broker ack, of every
	// 10th command.
	ProduceAck JSONLatency `json:"loadgen_produce_ack_ms"`
	// StampToSeen is a STAGE_CLEARED record's timestamp, set by the
	// service, → seen by the loadgen.
	StampToSeen JSONLatency               `json:"stage_cleared_stamp_to_seen_ms"`
	Counters    map[string]map[string]int `json:"counters"` // by scenario
	Notes       []string                  `json:"notes"`
	// Series is the chart's data, second by second from the start of the
	// ramp: what lines a latency spike up with a collector's cycle or a
	// broker stall in another process's trace.
	Series []JSONSecond `json:"series"`
	// ServiceGC is the service's collector over the window (-gctrace);
	// null when not traced.
	ServiceGC *JSONGC `json:"service_gc"`
}

// JSONGC is a GCSummary.
type JSONGC struct {
	Cycles       int     `json:"cycles"`
	EveryS       float64 `json:"every_s"`
	MarkP50      float64 `json:"mark_p50_ms"`
	MarkMax      float64 `json:"mark_max_ms"`
	AssistMean   float64 `json:"assist_mean_ms"`
	MarkShare    float64 `json:"mark_share"`
	SpikeSeconds int     `json:"spike_seconds"`
	SpikesOnMark int     `json:"spike_seconds_on_mark"`
}

// JSONSecond is one second of the run.
type JSONSecond struct {
	From      time.Time `json:"from"`
	Completed int       `json:"completed"`
	Sent      int       `json:"sent"`
	P50       float64   `json:"p50_ms"`
	P99       float64   `json:"p99_ms"`
	Max       float64   `json:"max_ms"`
}

// JSONPlan is the generated configuration's size.
type JSONPlan struct {
	Tenants        int     `json:"tenants"`
	Routes         int     `json:"routes_per_tenant"`
	InstanceRoutes int     `json:"instance_routes_per_tenant"`
	RideCapacity   uint32  `json:"ride_capacity"`
	RideBoardingS  float64 `json:"ride_boarding_s"`
	RideTravelS    float64 `json:"ride_travel_s"`
	QuestWaitS     float64 `json:"quest_wait_s"`
	QuestStages    int     `json:"quest_stages"`
}

// JSONLatency is a set of durations in milliseconds.
type JSONLatency struct {
	P50   float64  `json:"p50"`
	P99   float64  `json:"p99"`
	P999  float64  `json:"p999"`
	Max   *float64 `json:"max,omitempty"` // not known for a histogram
	Mean  float64  `json:"mean"`
	Count int      `json:"count"`
}

// JSONTimerLateness is the record-based timer lateness: an effect record's
// timestamp minus the instant it was due; null for a kind without samples.
type JSONTimerLateness struct {
	Quest *JSONLatency `json:"quest"` // stage 0's limit, STAGE_ADVANCED
	Ride  *JSONLatency `json:"ride"`  // ride arrival, COMPLETED
	Route *JSONLatency `json:"route"` // scheduled departure, DEPARTED
}

// JSONLive is how many players were inside a quest instance or a ride,
// sampled once a second over the window; null for a scenario not run.
type JSONLive struct {
	QuestsMean *int `json:"quests_mean"`
	QuestsMax  *int `json:"quests_max"`
	RidesMean  *int `json:"rides_mean"`
	RidesMax   *int `json:"rides_max"`
}

// JSONService is the measured process's memory and CPU: the service
// process (-pid) or, in-process, this whole process (What says which).
type JSONService struct {
	What          string   `json:"what"`
	RSSMiB        *float64 `json:"rss_mib"`      // at the end of the window
	PeakRSSMiB    *float64 `json:"peak_rss_mib"` // VmHWM
	RSSBeforeMiB  *float64 `json:"rss_before_mib,omitempty"`
	GoHeapLiveMiB *float64 `json:"go_heap_live_mib,omitempty"`
	CPUS          *float64 `json:"cpu_s"` // user + system over the window
	CPUCores      *float64 `json:"cpu_cores"`
	CPUUsPerCmd   *float64 `json:"cpu_us_per_command"` // per completed command
	CPUSampledS   *float64 `json:"cpu_sampled_over_s"` // wall time between the two CPU samples
}

// JSONBaseline is the passthrough's rate and CPU.
type JSONBaseline struct {
	RecordsPerS    float64  `json:"records_per_s"`
	Records        int      `json:"records"`
	Transactions   int      `json:"transactions"`
	ElapsedS       float64  `json:"elapsed_s"`
	CPUS           *float64 `json:"cpu_s"`
	CPURecords     int      `json:"cpu_records"` // records passed while CPU was measured
	CPUUsPerRecord *float64 `json:"cpu_us_per_record"`
	CPUWhat        string   `json:"cpu_what"`
}

// JSON converts the report to report.json's form.
func (r Report) JSON() JSONReport {
	w := r.Window
	j := JSONReport{Version: JSONVersion, Command: r.Command, Mode: r.Mode, InProcess: strings.HasPrefix(r.Mode, "in-process"),
		Plan: JSONPlan{Tenants: r.Plan.Tenants, Routes: r.Plan.Routes, InstanceRoutes: r.Plan.InstanceRoutes,
			RideCapacity: r.Plan.RideCapacity, RideBoardingS: r.Plan.RideBoarding.Seconds(), RideTravelS: r.Plan.RideTravel.Seconds(),
			QuestWaitS: r.Plan.QuestWait.Seconds(), QuestStages: r.Plan.QuestStages},
		Quests: r.Quests, Riders: r.Riders, QuestsWired: r.QuestsWired, RateTarget: r.Rate, WarmupS: r.Warmup.Seconds(),
		WindowStart: w.From, WindowS: w.To.Sub(w.From).Seconds(),
		Throughput: w.Throughput(), Completed: w.Completed, Sent: w.Sent,
		Latency: jsonSummary(w.Latency),
		TimerLateness: JSONTimerLateness{
			Quest: jsonLateness(r.RecordLateness, LateQuestStage),
			Ride:  jsonLateness(r.RecordLateness, LateRideArrival),
			Route: jsonLateness(r.RecordLateness, LateRouteDeparted)},
		DeadLetters: sum(r.DeadLettered), DeadLettersByTopic: map[string]int{}, DeadLettersByReason: nonNil(r.DeadLettered),
		Timeouts: sum(r.Timeouts), TimeoutsByKind: nonNil(r.Timeouts),
		ProduceFailures: r.ProduceFails, Undecodable: r.Undecodable, InFlightAtEnd: r.InFlightAtEnd,
		ProduceAck: jsonSummary(r.ProduceAck), StampToSeen: jsonSummary(r.StampToSeen),
		Counters: r.Counters, Notes: r.Notes,
	}
	if j.Counters == nil {
		j.Counters = map[string]map[string]int{}
	}
	if j.Notes == nil {
		j.Notes = []string{}
	}
	if g, ok := r.GCSummary(); ok {
		j.ServiceGC = &JSONGC{Cycles: g.Cycles, EveryS: g.Every.Seconds(), MarkP50: ms(g.MarkP50), MarkMax: ms(g.MarkMax),
			AssistMean: ms(g.AssistMean), MarkShare: g.MarkShare, SpikeSeconds: g.Spikes, SpikesOnMark: g.OnMark}
	}
	j.Series = make([]JSONSecond, len(r.Series))
	for i, sw := range r.Series {
		j.Series[i] = JSONSecond{From: sw.From, Completed: sw.Completed, Sent: sw.Sent,
			P50: ms(sw.Latency.P50), P99: ms(sw.Latency.P99), Max: ms(sw.Latency.Max)}
	}
	for k, n := range r.DeadLettered {
		topic, _, _ := strings.Cut(k, ": ")
		j.DeadLettersByTopic[topic] += n
	}
	if len(r.ServiceTimers) > 0 {
		j.ServiceTimerLateness = map[string]JSONLatency{}
		for k, h := range r.ServiceTimers {
			j.ServiceTimerLateness[k] = JSONLatency{P50: ms(h.P50), P99: ms(h.P99), P999: ms(h.P999), Mean: ms(h.Mean), Count: int(h.Count)}
		}
	}
	if lv, ok := r.Live[QuestsName]; ok {
		j.Live.QuestsMean, j.Live.QuestsMax = &lv.Mean, &lv.Max
	}
	if lv, ok := r.Live[RidersName]; ok {
		j.Live.RidesMean, j.Live.RidesMax = &lv.Mean, &lv.Max
	}
	j.Service = r.jsonService()
	if b := r.Baseline; b != nil {
		jb := &JSONBaseline{RecordsPerS: b.Rate(), Records: b.Records, Transactions: b.Transactions,
			ElapsedS: b.Elapsed.Seconds(), CPURecords: b.CPURecords, CPUWhat: b.CPUWhat}
		if us, ok := b.CPUPerRecord(); ok {
			jb.CPUS, jb.CPUUsPerRecord = num(b.CPU.Seconds()), num(us)
		}
		j.Baseline = jb
		if b.Rate() > 0 {
			j.ThroughputPct = num(r.Ratio())
		}
	}
	return j
}

func (r Report) jsonService() JSONService {
	s := JSONService{What: "not measured (pass -pid with -bootstrap)"}
	if m := r.Memory; m.Measured {
		s.What = m.What
		s.RSSMiB, s.PeakRSSMiB = num(mibF(m.End)), num(mibF(m.Peak))
		if m.Before > 0 {
			s.RSSBeforeMiB = num(mibF(m.Before))
		}
		if m.GoHeapLive > 0 {
			s.GoHeapLiveMiB = num(mibF(m.GoHeapLive))
		}
	}
	if c := r.CPU; c.Measured {
		s.What = c.What
		s.CPUS, s.CPUCores, s.CPUSampledS = num(c.CPU.Seconds()), num(c.Cores()), num(c.Over.Seconds())
		if us, ok := c.PerItem(r.Window.Completed); ok {
			s.CPUUsPerCmd = num(us)
		}
	}
	return s
}

// MarshalReport is report.json's content, indented.
func MarshalReport(r Report) ([]byte, error) {
	b, err := json.MarshalIndent(r.JSON(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func jsonSummary(s Summary) JSONLatency {
	return JSONLatency{P50: ms(s.P50), P99: ms(s.P99), P999: ms(s.P999), Max: num(ms(s.Max)), Mean: ms(s.Mean), Count: s.Count}
}

func jsonLateness(m map[string]Summary, kind string) *JSONLatency {
	s, ok := m[kind]
	if !ok || s.Count == 0 {
		return nil
	}
	j := jsonSummary(s)
	return &j
}

func mibF(b uint64) float64 { return float64(b) / (1 << 20) }

// num is a pointer to x, nil when x is not a number JSON can carry.
func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}
