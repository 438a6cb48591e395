// Package loadgen drives the service through Kafka and measures it: end-to-end
// throughput and latency from a command to the effect record a read_committed
// consumer sees, timer lateness, dead-lettered inputs, timeouts, RSS and CPU
// time. It also measures a bare consume→produce passthrough on the same
// broker, the practical ceiling the service's throughput (and CPU per
// command) is compared with.
//
// The pure parts (percentiles, correlation, histogram quantiles, scenario
// state machines, report and chart) have no I/O; driver.go, baseline.go and
// inprocess.go own the clients and goroutines.
package loadgen
