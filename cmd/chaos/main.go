// Command chaos proves the service's Kafka contracts under replica crashes:
// it starts one kfake broker and N replicas of the service as processes of
// their own, drives riders and party quests through the contract topics,
// SIGKILLs one replica every -kill-every and restarts it under the same
// name, then lets timers settle, reads every output topic and audits it
// (package audit). It prints the report, writes report.json and report.txt
// to a run folder and exits 1 when the audit fails.
//
//	go run ./cmd/chaos                               # 3 replicas, 5 minutes, a kill every 20 s
//	go run ./cmd/chaos -replicas 1 -kill-every 0 -duration 1m
//
// Ctrl-C stops the run and every process it started.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/chaos"
)

func main() {
	chaos.BrokerProcessMain() // this executable, re-executed, is the broker
	ok, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

func run() (bool, error) {
	cfg := chaos.Config{Plan: chaos.DefaultPlan, Log: os.Stderr, Command: "go run ./cmd/chaos " + strings.Join(os.Args[1:], " ")}
	flag.IntVar(&cfg.Replicas, "replicas", 3, "service processes")
	flag.DurationVar(&cfg.Duration, "duration", 5*time.Minute, "how long load is driven (the audited window)")
	flag.DurationVar(&cfg.KillEvery, "kill-every", 20*time.Second, "SIGKILL one replica (round robin) this often and restart it under its name; 0: never")
	flag.Float64Var(&cfg.Rate, "rate", 200, "commands per second at most (0: as fast as the players go)")
	flag.IntVar(&cfg.Riders, "riders", 60, "instance-transport riders")
	flag.IntVar(&cfg.Quests, "quests", 40, "party-quest players")
	flag.DurationVar(&cfg.Settle, "settle", 25*time.Second, "keep the replicas running this long after the load, so due timers fire")
	flag.DurationVar(&cfg.Audit.Grace, "grace", audit.Defaults.Grace, "audit: transitions due this close to the window's ends are not required")
	flag.DurationVar(&cfg.Audit.MaxLateness, "max-lateness", audit.Defaults.MaxLateness, "audit: how late a timer's effect may be stamped")
	out := flag.String("out", "", "run folder (default bench/runs/chaos-<UTC time>-<replicas>r)")
	bin := flag.String("service", "", "the transitquest binary (default: go build it into bin/)")
	flag.Parse()
	dir := *out
	if dir == "" {
		dir = filepath.Join("bench", "runs", fmt.Sprintf("chaos-%s-%dr", time.Now().UTC().Format("20060102T150405"), cfg.Replicas))
	}
	cfg.Dir = dir
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg.ServiceBin = *bin
	if cfg.ServiceBin == "" {
		fmt.Fprintln(os.Stderr, "chaos: building the service")
		var err error
		if cfg.ServiceBin, err = chaos.BuildService(ctx, "bin"); err != nil {
			return false, err
		}
	}
	res, err := chaos.Run(ctx, cfg)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return false, fmt.Errorf("interrupted; logs in %s", dir)
		}
		return false, fmt.Errorf("%w (logs in %s)", err, dir)
	}
	if err := res.WriteText(os.Stdout); err != nil {
		return false, err
	}
	fmt.Printf("report: %s\n", filepath.Join(dir, "report.json"))
	return res.OK(), nil
}
