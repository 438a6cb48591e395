// Package kafkatest starts the embedded broker for tests and gives them a
// second, independent Kafka client (franz-go) to produce inputs and read
// outputs, so tests exercise the service through the real protocol.
package kafkatest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Partitions is the partition count of every test topic.
const Partitions = 4

// Broker is an in-process broker with every contract topic created, named
// as the contracts name them. Which broker it is comes from the
// KAFKA_TEST_BROKER environment variable: kfake (the default: franz-go's
// fake cluster, the embedded broker of `make run`) or mock (librdkafka's own
// mock cluster). The mock has no transactional offset commits, ignores
// read_committed and fences nothing: tests ask ExactlyOnce and assert
// "every effect at least once, nothing lost" where it is false.
type Broker struct {
	Names messages.TopicNames

	kind    Kind
	emb     *kafka.Embedded
	mock    *ck.MockCluster
	dataDir string
	port    int
	stopped bool // a persistent kfake broker is down
	closed  bool
	proc    *brokerProcess // a kfake broker running as its own process
}

// Kind names an in-process broker implementation.
type Kind string

const (
	// Kfake is franz-go's kfake: transactions, transactional offset
	// commits, read_committed, fencing and the admin API all work.
	Kfake Kind = "kfake"
	// Mock is librdkafka's mock cluster (confluent-kafka-go's
	// NewMockCluster): produce, consumer groups and transactions work;
	// offsets sent to a transaction are dropped, read_committed is ignored,
	// producers are never fenced, admin requests hang.
	Mock Kind = "mock"
)

// EnvBroker is the environment variable that chooses the test broker.
const EnvBroker = "KAFKA_TEST_BROKER"

// BrokerKind is the broker tests run against, from KAFKA_TEST_BROKER.
func BrokerKind() Kind {
	switch v := strings.ToLower(strings.TrimSpace(os.Getenv(EnvBroker))); v {
	case "", string(Kfake):
		return Kfake
	case string(Mock):
		return Mock
	default:
		panic(fmt.Sprintf("%s=%q: want %q or %q", EnvBroker, v, Kfake, Mock))
	}
}

func contractNames() (messages.TopicNames, []string) {
	names := messages.TopicNames{}
	topics := make([]string, 0, len(messages.AllTopics))
	for _, tp := range messages.AllTopics {
		names[tp] = string(tp)
		topics = append(topics, string(tp))
	}
	return names, topics
}

// StartBroker starts an in-process broker for the test's lifetime.
func StartBroker(t testing.TB) *Broker {
	t.Helper()
	names, topics := contractNames()
	if BrokerKind() == Mock {
		return startMock(t, names, topics)
	}
	plain, compacted := kafka.EmbeddedTopics(names)
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Partitions: Partitions, Topics: plain, Compacted: compacted})
	require.NoError(t, err)
	t.Cleanup(e.Close)
	return &Broker{emb: e, Names: names, kind: Kfake}
}

// startMock starts a one-broker librdkafka mock cluster with every topic
// created up front (its admin API hangs, so nothing can create them later
// except auto-creation, at 4 partitions).
func startMock(t testing.TB, names messages.TopicNames, topics []string) *Broker {
	t.Helper()
	mc, err := ck.NewMockCluster(1)
	require.NoError(t, err)
	b := &Broker{mock: mc, Names: names, kind: Mock}
	t.Cleanup(b.Close)
	for _, tp := range topics {
		require.NoError(t, mc.CreateTopic(tp, Partitions, 1), "create %s", tp)
	}
	return b
}

// Kind is the broker implementation.
func (b *Broker) Kind() Kind { return b.kind }

// ExactlyOnce reports whether the broker implements what exactly-once
// rests on: offsets committed inside a transaction, read_committed and
// producer fencing. On a broker without them a test asserts at least once.
func (b *Broker) ExactlyOnce() bool { return b.kind == Kfake }

