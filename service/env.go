package service

import "github.com/gamehost/transitquest/messages"

// Reader names the part of the binary that reads an environment variable.
type Reader string

// Readers of the environment. The first four take a getenv function, so
// tests can record exactly which names they ask for; the others read the
// process environment themselves.
const (
	ReadByConfig  Reader = "service.ConfigFromEnv"
	ReadByTopics  Reader = "messages.TopicNamesFromEnv"
	ReadByTracing Reader = "tracing.ConfigFromEnv"
	ReadByClients Reader = "clients.FromEnv"
	ReadByCommand Reader = "cmd/transitquest"  // main: logging, -embedded
	ReadByOTelSDK Reader = "OpenTelemetry SDK" // the exporter and resource, when tracing is on
	ReadByRuntime Reader = "Go runtime"
)

// EnvVar is one environment variable the transitquest binary reads.
type EnvVar struct {
	Name string
	// Required: the service refuses to start without it (outside -embedded).
	Required bool
	// Default is what an unset or empty variable means ("" when it means
	// nothing is configured).
	Default string
	Doc     string
	ReadBy  Reader
}

// Environment is every variable the transitquest binary reads: the single
// list the README's configuration table, compose.yaml and the Kubernetes
// manifests are checked against (service/env_test.go, deploy/). Variables
// of the OpenTelemetry specification that the SDK reads beyond
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (OTLP headers, TLS,
// sampler, batch processor) apply as the specification defines them and are
// not repeated here.
var Environment = environment()

// LookupEnv returns the entry of Environment named name.
func LookupEnv(name string) (EnvVar, bool) {
	for _, v := range Environment {
		if v.Name == name {
			return v, true
		}
	}
	return EnvVar{}, false
}

func environment() []EnvVar {
	vars := []EnvVar{
		{Name: "BOOTSTRAP_SERVERS", Required: true, ReadBy: ReadByConfig,
			Doc: "comma-separated Kafka brokers; required unless -embedded"},
		{Name: "KAFKA_EXTRA_CONFIG", ReadBy: ReadByConfig,
			Doc: "librdkafka properties for every Kafka client, key=value,key=value (security, timeouts); a value cannot contain a comma"},
		{Name: "REST_PORT", Default: "8080", ReadBy: ReadByConfig, Doc: "port of the REST API, /healthz, /readyz and /metrics"},
		{Name: "CONFIG_PATH", ReadBy: ReadByConfig,
			Doc: "the configuration file: tenants and their routes and quests (config/samples/sample.json with -embedded; unset: no tenant)"},
		{Name: "PARTY_QUEST_DEFINITIONS_PATH", ReadBy: ReadByConfig, Doc: "a folder of party-quest definition files added to every tenant"},
		{Name: "PARTIES_SERVICE_URL", ReadBy: ReadByConfig, Doc: "base URL of the parties service, for party-quest registration (optional)"},
		{Name: "GUILDS_SERVICE_URL", ReadBy: ReadByConfig, Doc: "base URL of the guilds service, for party-quest registration (optional)"},
		{Name: "SUBSYSTEMS", Default: "transport,partyquest", ReadBy: ReadByConfig, Doc: "the subsystems to run, one or both"},
		{Name: "TRANSACTIONAL_ID_PREFIX", Default: "transitquest-<hostname>", ReadBy: ReadByConfig,
			Doc: "prefix of the producers' transactional ids; must be stable per replica (the pod name) and unique across replicas"},
		{Name: "CHANGELOG_PARTITIONS", Default: "12", ReadBy: ReadByConfig, Doc: "partitions of the topics the service creates itself"},
		{Name: "CHANGELOG_FORMAT", Default: "binary", ReadBy: ReadByConfig,
			Doc: "binary: party-quest instance states go to the changelog in their compact binary form; json: as JSON, for a rolling upgrade from a version that reads only JSON (both forms are always read)"},
		{Name: "INTERNAL_TENANT", Default: "key", ReadBy: ReadByConfig,
			Doc: "key: internal-topic records name their tenant only in their key (the actor identity); headers: in the four tenant headers too, for a rolling upgrade from a version that reads them only (both are always read)"},
		{Name: "TOPIC_CREATION", Default: "auto", ReadBy: ReadByConfig,
			Doc: "auto: create the service's own topics when missing; never: refuse to start when a topic of the service's own is missing"},
		{Name: "SHUTDOWN_TIMEOUT", Default: "30s", ReadBy: ReadByConfig, Doc: "bound on the graceful shutdown"},
		{Name: "TRANSACTION_LINGER", Default: "5ms", ReadBy: ReadByConfig,
			Doc: "how long a subsystem's producer waits for more effects before committing a transaction that is not full (0: commit what is queued at once)"},
		{Name: "TIMER_LEAD", Default: "100ms", ReadBy: ReadByConfig,
			Doc: "how far ahead of its deadline a route, an instance route or a party-quest instance prepares a timer's transition, whose effects are released at the deadline; a message to the actor before then undoes it and it is decided again (0: decided at the deadline)"},
		{Name: "PASSIVATE_AFTER", Default: "30s", ReadBy: ReadByConfig,
			Doc: "a party-quest instance without input for between this and twice this rests out of memory (its last state record and armed timer) until its next input or deadline; 0 keeps every instance in memory"},
		{Name: "SHUTDOWN_MODE", Default: "handover", ReadBy: ReadByConfig,
			Doc: "handover: a stopping replica commits and leaves its actors' state for the partitions' next owner (rolling restarts, scale-down); drain: the whole service ends, riders are warped home and live quests destroyed first"},
		{Name: "STATIC_MEMBERSHIP", Default: "false", ReadBy: ReadByConfig,
			Doc: "true: each consumer is a static group member named TRANSACTIONAL_ID_PREFIX, so a replica restarted under the same name takes its partitions back at once"},
		{Name: "REST_TOKEN", ReadBy: ReadByConfig,
			Doc: "when set, the start endpoint and the board need Authorization: Bearer <token>; unset: open"},
		{Name: "LOG_LEVEL", Default: "info", ReadBy: ReadByCommand, Doc: "zap level; console output on a terminal, JSON otherwise"},
		{Name: "EMBEDDED_KAFKA_PORT", Default: "9092", ReadBy: ReadByCommand, Doc: "port of the in-process broker of -embedded"},
		{Name: "PPROF_ADDR", ReadBy: ReadByCommand, Doc: "host:port of an opt-in listener serving the Go runtime profiles (/debug/pprof/); unset: none"},
	}
	for _, t := range messages.AllTopics {
		doc := "real name of a contract topic (must exist)"
		switch t {
		case messages.DeadLetterTopic, messages.ChangelogTopicTransport, messages.ChangelogTopicPartyQuest,
			messages.InternalTopicTransport, messages.InternalTopicPartyQuest:
			doc = "real name of a topic the service owns"
		}
		vars = append(vars, EnvVar{Name: string(t), Default: string(t), ReadBy: ReadByTopics, Doc: doc})
	}
	return append(vars,
		EnvVar{Name: "OTEL_SDK_DISABLED", ReadBy: ReadByTracing, Doc: "true turns tracing off"},
		EnvVar{Name: "OTEL_TRACES_EXPORTER", ReadBy: ReadByTracing,
			Doc: "otlp or none; unset: on when an OTLP endpoint is set"},
		EnvVar{Name: "OTEL_EXPORTER_OTLP_ENDPOINT", ReadBy: ReadByTracing, Doc: "the OTLP collector; setting it turns tracing on"},
		EnvVar{Name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ReadBy: ReadByTracing, Doc: "the OTLP collector for traces only"},
		EnvVar{Name: "OTEL_EXPORTER_OTLP_PROTOCOL", Default: "http/protobuf", ReadBy: ReadByTracing, Doc: "http/protobuf or grpc"},
		EnvVar{Name: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", ReadBy: ReadByTracing, Doc: "the protocol for traces only"},
		EnvVar{Name: "OTEL_SERVICE_NAME", Default: "transitquest", ReadBy: ReadByOTelSDK, Doc: "service.name of the traces"},
		EnvVar{Name: "OTEL_RESOURCE_ATTRIBUTES", ReadBy: ReadByOTelSDK, Doc: "key=value,… resource attributes of the traces"},
		EnvVar{Name: "GOGC", Default: "200", ReadBy: ReadByRuntime, Doc: "Go GC target percentage; the service sets 200 when unset (profiled: at 100 the collector's marking took 12–16 % of the CPU at 100,000 live actors)"},
		EnvVar{Name: "GOMAXPROCS", Default: "4 on fewer CPUs", ReadBy: ReadByRuntime, Doc: "Go's processors; when unset, on a machine of fewer than 4 CPUs and without a container CPU limit, the service sets 4, so the collector marks on a processor of its own"},
		EnvVar{Name: "GOMEMLIMIT", ReadBy: ReadByRuntime, Doc: "Go heap soft limit; when unset and the container has a memory limit (cgroup v2 or v1), the service sets 80 % of it, the rest being for librdkafka's buffers, which are outside the Go heap"},
	)
}
