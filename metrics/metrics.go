// Package metrics holds the service's Prometheus collectors on a registry of
// its own (no global state), so tests can read exact values.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics is the set of collectors every component reports to.
type Metrics struct {
	Registry *prometheus.Registry

	Consumed       *prometheus.CounterVec   // topic
	Produced       *prometheus.CounterVec   // topic
	Rejected       *prometheus.CounterVec   // topic, reason
	DeadLettered   *prometheus.CounterVec   // topic, reason
	TxnDuration    prometheus.Histogram     // seconds per committed transaction
	TxnPhase       *prometheus.HistogramVec // phase: produce, offsets, commit; seconds of a committed transaction
	TxnFailures    *prometheus.CounterVec   // kind: retriable, abort, fatal
	InFlight       *prometheus.GaugeVec     // group
	ActorRestarts  *prometheus.CounterVec   // kind
	LiveActors     *prometheus.GaugeVec     // kind
	RestingActors  *prometheus.GaugeVec     // kind
	ActorWakes     *prometheus.CounterVec   // kind
	TimerLateness  *prometheus.HistogramVec // kind; seconds between due and handled
	TimerCancels   *prometheus.CounterVec   // kind; fires prepared ahead and undone
	ConsumerLag    *LagCollector            // group, topic, partition; read at scrape time
	RestoreSeconds prometheus.Histogram
	Rebalances     *prometheus.CounterVec // group, kind: assigned, revoked
	Assigned       *prometheus.GaugeVec   // group; partitions this replica owns
	Owned          *prometheus.GaugeVec   // group; internal-topic partitions whose actors run here
	Dropped        *prometheus.CounterVec // topic; effects not committed because their partition moved
}

// New builds and registers every collector, plus the Go runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Consumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_records_consumed_total", Help: "Records read from Kafka, by topic.",
		}, []string{"topic"}),
		Produced: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_records_produced_total", Help: "Records committed to Kafka, by topic.",
		}, []string{"topic"}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_records_rejected_total", Help: "Inputs refused, by topic and reason.",
		}, []string{"topic", "reason"}),
		DeadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_records_dead_lettered_total", Help: "Inputs copied to the dead-letter topic, by source topic and reason.",
		}, []string{"topic", "reason"}),
		TxnDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "transitquest_transaction_seconds", Help: "Time from BeginTransaction to a successful commit.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		TxnPhase: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "transitquest_transaction_phase_seconds",
			Help:    "Time a committed transaction spent handing its records to the producer (produce), adding the consumed offsets (offsets) and committing (commit).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"phase"}),
		TxnFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_transaction_failures_total", Help: "Failed transaction attempts, by kind.",
		}, []string{"kind"}),
		InFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "transitquest_inputs_in_flight", Help: "Records read and not yet committed, by consumer group.",
		}, []string{"group"}),
		ActorRestarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_actor_restarts_total", Help: "Actors restarted after a panic, by kind.",
		}, []string{"kind"}),
		LiveActors: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "transitquest_live_actors", Help: "Running actors, by kind.",
		}, []string{"kind"}),
		RestingActors: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "transitquest_resting_actors", Help: "Actors resting out of memory (passivated) until their next message or timer, by kind.",
		}, []string{"kind"}),
		ActorWakes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_actor_wakes_total", Help: "Resting actors woken by a message or their timer, by kind.",
		}, []string{"kind"}),
		TimerLateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "transitquest_timer_lateness_seconds", Help: "Delay between a timer's due instant and its handling (for a fire prepared ahead, the release of its effects), by actor kind.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}, []string{"kind"}),
		TimerCancels: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_timer_prepared_cancelled_total", Help: "Timer fires prepared ahead of their deadline and undone because a message to the actor came before it, by actor kind.",
		}, []string{"kind"}),
		ConsumerLag: NewLagCollector(),
		RestoreSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "transitquest_state_restore_seconds", Help: "Time to restore actor state on partition assignment.",
		}),
		Rebalances: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_rebalances_total", Help: "Partition assignments and revocations received, by consumer group and kind (assigned, revoked).",
		}, []string{"group", "kind"}),
		Assigned: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "transitquest_assigned_partitions", Help: "Partitions this replica currently owns, by consumer group.",
		}, []string{"group"}),
		Owned: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "transitquest_owned_partitions", Help: "Internal-topic partitions whose actors run on this replica, by consumer group.",
		}, []string{"group"}),
		Dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transitquest_effects_dropped_total", Help: "Effect batches not committed because their actor's partition moved to another replica (its new owner decides again), by internal topic.",
		}, []string{"topic"}),
	}
	m.Registry.MustRegister(m.Owned, m.Dropped, m.Consumed, m.Produced, m.Rejected, m.DeadLettered, m.TxnDuration,
		m.TxnPhase, m.TxnFailures, m.InFlight, m.ActorRestarts, m.LiveActors, m.RestingActors, m.ActorWakes, m.TimerLateness, m.TimerCancels, m.ConsumerLag,
		m.RestoreSeconds, m.Rebalances, m.Assigned, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
