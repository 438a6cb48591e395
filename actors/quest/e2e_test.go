package quest

// The only file of the package that starts a broker: the throughBroker
// backend of the harness, and the journeys that run end to end through it
// (beside their broker-free runs).

import (
	"context"
	"fmt"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// actorsGroup is the consumer group of the internal topic.
var actorsGroup = (&Subsystem{}).Topology().ActorsGroup()

// brokerBackend is a real pipeline (group Group) on an embedded broker,
// with a second client producing commands and read_committed readers of
// every output topic.
type brokerBackend struct {
	t        *testing.T
	h        *harness
	b        *kafkatest.Broker
	client   *kgo.Client
	readers  map[messages.Topic]*kafkatest.Reader
	produced atomic.Int64
}

func newBrokerBackend(t *testing.T) *brokerBackend {
	b := kafkatest.StartBroker(t)
	be := &brokerBackend{t: t, b: b, client: b.Client(t), readers: map[messages.Topic]*kafkatest.Reader{}}
	for _, topic := range []messages.Topic{messages.EventTopicPartyQuestStatus, messages.CommandTopicCharacter, messages.DeadLetterTopic} {
		be.readers[topic] = b.NewReader(t, false, topic)
	}
	return be
}

func (be *brokerBackend) start(h *harness, sub *Subsystem, log *zap.Logger, restored []changelog.Entry) func() {
	t := h.t
	be.h = h
	ctx, cancel := context.WithCancel(context.Background())
	// The service's two stages: ingress (group Group) on the command topic,
	// actors (Group + " actors") on the internal topic. The state comes
	// with the assignment (restored is what it will read back).
	_ = restored
	st, err := kafka.NewStages(ctx, sub.Topology(), kafka.PipelineConfig{
		Bootstrap: be.b.Bootstrap(), TransactionalID: fmt.Sprintf("quest-%s-%d", t.Name(), h.boots),
		Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second}, InternalTenantHeaders: h.setup.tenantHeaders,
	}, be.b.Names, log, h.m)
	require.NoError(t, err)
	require.NoError(t, sub.Start(st.Emitter()))
	require.NoError(t, st.Start(ctx))
	h.eventually("every internal partition assigned and restored", func() bool { return len(st.Actors.Owned()) == partitions })
	return func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		for _, pl := range st.Pipelines() {
			pl.StopConsuming()
		}
		for _, pl := range st.Pipelines() {
			pl.WaitIdle(cctx)
		}
		_ = st.Close(cctx)
		cancel()
	}
}

func (be *brokerBackend) produce(t tenant.Tenant, key, value []byte) {
	be.b.Produce(be.t, be.client, messages.CommandTopicPartyQuest, key, value, t)
	be.produced.Add(1)
}

func toRecs(rs []*kgo.Record) []rec {
	out := make([]rec, 0, len(rs))
	for _, r := range rs {
		reason, _ := kafkatest.Header(r, kafka.HeaderDLQReason)
		out = append(out, rec{key: r.Key, value: r.Value, reason: string(reason)})
	}
	return out
}

func (be *brokerBackend) seen(topic messages.Topic) []rec {
	return toRecs(be.readers[topic].WaitCount(0, 0))
}

func (be *brokerBackend) waitFor(topic messages.Topic, _ string, cond func([]rec) bool) []rec {
	be.t.Helper()
	return toRecs(be.readers[topic].WaitFor(wait, func(rs []*kgo.Record) bool { return cond(toRecs(rs)) }))
}

// settled waits until every produced command is committed; the dead
// letters were committed with them, and the processes counted them.
func (be *brokerBackend) settled() []rec {
	be.t.Helper()
	be.quiet()
	var dl float64
	for _, m := range be.h.all {
		dl += sum(m.DeadLettered)
	}
	return toRecs(be.readers[messages.DeadLetterTopic].WaitCount(wait, int(dl)))
}

// quiet waits until nothing is in flight, every command is committed and
// every committed internal record was read (its effects committed with
// its offset, since nothing is in flight).
func (be *brokerBackend) quiet() {
	be.t.Helper()
	internal := string(messages.InternalTopicPartyQuest)
	idle := func() bool {
		return testutil.ToFloat64(be.h.m.InFlight.WithLabelValues(Group)) == 0 &&
			testutil.ToFloat64(be.h.m.InFlight.WithLabelValues(actorsGroup)) == 0
	}
	be.h.eventually("every command and internal record handled", func() bool {
		if !idle() || be.committedTotal() < be.produced.Load() {
			return false
		}
		var consumed, produced float64
		for _, m := range be.h.all {
			consumed += testutil.ToFloat64(m.Consumed.WithLabelValues(internal))
			produced += testutil.ToFloat64(m.Produced.WithLabelValues(internal))
		}
		return consumed >= produced && idle()
	})
}

