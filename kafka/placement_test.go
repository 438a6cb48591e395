package kafka_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// counters is a minimal placed subsystem: one counter per key, owned by
// the replica that owns the key's internal partition. An input (keyed by
// anything) is forwarded to the counter's key; the counter emits its new
// value with its state record.
type counters struct {
	t    *testing.T
	em   *kafka.Emitter
	mu   sync.Mutex
	vals map[string]int
	own  map[int32]bool
	n    int32
	log  []string // assign/revoke history
}

func (c *counters) Assign(a kafka.Assignment) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = a.Count
	for _, p := range a.Partitions {
		c.own[p] = true
	}
	for k, v := range a.State {
		require.True(c.t, a.Owns([]byte(k)), "restored only the assigned partitions")
		n, err := strconv.Atoi(string(v))
		require.NoError(c.t, err)
		c.vals[k] = n
	}
	c.log = append(c.log, fmt.Sprintf("assign %v", a.Partitions))
	return nil
}

func (c *counters) Revoke(parts []int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range parts {
		delete(c.own, p)
		for k := range c.vals {
			if kafka.PartitionFor([]byte(k), c.n) == p {
				delete(c.vals, k)
			}
		}
	}
	c.log = append(c.log, fmt.Sprintf("revoke %v", parts))
}

func (c *counters) ingress(in *kafka.Input) error {
	var v struct {
		Counter string `json:"counter"`
	}
	if err := json.Unmarshal(in.Value, &v); err != nil {
		return err
	}
	rec, err := messages.Internal(messages.InternalTopicTransport, []byte(v.Counter), "inc", json.RawMessage(`{}`))
	if err != nil {
		return err
	}
	return c.em.Emit(in.Tenant, in.Trace, []messages.Record{rec}, in, nil)
}

func (c *counters) internal(in *kafka.Input) error {
	c.mu.Lock()
	p := kafka.PartitionFor(in.Key, c.n)
	require.True(c.t, c.own[p], "an internal record of partition %d handled by its owner only", p)
	key := string(in.Key)
	c.vals[key]++
	n := c.vals[key]
	c.mu.Unlock()
	return c.em.Emit(in.Tenant, in.Trace, []messages.Record{
		{Topic: messages.ChangelogTopicTransport, Key: in.Key, Value: json.RawMessage(strconv.Itoa(n))},
		{Topic: messages.EventTopicTransportStatus, Key: in.Key, Value: map[string]any{"counter": key, "n": n}},
	}, in, nil)
}

// startCounters starts one replica of the counters subsystem. It returns
// the actors stage.
func startCounters(t *testing.T, b *kafkatest.Broker, txnID string) (*kafka.Pipeline, *counters) {
	t.Helper()
	st, c := newCounters(t, b, txnID)
	require.NoError(t, st.Start(context.Background()))
	return st.Actors, c
}

// newCounters connects one replica of the counters subsystem through
// kafka.Stages, as the service does: an ingress stage reading the inputs
// and an actors stage reading the internal topic, committing through one
// producer (transactional id txnID-counters). The test's cleanup closes it.
func newCounters(t *testing.T, b *kafkatest.Broker, txnID string) (*kafka.Stages, *counters) {
	t.Helper()
	c := &counters{t: t, vals: map[string]int{}, own: map[int32]bool{}}
	topo := kafka.Topology{Name: "counters", Group: "placement",
		Inputs:    []kafka.Consumed{{Topic: messages.CommandTopicInstanceTransport, Handler: c.ingress}},
		Changelog: messages.ChangelogTopicTransport,
		Internal:  kafka.Consumed{Topic: messages.InternalTopicTransport, Handler: c.internal},
		Owner:     c}
	ctx, cancel := context.WithCancel(context.Background())
	st, err := kafka.NewStages(ctx, topo, kafka.PipelineConfig{Bootstrap: b.Bootstrap(), TransactionalID: txnID},
		b.Names, zaptest.NewLogger(t), metrics.New())
	require.NoError(t, err)
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer ccancel()
		_ = st.Close(cctx)
		cancel()
	})
	c.em = st.Emitter()
	return st, c
}

// Counters move between replicas as partitions do: a second replica joins
// mid-stream, then the first leaves. Every counter's outputs are 1..n,
// each exactly once: state restored per partition before consuming, and
// nothing double-counted or lost across either handover.
func TestPlacementHandsStateOverExactlyOnce(t *testing.T) {
	b := kafkatest.StartBroker(t)
	kafkatest.RequireExactlyOnce(t, b, "counts each effect once across handovers")
	pl1, c1 := startCounters(t, b, "placement-1")
	in := b.Client(t)
	const counters, rounds = 12, 30
	produce := func(from, to int) {
		for r := from; r < to; r++ {
			for k := 0; k < counters; k++ {
				b.Produce(t, in, messages.CommandTopicInstanceTransport, []byte(strconv.Itoa(r)),
					map[string]string{"counter": fmt.Sprintf("c%02d", k)}, kafkatest.Tenant)
			}
		}
	}
	out := b.NewReader(t, false, messages.EventTopicTransportStatus)
	produce(0, 10)
	out.WaitCount(30*time.Second, 10*counters)
	pl2, c2 := startCounters(t, b, "placement-2")
	kafkatest.Eventually(t, 30*time.Second, "both replicas own partitions", func() bool {
		return len(pl1.Owned()) > 0 && len(pl2.Owned()) > 0
	})
	produce(10, 20)
	out.WaitCount(30*time.Second, 20*counters)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, pl1.Close(ctx))
	kafkatest.Eventually(t, 30*time.Second, "the survivor owns every partition", func() bool {
		return len(pl2.Owned()) == kafkatest.Partitions
	})
	produce(20, rounds)
	out.WaitCount(60*time.Second, rounds*counters)
	recs := out.Drain(500 * time.Millisecond) // a duplicate would show up here
	seen := map[string][]int{}
	for _, r := range recs {
		var v struct {
			Counter string `json:"counter"`
			N       int    `json:"n"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &v))
		seen[v.Counter] = append(seen[v.Counter], v.N)
	}
	require.Len(t, seen, counters)
	for k, ns := range seen {
		want := make([]int, rounds)
		for i := range want {
			want[i] = i + 1
		}
		assert.ElementsMatch(t, want, ns, "counter %s counts each input exactly once", k)
	}
	t.Logf("replica 1: %v; replica 2: %v", c1.log, c2.log)
}
