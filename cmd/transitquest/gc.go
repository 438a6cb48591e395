package main

import "runtime/debug"

// defaultGOGC is the GC target the service runs with unless GOGC is set.
// Profiled at 6,000 commands/s over 100,000 live actors on 2 cores
// (bench/RESULTS.md, "Issue 11"): at Go's default of 100 the collector's
// marking took 12–16 % of the service's CPU; 300 cost 1.8 GiB of RSS.
// GOMEMLIMIT still caps the heap: near the limit the collector runs as
// often as it must, whatever GOGC says.
const defaultGOGC = 200

// setGCDefaults applies defaultGOGC when the environment names no GOGC.
func setGCDefaults(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGOGC)
	}
}
