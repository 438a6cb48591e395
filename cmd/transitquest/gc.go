package main

import "runtime/debug"

// defaultGOGC is the GC target the service runs with unless GOGC is set.
// Measured at 6,000 commands/s over 100,000 live actors on 2 cores
// (bench/RESULTS.md, "Issue 11"): at Go's default of 100 the collector took
// about a fifth of the service's CPU and the service fell behind; at 200 it
// kept up at 0.87 of a core. GOMEMLIMIT still caps the heap: near the
// limit the collector runs as often as it must, whatever GOGC says.
const defaultGOGC = 200

// setGCDefaults applies defaultGOGC when the environment names no GOGC.
func setGCDefaults(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGOGC)
	}
}
