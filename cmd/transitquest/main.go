// Command transitquest is the transport and party-quest service of the game
// server. It talks to the rest of the game server only through Kafka.
//
//	transitquest              # BOOTSTRAP_SERVERS must point at Kafka
//	transitquest -embedded    # starts an in-process Kafka-protocol broker
//	transitquest -embedded -demo  # ... and drives it with sample traffic
//	transitquest -check-config FILE  # report every rejected record, exit 1 if any
//
// Exit status: 0 after a clean shutdown; 1 when the service cannot start
// (a fatal configuration error, an unreachable broker, ...) or stops on a
// fatal error, and when -check-config finds a rejected record or a fatal
// error; 2 for a usage error (bad flag, bad LOG_LEVEL). The reason is one
// line on stderr, never a stack trace.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/demo"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/service"
	"github.com/gamehost/transitquest/tracing"
)

func main() {
	embedded := flag.Bool("embedded", false, "start an in-process Kafka-protocol broker on 127.0.0.1 (EMBEDDED_KAFKA_PORT, default 9092) instead of using BOOTSTRAP_SERVERS")
	withDemo := flag.Bool("demo", false, "with -embedded: send sample game traffic and log every record the service produces")
	listTopics := flag.Bool("list-topics", false, "print every topic the service reads, writes or owns, one per line: name partitions cleanup-policy owner; then exit")
	checkConfigPath := flag.String("check-config", "", "load `FILE` as the service would (with PARTY_QUEST_DEFINITIONS_PATH), print every rejected record and a summary, exit 1 if a record was rejected or the file is unusable; no Kafka needed")
	flag.Parse()
	if *checkConfigPath != "" {
		os.Exit(checkConfig(os.Stdout, *checkConfigPath, os.Getenv))
	}
	if *listTopics {
		if err := printTopics(os.Stdout, os.Getenv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return
	}
	log, err := newLogger(os.Getenv("LOG_LEVEL"), isTerminal(os.Stderr), "stderr")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := run(log, *embedded, *withDemo); err != nil {
		logExit(log, err)
		_ = log.Sync()
		os.Exit(1)
	}
	_ = log.Sync()
}

func run(log *zap.Logger, embedded, withDemo bool) error {
	if limit := setGCDefaults(os.Getenv, os.ReadFile); limit > 0 {
		log.Info("Go heap limit set from the container's memory limit (GOMEMLIMIT not set)", zap.Int64("bytes", limit))
	}
	if n := setProcsDefault(os.Getenv, runtime.NumCPU()); n > 0 {
		log.Info("GOMAXPROCS raised so the collector marks on a P of its own (GOMAXPROCS not set)", zap.Int("procs", n), zap.Int("cpus", runtime.NumCPU()))
	}
	cfg, err := service.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if addr := os.Getenv("PPROF_ADDR"); addr != "" {
		_, stopPprof, err := servePprof(addr, log)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	stopTracing, err := tracing.Setup(ctx, os.Getenv, tracing.Settings{ServiceName: "transitquest",
		OnError: func(err error) { log.Warn("trace export", zap.Error(err)) }})
	if err != nil {
		return err
	}
	defer func() { // after the service's own shutdown: flush the last spans
		tctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := stopTracing(tctx); err != nil {
			log.Warn("trace flush", zap.Error(err))
		}
	}()
	if embedded {
		port := 9092
		if v := os.Getenv("EMBEDDED_KAFKA_PORT"); v != "" {
			if port, err = strconv.Atoi(v); err != nil {
				return fmt.Errorf("EMBEDDED_KAFKA_PORT %q: %w", v, err)
			}
		}
		topics, compacted := kafka.EmbeddedTopics(cfg.Topics)
		broker, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Port: port, Topics: topics, Compacted: compacted})
		if err != nil {
			return err
		}
		defer broker.Close()
		cfg.Bootstrap = broker.Bootstrap()
		if cfg.ConfigPath == "" {
			cfg.ConfigPath = "config/samples/sample.json"
		}
		log.Info("embedded Kafka-protocol broker listening", zap.String("bootstrap", cfg.Bootstrap), zap.Strings("topics", append(topics, compacted...)))
	} else if withDemo {
		return fmt.Errorf("-demo needs -embedded: it writes sample traffic to the broker")
	}
	var d *demo.Demo
	if withDemo {
		if d, err = demo.New(cfg, log.Named("demo")); err != nil {
			return err
		}
		dctx, stopDemo := context.WithCancel(ctx)
		// The service may stop on its own (a fatal error): stop the demo too.
		defer func() { stopDemo(); d.Close() }()
		// The demo stands in for the guilds service sharenian_trial's
		// guild-affinity registration needs, unless one is configured.
		if cfg.GuildsURL == "" {
			cfg.GuildsURL = d.GuildsURL()
		}
		svc, err := service.New(ctx, cfg, log)
		if err != nil {
			return err
		}
		d.Start(dctx, demo.WithReadyURL(readyURL(svc.Addr())))
		return svc.Run(ctx)
	}
	svc, err := service.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	return svc.Run(ctx)
}

