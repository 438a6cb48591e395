package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Options configure one load-generator run.
type Options struct {
	Bootstrap string // empty: in-process (embedded broker + the service)
	PID       int    // with Bootstrap: the service's process, for RSS
	Plan      PlanConfig
	Quests    int
	Riders    int
	Rate      float64
	Duration  time.Duration // measured window
	Warmup    time.Duration // excluded from the numbers
	Timeout   time.Duration
	Drain     time.Duration
	Pacing    Pacing
	Baseline  bool
	// BaselineRecords is how many records the passthrough moves.
	BaselineRecords int
	Command         string // the command line, quoted in the report
	// WindowEnd, when set, runs once the moment the measured window ends,
	// before the drain (cmd/loadgen writes its heap profile there, while the
	// run's state is still live).
	WindowEnd func()
}

// Run performs one measured run and returns its report.
func Run(ctx context.Context, o Options, log *zap.Logger) (Report, error) {
	r := Report{Command: o.Command, Plan: o.Plan, Quests: o.Quests, Riders: o.Riders, Rate: o.Rate, Warmup: o.Warmup}
	tag := randomTag()
	plan := NewPlan(o.Plan)
	names := messages.TopicNamesFromEnv(func(string) string { return "" })
	bootstrap := o.Bootstrap
	r.Mode = "bootstrap " + bootstrap
	if bootstrap == "" {
		r.Mode = "in-process (embedded broker + service in this process)"
		broker, err := StartBroker(names, 0)
		if err != nil {
			return r, err
		}
		defer broker.Close()
		bootstrap = broker.Bootstrap()
	}
	if o.Baseline {
		log.Info("measuring the passthrough baseline", zap.Int("records", o.BaselineRecords))
		res, err := RunBaseline(ctx, BaselineConfig{Bootstrap: bootstrap, Records: o.BaselineRecords, Tag: tag})
		if err != nil {
			return r, fmt.Errorf("baseline: %w", err)
		}
		res.CPUWhat = "the whole loadgen process: the passthrough's consumer and producer with their librdkafka threads"
		if o.Bootstrap == "" {
			res.CPUWhat += ", and the embedded broker serving them"
		}
		r.Baseline = &res
	}
	var svc *InProcess
	if o.Bootstrap == "" {
		runtime.GC()
		debug.FreeOSMemory()
		if m, err := ReadMemory(0); err == nil {
			r.Memory.Before = m.RSS
		}
		var err error
		if svc, err = StartService(ctx, bootstrap, tag, plan, log.Named("service")); err != nil {
			return r, err
		}
		defer func() {
			if err := svc.Stop(time.Minute); err != nil {
				log.Warn("service shutdown", zap.Error(err))
			}
		}()
	}
	groups := []string{TransportGroup}
	if o.Quests > 0 {
		groups = append(groups, QuestGroup)
	}
	missing, err := WaitGroupsStable(ctx, bootstrap, 45*time.Second, groups...)
	if err != nil {
		return r, err
	}
	r.QuestsWired = true
	for _, g := range missing {
		if g == TransportGroup {
			return r, fmt.Errorf("consumer group %q is not consuming: is the service running against %s?", g, bootstrap)
		}
		r.QuestsWired = false
		r.Notes = append(r.Notes, fmt.Sprintf("consumer group %q never became stable: the party-quest subsystem is not wired into the service, so this is a transport-only run", g))
	}
	return drive(ctx, o, r, plan, bootstrap, names, svc, log)
}

