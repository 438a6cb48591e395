// Package service wires the whole process: configuration, the Kafka
// pipelines, the actor system, both subsystems and the REST server, and
// runs the graceful shutdown. cmd/ only parses flags and signals.
package service

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
)

// Config is everything the service reads from its environment.
type Config struct {
	Bootstrap       string // BOOTSTRAP_SERVERS, comma-separated
	RESTAddr        string // ":" + REST_PORT (default 8080)
	ConfigPath      string // CONFIG_PATH: tenants and their routes/definitions
	DefinitionsPath string // PARTY_QUEST_DEFINITIONS_PATH, applied to every tenant
	PartiesURL      string // PARTIES_SERVICE_URL
	GuildsURL       string // GUILDS_SERVICE_URL
	TxnIDPrefix     string // TRANSACTIONAL_ID_PREFIX, stable per replica (default: host name)
	Transport       bool   // SUBSYSTEMS contains "transport"
	PartyQuests     bool   // SUBSYSTEMS contains "partyquest"
	ShutdownTimeout time.Duration
	// PassivateAfter (PASSIVATE_AFTER, default 30s; 0 never) is how long a
	// party-quest instance may go without an input before it rests out of
	// memory (between once and twice this, longer for one that keeps being
	// woken soon after), kept as its last state record and its armed timer
	// until the next input or deadline wakes it.
	PassivateAfter time.Duration
	// RESTToken (REST_TOKEN), when set, is the bearer token that POST
	// …/instance-routes/{id}/start and the board require (rest.Deps.Token);
	// unset leaves them open, as make run needs.
	RESTToken string
	// ChangelogPartitions is the partition count of the topics the service
	// creates itself when missing (CHANGELOG_PARTITIONS, default 12).
	ChangelogPartitions int
	// KafkaExtra are librdkafka properties for every client, from
	// KAFKA_EXTRA_CONFIG="key=value,key=value" (security settings, timeouts).
	KafkaExtra map[string]string
	Topics     messages.TopicNames
	// TopicCreation is TOPIC_CREATION: auto (default) creates the service's
	// own missing topics, never refuses to start without them.
	TopicCreation kafka.TopicCreation
	// StaticMembership (STATIC_MEMBERSHIP=true) makes each consumer a static
	// member of its group under TxnIDPrefix, so a replica restarted under the
	// same name takes its partitions back at once instead of after the
	// session timeout.
	StaticMembership bool
	// Drain (SHUTDOWN_MODE=drain) runs each subsystem's end-of-service
	// behaviour at shutdown (riders warped home, live quests destroyed).
	// The default, handover, leaves every actor's state to the partitions'
	// next owner: one replica stopping is not the end of the world.
	Drain bool
	// JSONChangelog (CHANGELOG_FORMAT=json) writes party-quest instance
	// states to the changelog as JSON instead of their binary form. Both are
	// always read; JSON is for the rolling upgrade from a version that reads
	// only JSON, until no replica of it is left.
	JSONChangelog bool
	// InternalTenantHeaders (INTERNAL_TENANT=headers) writes the tenant
	// headers on internal-topic records too. Their keys name the tenant,
	// which is where this version reads it; the headers are for the rolling
	// upgrade from a version that reads them only, until no replica of it
	// is left.
	InternalTenantHeaders bool
	// TransactionLinger (TRANSACTION_LINGER, default 5ms; 0 never waits) is
	// how long a subsystem's producer waits for more effects before it
	// commits a transaction that is not full (kafka.OutboxConfig.Linger).
	TransactionLinger time.Duration
	// TimerLead (TIMER_LEAD, default 100ms; 0 decides at the deadline) is
	// how far ahead of a deadline routes, instance routes and party-quest
	// instances prepare its transition; its effects are released at the
	// deadline (actors.ShellConfig.Lead).
	TimerLead time.Duration
}

// defaultPassivateAfter is PASSIVATE_AFTER's default: instances waiting
// for members or for a stage's timer rest, instances in play do not. A
// shorter period saves more memory under load and costs a restore per
// input once inputs come slower than it (bench/RESULTS.md, issue 11).
const defaultPassivateAfter = 30 * time.Second

// defaultTransactionLinger is TRANSACTION_LINGER's default: fewer, larger
// transactions cost 5–20 % less CPU per command, and each transaction of a
// command's path waits up to this much longer when the service is not busy
// (bench/RESULTS.md, issue 11, tenth round). librdkafka's own linger.ms
// defaults to the same 5 ms for the same reason.
const defaultTransactionLinger = 5 * time.Millisecond

