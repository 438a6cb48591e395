// Command loadgen drives the service through Kafka and reports end-to-end
// throughput, command→effect latency, timer lateness, errors, memory and
// CPU, next to a bare consume→produce passthrough measured on the same
// broker. With -out it writes report.txt, report.json and report.png.
//
//	go run ./cmd/loadgen -quests 10000 -riders 10000 -duration 60s -out bench/run
//	go run ./cmd/loadgen -bootstrap 127.0.0.1:9092 -pid 1234 -riders 5000
//	go run ./cmd/loadgen -write-config /tmp/lg   # the configuration to start an external service with
//	go run ./cmd/loadgen -broker 9092            # a broker of its own, for a three-process run
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/gamehost/transitquest/loadgen"
	"github.com/gamehost/transitquest/messages"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run() error {
	var o loadgen.Options
	inProcess := flag.Bool("inprocess", true, "start an embedded broker and the service in this process (ignored with -bootstrap)")
	flag.StringVar(&o.Bootstrap, "bootstrap", "", "host:port of the broker of an already running service (its configuration must come from -write-config with the same sizing flags)")
	flag.IntVar(&o.PID, "pid", 0, "with -bootstrap: the service's process id, to read its RSS and CPU time")
	flag.IntVar(&o.Quests, "quests", 1000, "simultaneous party-quest players (one instance each)")
	flag.IntVar(&o.Riders, "riders", 1000, "simultaneous instance-transport riders")
	flag.IntVar(&o.Plan.Tenants, "tenants", 4, "tenants")
	flag.IntVar(&o.Plan.Routes, "routes", 250, "scheduled routes per tenant")
	flag.IntVar(&o.Plan.InstanceRoutes, "instance-routes", 250, "instance routes per tenant")
	capacity := flag.Uint("ride-capacity", 10, "riders per ride instance")
	flag.DurationVar(&o.Plan.RideBoarding, "ride-boarding", 2*time.Second, "instance routes' boarding window")
	flag.DurationVar(&o.Plan.RideTravel, "ride-travel", 5*time.Second, "instance routes' travel time")
	flag.DurationVar(&o.Plan.QuestWait, "quest-wait", 3*time.Second, "the quest's timer-driven stage 0 (whole seconds)")
	flag.IntVar(&o.Plan.QuestStages, "quest-stages", 3, "command-driven stages per quest")
	flag.DurationVar(&o.Pacing.Ramp, "ramp", 5*time.Second, "spread the players' first commands over this long")
	flag.IntVar(&o.Pacing.StageUpdates, "stage-updates", 1, "UPDATE_STAGE_STATE commands per quest stage before its clear attempt")
	flag.DurationVar(&o.Pacing.Think, "think", time.Second, "players pause up to this long (uniformly random) between rides and between quest runs")
	flag.Float64Var(&o.Rate, "rate", 0, "commands/s target (0 = as fast as the players go)")
	flag.DurationVar(&o.Duration, "duration", 30*time.Second, "measured window")
	flag.DurationVar(&o.Warmup, "warmup", 10*time.Second, "warm-up before the window (excluded)")
	flag.DurationVar(&o.Timeout, "timeout", 30*time.Second, "a command without its effect after this counts as a timeout")
	flag.DurationVar(&o.Drain, "drain", 10*time.Second, "wait this long for commands in flight after the window")
	flag.BoolVar(&o.Baseline, "baseline", true, "measure the confluent-kafka-go passthrough baseline first")
	flag.IntVar(&o.BaselineRecords, "baseline-records", 200000, "records the baseline passes through")
	out := flag.String("out", "", "folder for report.txt, report.json and report.png (default: print the report only)")
	writeConfig := flag.String("write-config", "", "only write the generated service configuration to this folder and exit")
	brokerPort := flag.Int("broker", 0, "only run an embedded broker on 127.0.0.1:PORT until interrupted (to run the service and the loadgen as separate processes)")
	logLevel := flag.String("log-level", "error", "log level of the loadgen and the in-process service")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole process (with -inprocess: broker, service and loadgen) to this file")
	gctrace := flag.String("gctrace", "", "the service's GODEBUG=gctrace=1 output, first line \"start UNIXSECONDS\" (bench/threeproc.sh with GCTRACE=1): read when the run ends, lined up with the latency in the report and the chart, and copied to -out")
	memProfile := flag.String("memprofile", "", "write a heap profile of the whole process (with -inprocess: broker, service and loadgen) to this file when the measured window ends")
	flag.Parse()
	o.Plan.RideCapacity = uint32(*capacity)
	o.Command = "go run ./cmd/loadgen " + strings.Join(os.Args[1:], " ")
	if !*inProcess && o.Bootstrap == "" {
		return errors.New("-inprocess=false needs -bootstrap")
	}
	if *brokerPort > 0 {
		return runBroker(*brokerPort)
	}
	if *writeConfig != "" {
		path, err := loadgen.NewPlan(o.Plan).WriteConfig(*writeConfig)
		if err != nil {
			return err
		}
		fmt.Println("CONFIG_PATH=" + path)
		return nil
	}
	log, err := newLogger(*logLevel)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		o.WindowEnd = func() {
			if err := writeHeapProfile(*memProfile); err != nil {
				log.Warn("heap profile", zap.Error(err))
			}
		}
	}
	rep, err := loadgen.Run(ctx, o, log)
	if err != nil {
		return err
	}
	var trace []byte
	if *gctrace != "" {
		if trace, err = os.ReadFile(*gctrace); err != nil {
			return fmt.Errorf("-gctrace: %w", err)
		}
		if rep.GCCycles, err = loadgen.ReadGCTrace(bytes.NewReader(trace)); err != nil {
			return fmt.Errorf("-gctrace %s: %w", *gctrace, err)
		}
	}
	rep.Format(os.Stdout)
	if *out == "" {
		return nil
	}
	if err := write(*out, rep); err != nil {
		return err
	}
	if trace != nil {
		if err := os.WriteFile(filepath.Join(*out, "gctrace.txt"), trace, 0o644); err != nil {
			return fmt.Errorf("gctrace.txt: %w", err)
		}
	}
	return nil
}

// writeHeapProfile writes the heap profile as of a fresh GC: in-use bytes
// are what is live now, allocated bytes everything since the start.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// runBroker serves an embedded broker until SIGINT or SIGTERM.
func runBroker(port int) error {
	b, err := loadgen.StartBroker(messages.TopicNamesFromEnv(os.Getenv), port)
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Println("BOOTSTRAP_SERVERS=" + b.Bootstrap())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}

func write(dir string, rep loadgen.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, "report.txt"))
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	rep.Format(f)
	if err := f.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	js, err := loadgen.MarshalReport(rep)
	if err != nil {
		return fmt.Errorf("report.json: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.json"), js, 0o644); err != nil {
		return fmt.Errorf("report.json: %w", err)
	}
	baseline := 0.0
	if rep.Baseline != nil {
		baseline = rep.Baseline.Rate()
	}
	title := fmt.Sprintf("TRANSITQUEST LOADGEN: %d QUESTS, %d RIDERS, %.0f CMD/S = %.0f%% OF BASELINE",
		rep.Quests, rep.Riders, rep.Window.Throughput(), rep.Ratio())
	png, err := loadgen.RenderChart(rep.Series, rep.Start, baseline, rep.GCCycles, title)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "report.png"), png, 0o644); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return nil
}

func newLogger(level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("-log-level %q: %w", level, err)
	}
	cfg := zap.NewProductionConfig()
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.Encoding = "console"
	cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	return cfg.Build()
}
