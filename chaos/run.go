package chaos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/loadgen"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Config is one chaos run.
type Config struct {
	Replicas  int           // service processes in one consumer group per subsystem
	Duration  time.Duration // how long load is driven (the audited window)
	KillEvery time.Duration // SIGKILL one replica (round robin) this often; 0: never
	Rate      float64       // commands per second at most; 0: as fast as the players go
	Riders    int           // instance-transport riders
	Quests    int           // party-quest players
	Plan      loadgen.PlanConfig
	// ServiceBin is the transitquest binary each replica runs.
	ServiceBin string
	// Dir receives the configuration, every process's log, report.json
	// and report.txt.
	Dir string
	// Settle is how long the replicas keep running, unharmed, after the
	// load stops, so timers due in the window fire before the read.
	Settle time.Duration
	Audit  audit.Options
	// Log receives progress lines.
	Log io.Writer
	// Command is the command line, quoted in the report.
	Command string
}

// DefaultPlan is the generated configuration a chaos run uses: small, so
// a 2-core machine runs three replicas, with second-scale timetables so
// many timers fire per minute and rides that fill up (capacity 4).
var DefaultPlan = loadgen.PlanConfig{Tenants: 2, Routes: 10, InstanceRoutes: 3, RideCapacity: 4,
	RideBoarding: 2 * time.Second, RideTravel: 5 * time.Second, QuestWait: 3 * time.Second, QuestStages: 2}

// Kill is one SIGKILL of a replica and its restart under the same name.
type Kill struct {
	Replica   string    `json:"replica"`
	At        time.Time `json:"at"`
	Restarted time.Time `json:"restarted"`
	Ready     time.Time `json:"ready,omitzero"`
	Error     string    `json:"error,omitempty"`
}

// Result is what a run measured; report.json is its JSON.
type Result struct {
	Command    string                    `json:"command"`
	Replicas   int                       `json:"replicas"`
	Duration   string                    `json:"duration"`
	KillEvery  string                    `json:"killEvery"`
	Rate       float64                   `json:"rate"`
	Riders     int                       `json:"riders"`
	Quests     int                       `json:"quests"`
	Plan       loadgen.PlanConfig        `json:"plan"`
	Kills      []Kill                    `json:"kills"`
	Starts     []audit.Interval          `json:"starts"`
	Commands   int                       `json:"commandsAcked"`
	Refused    int                       `json:"commandsRefusedByBroker"`
	Records    int                       `json:"recordsRead"`
	Scenarios  map[string]map[string]int `json:"scenarios"`
	Timeouts   map[string]int            `json:"driverTimeouts"`
	DeadLetter map[string]int            `json:"driverDeadLetters"`
	Problems   []string                  `json:"problems"`
	Audit      audit.Report              `json:"audit"`
}

// OK reports whether the audit passed and the runner itself had no problem
// (every replica came back).
func (r Result) OK() bool { return r.Audit.OK() && len(r.Problems) == 0 }

// startSlack extends a replica's start-up span past its readiness: route
// actors may announce ARRIVED a moment after /readyz turns 200.
const startSlack = 3 * time.Second

// readyTimeout bounds a replica's start (restore included).
const readyTimeout = 90 * time.Second

