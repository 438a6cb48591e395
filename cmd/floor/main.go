// Command floor measures the floor under the service: its Kafka shape
// (two consumer groups, one transactional producer committing both groups'
// offsets, the outbox's linger) with nothing in between. With -serve it is
// the stand-in, run as its own process in the service's place; without, it
// drives a running stand-in at a fixed rate and reports each input's time
// to its first output and the stand-in's CPU and memory. bench/floor.sh
// runs both beside the embedded broker.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/gamehost/transitquest/loadgen"
)

func main() {
	var run loadgen.FloorRun
	flag.StringVar(&run.Bootstrap, "bootstrap", "127.0.0.1:19092", "host:port of the broker")
	flag.StringVar(&run.Tag, "tag", "floor", "names the floor's topics and groups; stand-in and driver must agree")
	flag.IntVar(&run.Fanout, "fanout", 4, "records the second stage writes per input")
	flag.DurationVar(&run.Linger, "linger", 5*time.Millisecond, "the outbox's linger (the service's TRANSACTION_LINGER; 0 commits at once)")
	flag.IntVar(&run.Stages, "stages", 2, "2: ingress forwards, the actors stage fans out (the service's shape); 1: the actors stage reads the inputs (no placement hop)")
	serve := flag.Bool("serve", false, "be the stand-in until interrupted")
	flag.Float64Var(&run.Rate, "rate", 6000, "inputs per second")
	flag.DurationVar(&run.Warmup, "warmup", 30*time.Second, "excluded from the result")
	flag.DurationVar(&run.Duration, "duration", 60*time.Second, "measured window")
	flag.IntVar(&run.PID, "pid", 0, "the stand-in's process id, for its CPU and memory")
	out := flag.String("out", "", "folder for floor.txt and floor.json (default: print only)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of this process (with -serve: the stand-in's) to this file")
	flag.Parse()

	os.Exit(profiled(*cpuProfile, func() error {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return main1(ctx, run, *serve, *out)
	}))
}

// profiled runs f, under a CPU profile written to path when path is set,
// and returns the process's exit code.
func profiled(path string, f func() error) int {
	if path != "" {
		out, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(out)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "floor: cpu profile:", err)
			return 1
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = out.Close()
		}()
	}
	if err := f(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		return 1
	}
	return 0
}

func main1(ctx context.Context, run loadgen.FloorRun, serve bool, out string) error {
	if serve {
		log, err := zap.NewProduction()
		if err != nil {
			return fmt.Errorf("logger: %w", err)
		}
		defer func() { _ = log.Sync() }()
		return loadgen.FloorServe(ctx, run.FloorConfig, log)
	}
	res, err := loadgen.RunFloor(ctx, run)
	if err != nil {
		return err
	}
	text := res.Report(run)
	fmt.Print(text)
	if out == "" {
		return nil
	}
	return write(out, res, run, text)
}

// write puts the report and floor.json in the folder out.
func write(out string, res loadgen.FloorResult, run loadgen.FloorRun, text string) error {
	j, err := res.JSON(run)
	if err != nil {
		return fmt.Errorf("floor.json: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("out folder: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "floor.txt"), []byte(text), 0o644); err != nil {
		return fmt.Errorf("floor.txt: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "floor.json"), append(j, '\n'), 0o644); err != nil {
		return fmt.Errorf("floor.json: %w", err)
	}
	return nil
}
