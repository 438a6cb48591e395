package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// defaultGOGC is the GC target the service runs with unless GOGC is set.
// Profiled at 6,000 commands/s over 100,000 live actors on 2 cores
// (bench/RESULTS.md, "Issue 11"): at Go's default of 100 the collector's
// marking took 12–16 % of the service's CPU; 300 cost 1.8 GiB of RSS.
// Measured again at 3,000 commands/s (sixth round): 100 saved 29 % of the
// peak RSS but made commands and ride arrivals later in every run (a cycle
// starts after half as much allocation), so 200 stays. GOMEMLIMIT caps the
// heap where memory is short: near the limit the collector runs as often
// as it must, whatever GOGC says.
const defaultGOGC = 200

// memoryLimitShare is the part of a container's memory limit the Go heap
// may use when GOMEMLIMIT is not set; the rest is for librdkafka's buffers
// (outside the Go heap) and the stacks.
const memoryLimitShare = 0.8

// setGCDefaults applies defaultGOGC when the environment names no GOGC
// and, when it names no GOMEMLIMIT either and the process runs under a
// container memory limit, a soft heap limit of memoryLimitShare of it:
// with GOGC at 200 the heap may grow to three times the live data, and a
// pod would be killed for it where the collector could have worked
// harder instead. It returns the limit it set (0: none).
func setGCDefaults(getenv func(string) string, readFile func(string) ([]byte, error)) int64 {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGOGC)
	}
	if getenv("GOMEMLIMIT") != "" {
		return 0
	}
	// A container's memory limit: cgroup v2, then v1.
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := readFile(f)
		if err != nil {
			continue
		}
		limit, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		// "max" (v2) and v1's near-2^63 value both mean no limit.
		if err != nil || limit <= 0 || limit >= math.MaxInt64/2 {
			return 0
		}
		soft := int64(float64(limit) * memoryLimitShare)
		debug.SetMemoryLimit(soft)
		return soft
	}
	return 0
}

// minProcs is the fewest Ps (GOMAXPROCS) the service runs with on a
// machine of fewer CPUs, unless told otherwise. Go's collector marks in the
// background with a quarter of the Ps: from 4 Ps up that is a dedicated
// worker; below, a fractional one that runs only when its P has nothing
// else, so on a busy 2-core machine the mark dragged on (about 0.5 s of
// wall time every 4 s at 6,000 commands/s) and the goroutines that
// allocated meanwhile were made to mark instead: the poll loops and the
// outboxes, which every command waits for. Every latency spike of those
// runs fell on such a mark (bench/RESULTS.md, eleventh round).
const minProcs = 4

// procsDefault returns the GOMAXPROCS the service sets, 0 to keep the
// runtime's: it raises a default taken from the CPU count (numCPU) to
// minProcs, and leaves GOMAXPROCS alone when the environment sets it or
// when the runtime's value (current) is below the CPU count, which since
// Go 1.25 means a container's CPU limit: more threads than the quota would
// be throttled by the kernel, which is worse for the tail than the drag.
func procsDefault(getenv func(string) string, numCPU, current int) int {
	if getenv("GOMAXPROCS") != "" || current < numCPU || current >= minProcs {
		return 0
	}
	return minProcs
}

// setProcsDefault applies procsDefault to the runtime on a machine of
// numCPU CPUs (runtime.NumCPU outside tests). It returns the GOMAXPROCS it
// set (0: none).
func setProcsDefault(getenv func(string) string, numCPU int) int {
	n := procsDefault(getenv, numCPU, runtime.GOMAXPROCS(0))
	if n > 0 {
		runtime.GOMAXPROCS(n)
	}
	return n
}