// readyURL is the /readyz address of a REST listener at addr, by loopback.
func readyURL(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return "http://127.0.0.1:" + port + "/readyz"
}

// printTopics writes one line per topic, so operators and scripts can
// pre-create them: the real name, the partition count the service would
// create it with ("-" for a contract topic, whose count is the cluster's
// business), its cleanup policy, and its owner (service or external).
func printTopics(w io.Writer, getenv func(string) string) error {
	cfg, err := service.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	for _, u := range service.TopicUses(cfg) {
		partitions := "-"
		if u.Partitions > 0 {
			partitions = strconv.Itoa(u.Partitions)
		}
		if _, err := fmt.Fprintf(w, "%s %s %s %s\n", cfg.Topics.Name(u.Topic), partitions, u.CleanupPolicy(), u.Owner); err != nil {
			return fmt.Errorf("list topics: %w", err)
		}
	}
	return nil
}

// logExit logs the error that stops the service as one line: the error
// text only (zap.Error would add an "errorVerbose" field for errors that
// format themselves with a stack) and no stack trace (see newLogger).
func logExit(log *zap.Logger, err error) {
	log.Error("exiting", zap.String("error", err.Error()))
}

// checkConfig loads the configuration file at path as the service would,
// with the shared definitions folder of PARTY_QUEST_DEFINITIONS_PATH, and
// writes one line per finding ("rejected: file: record: reason" or
// "warning: ..."), a "fatal: ..." line when the configuration is unusable,
// and a summary line. It returns the exit status: 1 when a record was
// rejected or the configuration is unusable, else 0 (warnings alone pass).
func checkConfig(w io.Writer, path string, getenv func(string) string) int {
	c, problems, err := config.Load(path, config.WithDefinitionsPath(getenv(config.DefinitionsPathEnv)))
	rejected, warnings := 0, 0
	for _, p := range problems {
		if p.Warning {
			warnings++
		} else {
			rejected++
		}
		fmt.Fprintln(w, p.String())
	}
	findings := fmt.Sprintf("%d rejected, %d warnings", rejected, warnings)
	if err != nil {
		fmt.Fprintln(w, "fatal:", err)
		fmt.Fprintf(w, "summary: %s: refused, the service would not start; %s\n", path, findings)
		return 1
	}
	var routes, vessels, rides, quests int
	for _, t := range c.Tenants {
		routes += len(t.Routes)
		vessels += len(t.Vessels)
		rides += len(t.InstanceRoutes)
		quests += len(t.QuestDefinitions)
	}
	fmt.Fprintf(w, "summary: %s: %d tenants, %d routes, %d vessels, %d instance routes, %d quest definitions; %s\n",
		path, len(c.Tenants), routes, vessels, rides, quests, findings)
	if rejected > 0 {
		return 1
	}
	return 0
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// newLogger logs human-readable lines on a terminal and JSON otherwise, to
// output (a zap sink: "stderr" or a file path). Stack traces are kept for
// DPanic and above, so an error (the exit line included) stays one line.
func newLogger(level string, terminal bool, output string) (*zap.Logger, error) {
	lvl := zapcore.InfoLevel
	if level != "" {
		if err := lvl.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("LOG_LEVEL %q: %w", level, err)
		}
	}
	var cfg zap.Config
	if terminal {
		cfg = zap.NewDevelopmentConfig()
		cfg.EncoderConfig.EncodeLevel = zapcore.CapitalColorLevelEncoder
		cfg.DisableStacktrace = true
	} else {
		cfg = zap.NewProductionConfig()
		cfg.EncoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	}
	cfg.Level = zap.NewAtomicLevelAt(lvl)
	cfg.InitialFields = map[string]any{"service": "transitquest"}
	cfg.OutputPaths = []string{output}
	return cfg.Build(zap.AddStacktrace(zapcore.DPanicLevel))
}