// Run starts a broker and cfg.Replicas service processes, drives load while
// killing a replica every cfg.KillEvery, lets the timers settle, reads every
// output topic and audits it. It writes report.json and report.txt into
// cfg.Dir. Every process it starts is stopped before it returns, also when
// ctx is cancelled (Ctrl-C); the error is for a run that could not be
// carried out, an audit failure is in Result.
func Run(ctx context.Context, cfg Config) (Result, error) {
	res := Result{Command: cfg.Command, Replicas: cfg.Replicas, Duration: cfg.Duration.String(), KillEvery: cfg.KillEvery.String(),
		Rate: cfg.Rate, Riders: cfg.Riders, Quests: cfg.Quests, Plan: cfg.Plan, Problems: []string{}}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "%s chaos: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
		}
	}
	if cfg.Replicas < 1 {
		return res, errors.New("chaos: at least one replica")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return res, fmt.Errorf("chaos: run folder: %w", err)
	}
	plan := loadgen.NewPlan(cfg.Plan)
	cfgPath, err := plan.WriteConfig(filepath.Join(cfg.Dir, "config"))
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	loaded, problems, err := config.Load(cfgPath)
	if err != nil || len(problems) > 0 {
		return res, fmt.Errorf("chaos: the generated configuration does not load cleanly: %v %v", err, problems)
	}
	names := messages.TopicNamesFromEnv(func(string) string { return "" })

	broker, bootstrap, err := startBroker(cfg.Dir)
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	defer func() {
		if err := broker.stop(10 * time.Second); err != nil {
			logf("%v", err)
		}
	}()
	logf("broker on %s; starting %d replicas of %s", bootstrap, cfg.Replicas, cfg.ServiceBin)
	rs, starts, err := startReplicas(ctx, cfg, bootstrap, cfgPath)
	defer stopReplicas(rs, logf) // also the ones started before a failure
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	groups := []string{loadgen.TransportGroup, loadgen.QuestGroup}
	if missing, err := loadgen.WaitGroupsStable(ctx, bootstrap, 60*time.Second, groups...); err != nil || len(missing) > 0 {
		return res, fmt.Errorf("chaos: consumer groups %v not stable: %v", missing, err)
	}

	cmds := &commandLog{}
	late := &loadgen.Lateness{}
	scen := scenarios(cfg, plan, late)
	d, err := loadgen.NewDriver(ctx, loadgen.DriverConfig{Bootstrap: bootstrap, Names: names, Rate: cfg.Rate, Timeout: 30 * time.Second,
		Scenarios: scen, Late: late, Recorder: &loadgen.Recorder{}, Decorate: cmds.decorate, Acked: cmds.acked})
	if err != nil {
		return res, fmt.Errorf("chaos: driver: %w", err)
	}
	logf("driving %d riders and %d quest players for %s, killing a replica every %s", cfg.Riders, cfg.Quests, cfg.Duration, cfg.KillEvery)
	from := time.Now()
	k := &killer{replicas: rs, every: cfg.KillEvery, logf: logf}
	kctx, stopKills := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); k.run(kctx, ctx) }()
	stopped, runErr := d.Run(ctx, cfg.Duration, 15*time.Second)
	stopKills()
	wg.Wait() // a restart in progress completes: every replica is up for the settle
	res.Kills, res.Starts = k.kills, append(starts, k.starts...)
	for _, kill := range k.kills {
		if kill.Error != "" {
			res.Problems = append(res.Problems, fmt.Sprintf("%s did not come back: %s", kill.Replica, kill.Error))
		}
	}
	if runErr != nil {
		return res, fmt.Errorf("chaos: driving: %w", runErr)
	}
	logf("load stopped; settling %s so due timers fire", cfg.Settle)
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(cfg.Settle):
	}
	for _, r := range rs {
		if r.p.exited() {
			res.Problems = append(res.Problems, fmt.Sprintf("%s exited on its own: %v (see %s)", r.name, r.p.err, r.log))
		}
	}
	records, readAt, err := collect(ctx, bootstrap, names, 2*time.Minute)
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	commands, refused := cmds.snapshot()
	res.Commands, res.Refused, res.Records = len(commands), refused, len(records)
	res.Scenarios = map[string]map[string]int{}
	for _, s := range scen {
		res.Scenarios[s.Name()] = s.Counters()
	}
	res.DeadLetter, res.Timeouts = d.Errors().Snapshot()
	logf("read %d records; auditing %d commands", len(records), len(commands))
	res.Audit = audit.Run(audit.Input{Config: loaded, Window: audit.Interval{From: from, To: stopped}, ReadAt: readAt,
		Starts: res.Starts, Records: records, Commands: commands, Options: cfg.Audit})
	return res, write(cfg.Dir, res)
}

// scenarios builds the riders and quest players over the plan's tenants,
// with character and party ids of their own.
func scenarios(cfg Config, plan loadgen.Plan, late *loadgen.Lateness) []loadgen.Scenario {
	var targets []loadgen.RideTarget
	var tenants []tenant.Tenant
	for _, t := range plan.Tenants {
		tenants = append(tenants, t.Tenant)
		for _, ir := range t.InstanceRoutes {
			targets = append(targets, loadgen.RideTarget{Tenant: t.Tenant, Route: ir.ID, Boarding: ir.BoardingWindow, Travel: ir.Travel})
		}
	}
	pacing := loadgen.Pacing{Ramp: 5 * time.Second, Think: time.Second, StageUpdates: 1}
	var out []loadgen.Scenario
	if cfg.Riders > 0 && len(targets) > 0 {
		out = append(out, loadgen.NewRiders(cfg.Riders, 1_000_000, targets, late, 30*time.Second, pacing))
	}
	if cfg.Quests > 0 && len(tenants) > 0 {
		var party atomic.Uint32
		party.Store(5_000_000)
		out = append(out, loadgen.NewQuests(cfg.Quests, 2_000_000, tenants, plan.Quest, func() uint32 { return party.Add(1) },
			late, 30*time.Second, pacing))
	}
	return out
}