// RequireExactlyOnce skips the test, naming why, when the broker cannot
// show what it checks (transactional offsets, read_committed, fencing).
func RequireExactlyOnce(t testing.TB, b *Broker, why string) {
	t.Helper()
	if !b.ExactlyOnce() {
		t.Skipf("skipped on the %s broker (no transactional offset commits, read_committed or fencing): %s", b.kind, why)
	}
}

// RequireKfake skips the test, naming why, on any broker but kfake (fault
// injection, the admin API, a restart with the data kept).
func RequireKfake(t testing.TB, b *Broker, why string) {
	t.Helper()
	if b.kind != Kfake {
		t.Skipf("skipped on the %s broker: %s", b.kind, why)
	}
}

// SkipOnMock skips the test on the mock broker, naming why, before any
// broker is started.
func SkipOnMock(t testing.TB, why string) {
	t.Helper()
	if BrokerKind() == Mock {
		t.Skipf("skipped on the %s broker: %s", Mock, why)
	}
}

// Bootstrap is the comma-separated broker address list.
func (b *Broker) Bootstrap() string {
	if b.proc != nil {
		return b.proc.addr
	}
	if b.mock != nil {
		return b.mock.BootstrapServers()
	}
	return b.emb.Bootstrap()
}

// Cluster is the kfake cluster, for fault injection; nil on the mock (call
// RequireKfake first).
func (b *Broker) Cluster() *kfake.Cluster {
	if b.emb == nil {
		return nil
	}
	return b.emb.Cluster()
}

// Close stops the broker for good; later calls do nothing.
func (b *Broker) Close() {
	if b.closed {
		return
	}
	b.closed = true
	if b.proc != nil {
		b.proc.kill()
		return
	}
	if b.mock != nil {
		b.mock.Close()
		return
	}
	if !b.stopped {
		b.emb.Close()
	}
}

// Tenant is a fixed test tenant.
var Tenant = tenant.Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}

// Client returns a franz-go client; extra options are appended.
func (b *Broker) Client(t testing.TB, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	base := []kgo.Opt{kgo.SeedBrokers(strings.Split(b.Bootstrap(), ",")...),
		kgo.DefaultProduceTopic(string(messages.CommandTopicPartyQuest))}
	if b.kind == Mock {
		// The mock answers ApiVersions v3+ (the request franz-go opens every
		// connection with) with a body franz-go cannot parse; from v2 on,
		// versions are negotiated as with any broker.
		v := kversion.Stable()
		v.SetMaxKeyVersion(kmsg.ApiVersions.Int16(), 2)
		base = append(base, kgo.MaxVersions(v))
	}
	c, err := kgo.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// Value is a test record's bytes: bytes and strings as they are (hostile
// input is sent as is), anything else JSON-encoded.
func Value(t testing.TB, value any) []byte {
	t.Helper()
	switch v := value.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	default:
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		return raw
	}
}

// Produce writes one JSON record with the tenant's headers (plus extra).
func (b *Broker) Produce(t testing.TB, c *kgo.Client, topic messages.Topic, key []byte, value any, tn tenant.Tenant, extra ...kgo.RecordHeader) *kgo.Record {
	t.Helper()
	raw := Value(t, value)
	r := &kgo.Record{Topic: b.Names.Name(topic), Key: key, Value: raw, Headers: append(Headers(tn), extra...)}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.ProduceSync(ctx, r).FirstErr())
	return r
}