func (be *brokerBackend) committed(p int32) int64 {
	if !be.b.ExactlyOnce() {
		kafkatest.RequireExactlyOnce(be.t, be.b, "reads a partition's committed offset, and the mock drops offsets sent to a transaction")
	}
	return be.b.Committed(be.t, Group, messages.CommandTopicPartyQuest, p)
}

// committedTotal is the commands committed. On the mock, which drops the
// offsets a transaction sends, it is the commands every process read once
// nothing is in flight (each read's transaction committed): at least once.
func (be *brokerBackend) committedTotal() int64 {
	if !be.b.ExactlyOnce() {
		if testutil.ToFloat64(be.h.m.InFlight.WithLabelValues(Group)) > 0 {
			return -1
		}
		var n float64
		for _, m := range be.h.all {
			n += testutil.ToFloat64(m.Consumed.WithLabelValues(string(messages.CommandTopicPartyQuest)))
		}
		return int64(n)
	}
	return be.b.CommittedTotal(be.t, Group, messages.CommandTopicPartyQuest)
}

func (be *brokerBackend) restored() []changelog.Entry {
	be.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	raw, err := kafka.ReadChangelog(ctx, be.b.Bootstrap(), be.b.Names.Name(messages.ChangelogTopicPartyQuest), nil, nil, 0)
	require.NoError(be.t, err)
	entries, errs := changelog.Decode(raw)
	require.Empty(be.t, errs)
	return entries
}

// End-to-end journeys: the same bodies as their broker-free tests.

func TestKerningPlayedToTheEndThroughBroker(t *testing.T) {
	kerningPlayedToTheEnd(t, throughBroker())
}

func TestCrashedProcessResumesFromTheChangelogThroughBroker(t *testing.T) {
	kafkatest.SkipOnMock(t, "the restarted process must resume after the offsets committed with its effects; "+
		"the mock drops them, so it re-reads every command")
	crashedProcessResumesFromTheChangelog(t, throughBroker())
}

// Internal records cross the broker without tenant headers, their tenant
// in their keys, and still reach their actors: the forwarded registration
// reaches the registrar, which creates and starts the instance. With
// INTERNAL_TENANT=headers (a rolling upgrade) they carry the headers too,
// for a replica of a version that reads only them.
func TestInternalRecordsNameTheirTenantByKeyThroughBroker(t *testing.T) {
	for _, headers := range []bool{false, true} {
		t.Run(fmt.Sprintf("tenant headers %v", headers), func(t *testing.T) {
			url := partiesService(t, map[uint32][]member{7: {{101, 1, 25}, {102, 1, 27}, {103, 2, 22}}})
			opts := []option{withParties(url), throughBroker()}
			if headers {
				opts = append(opts, withInternalTenantHeaders())
			}
			h := start(t, opts...)
			h.register(101, kerning, 7, 1)
			id := h.created(1, kerning)
			h.waitType(id, messages.TypeStarted)
			be := h.be.(*brokerBackend)
			be.quiet()
			internal := be.b.NewReader(t, false, messages.InternalTopicPartyQuest).WaitFor(wait, func(rs []*kgo.Record) bool { return len(rs) > 0 })
			for _, r := range internal {
				got, _, err := tenant.ParseKey(r.Key)
				require.NoError(t, err, "internal record %q", r.Key)
				require.Equal(t, tn, got, "internal record %q", r.Key)
				_, has := kafkatest.Header(r, kafka.HeaderTenantID)
				require.Equal(t, headers, has, "internal record %q has tenant headers", r.Key)
			}
			// A refused internal record without them is dead-lettered with
			// its key's tenant in the headers, as every dead letter is.
			bad := &kgo.Record{Topic: be.b.Names.Name(messages.InternalTopicPartyQuest), Key: internal[0].Key, Value: []byte("{")}
			require.NoError(t, be.client.ProduceSync(context.Background(), bad).FirstErr())
			dl := be.readers[messages.DeadLetterTopic].WaitFor(wait, func(rs []*kgo.Record) bool { return len(rs) > 0 })
			tid, ok := kafkatest.Header(dl[0], kafka.HeaderTenantID)
			require.True(t, ok, "the dead letter names its tenant")
			require.Equal(t, tn.ID.String(), string(tid))
		})
	}
}

func TestRefusedCommandsAreDeadLetteredThroughBroker(t *testing.T) {
	refusedCommandsAreDeadLettered(t, throughBroker())
}

func TestDefaultDefinitionsThroughKafka(t *testing.T) {
	defaultDefinitionsStartTenantsLazily(t, throughBroker())
}