// startReplicas starts every replica and waits until each is ready; the
// replicas are returned even on error, for the caller to stop.
func startReplicas(ctx context.Context, cfg Config, bootstrap, cfgPath string) ([]*replica, []audit.Interval, error) {
	env := []string{
		"BOOTSTRAP_SERVERS=" + bootstrap,
		"CONFIG_PATH=" + cfgPath,
		"STATIC_MEMBERSHIP=true",
		// A replica that stays dead hands its partitions over after 10 s,
		// not librdkafka's 45 s default.
		"KAFKA_EXTRA_CONFIG=session.timeout.ms=10000,heartbeat.interval.ms=1000",
		"SHUTDOWN_TIMEOUT=20s",
		"LOG_LEVEL=info",
	}
	var rs []*replica
	spawned := map[*replica]time.Time{}
	for i := range cfg.Replicas {
		r, err := newReplica(fmt.Sprintf("chaos-replica-%d", i), cfg.ServiceBin, cfg.Dir, env)
		if err != nil {
			return rs, nil, err
		}
		spawned[r] = time.Now()
		if err := r.start(); err != nil {
			return rs, nil, err
		}
		rs = append(rs, r)
	}
	var starts []audit.Interval
	for _, r := range rs {
		ready, err := r.waitReady(ctx, readyTimeout)
		if err != nil {
			return rs, nil, err
		}
		starts = append(starts, audit.Interval{From: spawned[r], To: ready.Add(startSlack), Name: r.name + " start"})
	}
	return rs, starts, nil
}

// stopReplicas stops every replica with SIGTERM (killing the ones that do
// not exit in time), all at once.
func stopReplicas(rs []*replica, logf func(string, ...any)) {
	var wg sync.WaitGroup
	for _, r := range rs {
		if r.p == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.p.stop(25 * time.Second); err != nil {
				logf("%v", err)
			}
		}()
	}
	wg.Wait()
}

// killer SIGKILLs one replica every `every`, round robin, and restarts it
// under the same name at once.
type killer struct {
	replicas []*replica
	every    time.Duration
	logf     func(string, ...any)
	kills    []Kill
	starts   []audit.Interval
}

// run kills until kctx ends; a restart in progress completes under ctx.
func (k *killer) run(kctx, ctx context.Context) {
	if k.every <= 0 {
		return
	}
	t := time.NewTicker(k.every)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-kctx.Done():
			return
		case <-t.C:
		}
		r := k.replicas[i%len(k.replicas)]
		kill := Kill{Replica: r.name, At: time.Now()}
		r.p.kill()
		if err := r.start(); err != nil {
			kill.Error = err.Error()
			k.kills = append(k.kills, kill)
			k.logf("restart of %s failed: %v", r.name, err)
			return
		}
		kill.Restarted = time.Now()
		ready, err := r.waitReady(ctx, readyTimeout)
		end := ready
		if err != nil {
			kill.Error, end = err.Error(), time.Now()
		}
		kill.Ready = ready
		k.kills = append(k.kills, kill)
		k.starts = append(k.starts, audit.Interval{From: kill.At, To: end.Add(startSlack), Name: r.name + " restart"})
		k.logf("killed %s; ready again after %s", r.name, end.Sub(kill.At).Round(time.Millisecond))
	}
}

// write stores report.json and report.txt.
func write(dir string, res Result) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("chaos: encode report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.json"), b, 0o644); err != nil {
		return fmt.Errorf("chaos: write report: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, "report.txt"))
	if err != nil {
		return fmt.Errorf("chaos: write report: %w", err)
	}
	werr := res.WriteText(f)
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("chaos: write report: %w", werr)
	}
	return nil
}

// WriteText renders the run: what was done, then the audit.
func (r Result) WriteText(w io.Writer) error {
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "chaos %s: %s\n", verdict, r.Command)
	kills := "no kills"
	if r.KillEvery != "0s" {
		kills = fmt.Sprintf("a SIGKILL every %s: %d kills", r.KillEvery, len(r.Kills))
	}
	fmt.Fprintf(w, "  %d replicas, %s of load (%d riders, %d quest players, rate %.0f/s), %s\n",
		r.Replicas, r.Duration, r.Riders, r.Quests, r.Rate, kills)
	for _, k := range r.Kills {
		line := fmt.Sprintf("    %s killed %s", k.Replica, k.At.UTC().Format("15:04:05.000"))
		if !k.Ready.IsZero() {
			line += fmt.Sprintf(", ready again after %s", k.Ready.Sub(k.At).Round(time.Millisecond))
		}
		if k.Error != "" {
			line += ": " + k.Error
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "  %d commands acknowledged (%d refused by the broker), %d records read\n", r.Commands, r.Refused, r.Records)
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  PROBLEM: %s\n", p)
	}
	return r.Audit.WriteText(w)
}