// Headers are the tenant headers as franz-go record headers.
func Headers(tn tenant.Tenant) []kgo.RecordHeader {
	var out []kgo.RecordHeader
	for _, h := range kafka.TenantHeaders(tn) {
		out = append(out, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	return out
}

// Reader consumes topics from the start (read_committed unless told
// otherwise) and accumulates what it has seen.
type Reader struct {
	t    testing.TB
	c    *kgo.Client
	mc   *ck.Consumer // on the mock
	seen []*kgo.Record
}

// NewReader reads the given topics from their beginning. On the mock it
// reads with librdkafka's consumer, read_uncommitted: franz-go's fetches
// from the mock skip records, and the mock has no read_committed.
func (b *Broker) NewReader(t testing.TB, readUncommitted bool, topics ...messages.Topic) *Reader {
	t.Helper()
	names := make([]string, len(topics))
	for i, tp := range topics {
		names[i] = b.Names.Name(tp)
	}
	if b.kind == Mock {
		return b.newMockReader(t, names)
	}
	opts := []kgo.Opt{kgo.ConsumeTopics(names...), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}
	if readUncommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadUncommitted()))
	} else {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	return &Reader{t: t, c: b.Client(t, opts...)}
}

// newMockReader assigns every partition of the topics from offset 0, with
// no group (the mock's rebalances take seconds).
func (b *Broker) newMockReader(t testing.TB, names []string) *Reader {
	t.Helper()
	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": b.Bootstrap(), "group.id": "kafkatest-reader",
		"enable.auto.commit": false, "go.logs.channel.enable": false, "enable.metrics.push": false})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	var parts []ck.TopicPartition
	for i := range names {
		for p := int32(0); p < Partitions; p++ {
			parts = append(parts, ck.TopicPartition{Topic: &names[i], Partition: p, Offset: ck.OffsetBeginning})
		}
	}
	require.NoError(t, c.Assign(parts))
	return &Reader{t: t, mc: c}
}

// poll reads for up to d and keeps what arrives.
func (r *Reader) poll(d time.Duration) {
	if r.mc == nil {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		fs := r.c.PollFetches(ctx)
		cancel()
		fs.EachRecord(func(rec *kgo.Record) { r.seen = append(r.seen, rec) })
		return
	}
	deadline := time.Now().Add(d)
	for left := d; left > 0; left = time.Until(deadline) {
		ev := r.mc.Poll(int(max(left/time.Millisecond, 1)))
		m, ok := ev.(*ck.Message)
		if !ok {
			if ev == nil {
				return
			}
			continue
		}
		rec := &kgo.Record{Topic: *m.TopicPartition.Topic, Partition: m.TopicPartition.Partition,
			Offset: int64(m.TopicPartition.Offset), Key: m.Key, Value: m.Value, Timestamp: m.Timestamp}
		for _, h := range m.Headers {
			rec.Headers = append(rec.Headers, kgo.RecordHeader{Key: h.Key, Value: h.Value})
		}
		r.seen = append(r.seen, rec)
		return // like one fetch: the caller checks its condition
	}
}

// WaitFor polls until cond holds over everything seen so far, or fails the
// test at the deadline. It returns everything seen.
func (r *Reader) WaitFor(timeout time.Duration, cond func([]*kgo.Record) bool) []*kgo.Record {
	r.t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond(r.seen) {
		if time.Now().After(deadline) {
			r.t.Fatalf("condition not met within %s; saw %d records", timeout, len(r.seen))
		}
		r.poll(200 * time.Millisecond)
	}
	return r.seen
}

// WaitCount waits until at least n records were seen.
func (r *Reader) WaitCount(timeout time.Duration, n int) []*kgo.Record {
	r.t.Helper()
	return r.WaitFor(timeout, func(rs []*kgo.Record) bool { return len(rs) >= n })
}

// Drain reads for d and returns everything seen (for "nothing more arrives"
// checks after a positive wait already synchronised the test).
func (r *Reader) Drain(d time.Duration) []*kgo.Record {
	r.t.Helper()
	deadline := time.Now().Add(d)
	for left := d; left > 0; left = time.Until(deadline) {
		r.poll(left)
	}
	return r.seen
}

// Committed returns the group's committed offset of a partition (-1 when none).
func (b *Broker) Committed(t testing.TB, group string, topic messages.Topic, partition int32) int64 {
	t.Helper()
	adm := kadm.NewClient(b.Client(t))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	offs, err := adm.FetchOffsets(ctx, group)
	require.NoError(t, err)
	o, ok := offs.Lookup(b.Names.Name(topic), partition)
	if !ok {
		return -1
	}
	return o.At
}