// drive runs the scenarios and fills in the report.
func drive(ctx context.Context, o Options, r Report, plan Plan, bootstrap string, names messages.TopicNames, svc *InProcess, log *zap.Logger) (Report, error) {
	late, rec := &Lateness{}, &Recorder{}
	scen := scenarios(o, r.QuestsWired, plan, late)
	mem := &memorySampler{pid: o.PID, measure: o.Bootstrap == "" || o.PID > 0}
	start := time.Now()
	measureFrom := start.Add(o.Warmup)
	var timersFrom map[string]Hist
	var tickMu sync.Mutex
	// The service's CPU is sampled when the window starts and when it ends.
	cpu, cpuWhat := &cpuWindow{}, "this process: service + embedded broker + loadgen"
	measureCPU := o.Bootstrap == "" || o.PID > 0
	if o.Bootstrap != "" {
		cpu.pid, cpuWhat = o.PID, fmt.Sprintf("service process %d", o.PID)
	}
	if measureCPU {
		t := time.AfterFunc(time.Until(measureFrom), cpu.begin)
		defer t.Stop()
	}
	d, err := NewDriver(ctx, DriverConfig{Bootstrap: bootstrap, Names: names, Rate: o.Rate, Timeout: o.Timeout,
		Scenarios: scen, Departures: NewDepartures(plan), Late: late, Recorder: rec,
		Tick: func(now time.Time) {
			tickMu.Lock()
			defer tickMu.Unlock()
			if svc != nil && timersFrom == nil && !now.Before(measureFrom) {
				timersFrom, _ = GatherHistograms(svc.Metrics().Registry, "transitquest_timer_lateness_seconds", "kind")
			}
			if !now.Before(measureFrom) {
				mem.sample(scen)
			}
		},
		Stopping: func(time.Time) {
			if measureCPU {
				cpu.end()
			}
			if o.WindowEnd != nil {
				o.WindowEnd()
			}
		}})
	if err != nil {
		return r, err
	}
	log.Info("driving", zap.Int("quests", o.Quests), zap.Int("riders", o.Riders), zap.Duration("duration", o.Duration))
	stopped, err := d.Run(ctx, o.Warmup+o.Duration, o.Drain)
	if err != nil {
		return r, err
	}
	if svc != nil {
		if err := svc.Failed(); err != nil {
			return r, fmt.Errorf("the service stopped during the run: %w", err)
		}
	}
	r.Start = start
	r.Window = rec.Window(measureFrom, stopped)
	r.Series = rec.Series(start, stopped, time.Second)
	r.RecordLateness = late.Window(measureFrom, stopped)
	r.DeadLettered, r.Timeouts = d.Errors().Snapshot()
	r.ProduceFails, r.Undecodable = d.Errors().ProduceFails.Load(), d.Errors().Undecodable.Load()
	r.ProduceAck, r.StampToSeen = d.Errors().AckLatency(), d.Errors().StampToSeen()
	r.InFlightAtEnd = d.InFlight()
	r.Counters, r.Live = map[string]map[string]int{}, map[string]LiveStats{}
	for _, s := range scen {
		r.Counters[s.Name()] = s.Counters()
		r.Live[s.Name()] = mem.live(s.Name())
	}
	tickMu.Lock()
	defer tickMu.Unlock()
	before := r.Memory.Before
	r.Memory = mem.stats(o.Bootstrap == "")
	r.Memory.Before = before
	if measureCPU {
		var err error
		if r.CPU, err = cpu.stats(cpuWhat); err != nil {
			r.Notes = append(r.Notes, fmt.Sprintf("service CPU not measured: %v", err))
		}
	}
	if svc != nil {
		r.ServiceTimers = map[string]HistSummary{}
		end, err := GatherHistograms(svc.Metrics().Registry, "transitquest_timer_lateness_seconds", "kind")
		if err == nil {
			for k, h := range end {
				r.ServiceTimers[k] = h.Sub(timersFrom[k]).Summary()
			}
		}
		if n, err := GatherSum(svc.Metrics().Registry, "transitquest_records_dead_lettered_total"); err == nil {
			r.Notes = append(r.Notes, fmt.Sprintf("service DeadLettered counter over the whole run: %.0f", n))
		}
	}
	return r, nil
}

// scenarios builds the riders and, when the subsystem consumes, the quests.
func scenarios(o Options, questsWired bool, plan Plan, late *Lateness) []Scenario {
	var tags [4]byte
	_, _ = rand.Read(tags[:])
	runTag := binary.BigEndian.Uint32(tags[:]) % 1000
	base := runTag<<22 | 1
	var targets []RideTarget
	var tenants []tenant.Tenant
	for _, t := range plan.Tenants {
		tenants = append(tenants, t.Tenant)
		for _, ir := range t.InstanceRoutes {
			targets = append(targets, RideTarget{Tenant: t.Tenant, Route: ir.ID, Boarding: ir.BoardingWindow, Travel: ir.Travel})
		}
	}
	var out []Scenario
	if o.Riders > 0 && len(targets) > 0 {
		out = append(out, NewRiders(o.Riders, base, targets, late, o.Timeout, o.Pacing))
	}
	if o.Quests > 0 && questsWired && len(tenants) > 0 {
		var party atomic.Uint32
		party.Store(runTag << 22)
		out = append(out, NewQuests(o.Quests, base+uint32(o.Riders), tenants, plan.Quest, func() uint32 { return party.Add(1) }, late, o.Timeout, o.Pacing))
	}
	return out
}

func randomTag() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
