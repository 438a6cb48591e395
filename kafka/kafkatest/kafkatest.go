// Package kafkatest starts the embedded broker for tests and gives them a
// second, independent Kafka client (franz-go) to produce inputs and read
// outputs, so tests exercise the service through the real protocol.
package kafkatest

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Partitions is the partition count of every test topic.
const Partitions = 4

// Broker is an embedded broker with every contract topic created, named
// with a per-test prefix so parallel tests never share a topic.
type Broker struct {
	*kafka.Embedded
	Names   messages.TopicNames
	dataDir string
	port    int
	stopped bool
}

// StartBroker starts an embedded broker for the test's lifetime.
func StartBroker(t testing.TB) *Broker {
	t.Helper()
	names := messages.TopicNames{}
	for _, tp := range messages.AllTopics {
		names[tp] = string(tp)
	}
	topics, compacted := kafka.EmbeddedTopics(names)
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Partitions: Partitions, Topics: topics, Compacted: compacted})
	require.NoError(t, err)
	t.Cleanup(e.Close)
	return &Broker{Embedded: e, Names: names}
}

// Tenant is a fixed test tenant.
var Tenant = tenant.Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}

// Client returns a franz-go client; extra options are appended.
func (b *Broker) Client(t testing.TB, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	base := []kgo.Opt{kgo.SeedBrokers(strings.Split(b.Bootstrap(), ",")...),
		kgo.DefaultProduceTopic(string(messages.CommandTopicPartyQuest))}
	c, err := kgo.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// Produce writes one JSON record with the tenant's headers (plus extra).
func (b *Broker) Produce(t testing.TB, c *kgo.Client, topic messages.Topic, key []byte, value any, tn tenant.Tenant, extra ...kgo.RecordHeader) *kgo.Record {
	t.Helper()
	var raw []byte
	switch v := value.(type) {
	case []byte:
		raw = v
	case string:
		raw = []byte(v)
	default:
		var err error
		raw, err = json.Marshal(v)
		require.NoError(t, err)
	}
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
	seen []*kgo.Record
}

// NewReader reads the given topics from their beginning.
func (b *Broker) NewReader(t testing.TB, readUncommitted bool, topics ...messages.Topic) *Reader {
	t.Helper()
	names := make([]string, len(topics))
	for i, tp := range topics {
		names[i] = b.Names.Name(tp)
	}
	opts := []kgo.Opt{kgo.ConsumeTopics(names...), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart())}
	if readUncommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadUncommitted()))
	} else {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	return &Reader{t: t, c: b.Client(t, opts...)}
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
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		fs := r.c.PollFetches(ctx)
		cancel()
		fs.EachRecord(func(rec *kgo.Record) { r.seen = append(r.seen, rec) })
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
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for ctx.Err() == nil {
		fs := r.c.PollFetches(ctx)
		fs.EachRecord(func(rec *kgo.Record) { r.seen = append(r.seen, rec) })
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

// StartPersistentBroker starts a broker that keeps its log in a temporary
// directory, so Restart brings it back on the same address with its data:
// the test's way of losing and regaining the broker.
func StartPersistentBroker(t testing.TB) *Broker {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0") // only to pick a free port
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	dir := t.TempDir()
	names := messages.TopicNames{}
	for _, tp := range messages.AllTopics {
		names[tp] = string(tp)
	}
	topics, compacted := kafka.EmbeddedTopics(names)
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Port: port, Partitions: Partitions, Topics: topics, Compacted: compacted, DataDir: dir})
	require.NoError(t, err)
	pb := &Broker{Embedded: e, Names: names, dataDir: dir, port: port}
	t.Cleanup(func() {
		if !pb.stopped {
			pb.Embedded.Close()
		}
	})
	return pb
}

// Stop takes a persistent broker down; Start brings it back.
func (b *Broker) Stop() {
	b.Embedded.Close()
	b.stopped = true
}

// Start restarts a stopped persistent broker on the same port and data.
func (b *Broker) Start(t testing.TB) {
	t.Helper()
	require.NotEmpty(t, b.dataDir, "only a persistent broker restarts")
	topics, compacted := kafka.EmbeddedTopics(b.Names)
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Port: b.port, Partitions: Partitions, Topics: topics, Compacted: compacted, DataDir: b.dataDir})
	require.NoError(t, err)
	b.Embedded, b.stopped = e, false
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