// defaultTimerLead is TIMER_LEAD's default: hundreds of routes on aligned
// timetables share each departure instant, and at 6,000 commands/s the
// last DEPARTED of a burst was stamped up to 43 ms after it (bench/RESULTS.md,
// issue 11, fourteenth round); the lead leaves room for that burst and for
// most of a collector's mark.
const defaultTimerLead = 100 * time.Millisecond

// ConfigFromEnv reads the configuration; getenv is os.Getenv outside tests.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Bootstrap:           getenv("BOOTSTRAP_SERVERS"),
		ConfigPath:          getenv("CONFIG_PATH"),
		DefinitionsPath:     getenv("PARTY_QUEST_DEFINITIONS_PATH"),
		PartiesURL:          getenv("PARTIES_SERVICE_URL"),
		GuildsURL:           getenv("GUILDS_SERVICE_URL"),
		TxnIDPrefix:         getenv("TRANSACTIONAL_ID_PREFIX"),
		RESTToken:           getenv("REST_TOKEN"),
		ShutdownTimeout:     30 * time.Second,
		PassivateAfter:      defaultPassivateAfter,
		TransactionLinger:   defaultTransactionLinger,
		TimerLead:           defaultTimerLead,
		ChangelogPartitions: 12,
		Topics:              messages.TopicNamesFromEnv(getenv),
	}
	if v := getenv("KAFKA_EXTRA_CONFIG"); v != "" {
		c.KafkaExtra = map[string]string{}
		for _, kv := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(strings.TrimSpace(kv), "=")
			if !ok || k == "" {
				return c, fmt.Errorf("KAFKA_EXTRA_CONFIG: %q is not key=value", kv)
			}
			c.KafkaExtra[k] = val
		}
	}
	tc, err := kafka.ParseTopicCreation(getenv("TOPIC_CREATION"))
	if err != nil {
		return c, fmt.Errorf("TOPIC_CREATION: %w", err)
	}
	c.TopicCreation = tc
	// Settings of two values; the first is the default.
	for _, st := range []struct {
		name, off, on string
		set           *bool
	}{
		{"STATIC_MEMBERSHIP", "false", "true", &c.StaticMembership},
		{"SHUTDOWN_MODE", "handover", "drain", &c.Drain},
		{"CHANGELOG_FORMAT", "binary", "json", &c.JSONChangelog},
		{"INTERNAL_TENANT", "key", "headers", &c.InternalTenantHeaders},
	} {
		switch v := getenv(st.name); v {
		case "", st.off:
		case st.on:
			*st.set = true
		default:
			return c, fmt.Errorf("%s %q: want %s or %s", st.name, v, st.off, st.on)
		}
	}
	if v := getenv("CHANGELOG_PARTITIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("CHANGELOG_PARTITIONS %q is not a positive integer", v)
		}
		c.ChangelogPartitions = n
	}
	port := getenv("REST_PORT")
	if port == "" {
		port = "8080"
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return c, fmt.Errorf("REST_PORT %q is not a port number", port)
	}
	c.RESTAddr = ":" + port
	if c.TxnIDPrefix == "" {
		host, err := os.Hostname()
		if err != nil {
			return c, fmt.Errorf("TRANSACTIONAL_ID_PREFIX unset and no host name: %w", err)
		}
		c.TxnIDPrefix = "transitquest-" + host
	}
	subs := getenv("SUBSYSTEMS")
	if subs == "" {
		subs = "transport,partyquest"
	}
	for _, s := range strings.Split(subs, ",") {
		switch strings.TrimSpace(s) {
		case "transport":
			c.Transport = true
		case "partyquest":
			c.PartyQuests = true
		case "":
		default:
			return c, fmt.Errorf("SUBSYSTEMS: unknown subsystem %q (want transport, partyquest)", s)
		}
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("SHUTDOWN_TIMEOUT %q is not a positive duration", v)
		}
		c.ShutdownTimeout = d
	}
	if v := getenv("TRANSACTION_LINGER"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Second {
			return c, fmt.Errorf("TRANSACTION_LINGER %q is not a duration from 0 to 1s", v)
		}
		c.TransactionLinger = d
	}
	if v := getenv("TIMER_LEAD"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Second {
			return c, fmt.Errorf("TIMER_LEAD %q is not a duration from 0 to 1s", v)
		}
		c.TimerLead = d
	}
	if v := getenv("PASSIVATE_AFTER"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return c, fmt.Errorf("PASSIVATE_AFTER %q is not a duration (0 never passivates)", v)
		}
		c.PassivateAfter = d
	}
	return c, nil
}