// Eventually waits until cond is true or fails at the deadline.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Header returns the value of a record header.
func Header(r *kgo.Record, key string) ([]byte, bool) {
	for _, h := range r.Headers {
		if h.Key == key {
			return h.Value, true
		}
	}
	return nil, false
}

// StartPersistentBroker starts a broker that can be taken down and brought
// back with its data: the test's way of losing and regaining the broker.
// On kfake it keeps its log in a temporary directory and Start brings it
// back on the same address; on the mock, Stop and Start mark the broker
// down and up (SetBrokerDown/SetBrokerUp), its log staying in memory.
func StartPersistentBroker(t testing.TB) *Broker {
	t.Helper()
	names, topics := contractNames()
	if BrokerKind() == Mock {
		return startMock(t, names, topics)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0") // only to pick a free port
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	dir := t.TempDir()
	plain, compacted := kafka.EmbeddedTopics(names)
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Port: port, Partitions: Partitions, Topics: plain, Compacted: compacted, DataDir: dir})
	require.NoError(t, err)
	pb := &Broker{emb: e, Names: names, kind: Kfake, dataDir: dir, port: port}
	t.Cleanup(pb.Close)
	return pb
}

// mockBrokerID is the id of the mock cluster's only broker.
const mockBrokerID = 1

// Stop takes a persistent broker down (a broker process is killed with
// SIGKILL); Start brings it back.
// Crash kills a broker process with SIGKILL: whatever it kept only in
// memory is lost, as in a power cut. Only StartBrokerProcess's broker can
// crash; Start brings it back.
func (b *Broker) Crash() {
	if b.proc == nil {
		panic("kafkatest: only a broker process can crash")
	}
	b.proc.kill()
	b.stopped = true
}

func (b *Broker) Stop() {
	if b.proc != nil {
		b.proc.stop() // SIGTERM: the broker closes as in a restart
		b.stopped = true
		return
	}
	if b.mock != nil {
		if err := b.mock.SetBrokerDown(mockBrokerID); err != nil {
			panic(fmt.Sprintf("mock broker down: %v", err))
		}
		return
	}
	b.emb.Close()
	b.stopped = true
}

// Start brings a stopped persistent broker back: kfake on the same port
// and data, the mock by marking its broker up.
func (b *Broker) Start(t testing.TB) {
	t.Helper()
	if b.mock != nil {
		require.NoError(t, b.mock.SetBrokerUp(mockBrokerID))
		return
	}
	if b.proc != nil {
		b.proc.start(t)
		b.stopped = false
		return
	}
	require.NotEmpty(t, b.dataDir, "only a persistent broker restarts")
	plain, compacted := kafka.EmbeddedTopics(b.Names)
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Port: b.port, Partitions: Partitions, Topics: plain, Compacted: compacted, DataDir: b.dataDir})
	require.NoError(t, err)
	b.emb, b.stopped = e, false
}

// CommittedTotal sums a group's committed offsets over every partition of a
// topic: with offsets starting at 0, the number of records committed.
func (b *Broker) CommittedTotal(t testing.TB, group string, topic messages.Topic) int64 {
	t.Helper()
	var sum int64
	for p := int32(0); p < Partitions; p++ {
		if o := b.Committed(t, group, topic, p); o > 0 {
			sum += o
		}
	}
	return sum
}

// EventuallyCommitted waits, like Eventually, for a condition on committed
// offsets. The mock drops the offsets a transaction sends, so there it
// checks nothing and says so: the test's effect assertions stand in.
func EventuallyCommitted(t testing.TB, b *Broker, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !b.ExactlyOnce() {
		t.Logf("not checked on the %s broker (it drops offsets sent to a transaction): %s", b.kind, what)
		return
	}
	Eventually(t, timeout, what, cond)
}
