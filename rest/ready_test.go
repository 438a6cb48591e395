package rest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/rest"
)

type fakePinger struct{ err atomic.Pointer[error] }

func (p *fakePinger) fail(err error) { p.err.Store(&err) }

func (p *fakePinger) Ping(context.Context) error {
	if e := p.err.Load(); e != nil {
		return *e
	}
	return nil
}

type fakeAssigner struct{ n atomic.Int64 }

func (a *fakeAssigner) Assigned() int { return int(a.n.Load()) }

// fakePlacer is an actors stage that owns n internal partitions.
type fakePlacer struct{ n atomic.Int64 }

func (p *fakePlacer) Placed() bool { return true }

func (p *fakePlacer) Owned() []int32 { return make([]int32, p.n.Load()) }

// readyBody is the JSON answer of /readyz.
type readyBody struct {
	Status string `json:"status"`
	Checks []struct {
		Name   string `json:"name"`
		OK     bool   `json:"ok"`
		Detail string `json:"detail"`
	} `json:"checks"`
}

func readyz(t *testing.T, h http.Handler) (int, readyBody) {
	t.Helper()
	w := get(h, "/readyz")
	require.Equal(t, "application/json", w.Header().Get("Content-Type"))
	var b readyBody
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &b), w.Body.String())
	return w.Code, b
}

// failing returns the names of the failing checks a 503 body lists (nil on
// 200).
func failing(t *testing.T, h http.Handler) []string {
	t.Helper()
	code, b := readyz(t, h)
	if code == http.StatusOK {
		require.Equal(t, "ready", b.Status)
		return nil
	}
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "not ready", b.Status)
	var names []string
	for _, c := range b.Checks {
		if !c.OK {
			names = append(names, c.Name)
		}
	}
	return names
}

// detail is what the 503 body says about one check ("" when it passes).
func detail(t *testing.T, h http.Handler, check string) string {
	t.Helper()
	_, b := readyz(t, h)
	for _, c := range b.Checks {
		if c.Name == check {
			return c.Detail
		}
	}
	t.Fatalf("check %s not listed", check)
	return ""
}

func TestReadyzNamesEveryFailingCheckUntilAllPass(t *testing.T) {
	broker := &fakePinger{}
	broker.fail(errors.New("connection refused"))
	transport, quests := &fakeAssigner{}, &fakeAssigner{}
	restored := &fakePlacer{}
	r := rest.NewReadiness(time.Second).
		Add(rest.CheckBroker, rest.BrokerReachable(broker)).
		Add(rest.CheckPartitions, rest.PartitionsAssigned(transport, quests)).
		Add(rest.CheckRestored, rest.ActorsPlaced(restored))
	h := rest.New(rest.Deps{Log: zaptest.NewLogger(t), Metrics: metrics.New(), Ready: r.Ready})

	assert.Equal(t, []string{"broker_reachable", "partitions_assigned", "state_restored"}, failing(t, h))
	assert.Equal(t, "connection refused", detail(t, h, rest.CheckBroker))
	assert.Equal(t, "2 of 2 consumer groups have no partition assigned", detail(t, h, rest.CheckPartitions))

	broker.err.Store(nil)
	assert.Equal(t, []string{"partitions_assigned", "state_restored"}, failing(t, h))
	assert.Empty(t, detail(t, h, rest.CheckBroker), "a passing check is listed as ok")
	transport.n.Store(4)
	assert.Equal(t, []string{"partitions_assigned", "state_restored"}, failing(t, h), "every group needs partitions")
	quests.n.Store(1)
	assert.Equal(t, []string{"state_restored"}, failing(t, h))
	assert.Equal(t, "no internal partition restored yet", detail(t, h, rest.CheckRestored))
	restored.n.Store(2)
	assert.Nil(t, failing(t, h))
	assert.Equal(t, http.StatusOK, get(h, "/healthz").Code)

	// Losing a condition makes the replica unready again.
	quests.n.Store(0)
	assert.Equal(t, []string{"partitions_assigned"}, failing(t, h))
}

func TestHealthzDoesNotDependOnReadiness(t *testing.T) {
	r := rest.NewReadiness(time.Second).Add(rest.CheckRestored, rest.ActorsPlaced(&fakePlacer{}))
	h := rest.New(rest.Deps{Log: zaptest.NewLogger(t), Metrics: metrics.New(), Ready: r.Ready})
	assert.Equal(t, http.StatusServiceUnavailable, get(h, "/readyz").Code)
	assert.Equal(t, http.StatusOK, get(h, "/healthz").Code)
}

func TestNoChecksIsReady(t *testing.T) {
	assert.NoError(t, rest.NewReadiness(0).Ready())
}

// A check that ignores its deadline cannot hold the probe past the timeout.
func TestReadinessTimesOutAHungCheck(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	r := rest.NewReadiness(50*time.Millisecond).
		Add(rest.CheckBroker, func(context.Context) error { <-release; return nil }).
		Add(rest.CheckRestored, func(context.Context) error { return nil })
	begin := time.Now()
	err := r.Ready()
	assert.Less(t, time.Since(begin), 2*time.Second)
	var nr *rest.NotReadyError
	require.ErrorAs(t, err, &nr)
	assert.Equal(t, []string{rest.CheckBroker}, nr.Failing)
	assert.Contains(t, err.Error(), "broker_reachable: no answer within the probe timeout")
}

// Against the embedded broker: not ready before the pipeline has its
// partitions and before state is restored, ready after; unready again when
// the broker goes away.
func TestReadinessFollowsAssignmentAndRestore(t *testing.T) {
	b := kafkatest.StartBroker(t)
	pl, start := newPipeline(t, b, metrics.New(), "rest-ready")
	restored := &fakePlacer{}
	r := rest.NewReadiness(time.Second).
		Add(rest.CheckBroker, rest.BrokerReachable(newAdminPinger(t, b.Bootstrap()))).
		Add(rest.CheckPartitions, rest.PartitionsAssigned(pl)).
		Add(rest.CheckRestored, rest.ActorsPlaced(pl, restored))
	h := rest.New(rest.Deps{Log: zaptest.NewLogger(t), Metrics: metrics.New(), Ready: r.Ready})

	assert.Equal(t, []string{"partitions_assigned", "state_restored"}, failing(t, h), "before subscribing")
	start()
	kafkatest.Eventually(t, 20*time.Second, "partitions assigned", func() bool { return pl.Assigned() > 0 })
	assert.Equal(t, []string{"state_restored"}, failing(t, h), "assigned, not restored")
	restored.n.Store(1)
	assert.Nil(t, failing(t, h), "ready")
}

func TestBrokerCheckFailsWhenTheBrokerIsGone(t *testing.T) {
	b := kafkatest.StartBroker(t)
	r := rest.NewReadiness(500*time.Millisecond).Add(rest.CheckBroker, rest.BrokerReachable(newAdminPinger(t, b.Bootstrap())))
	require.NoError(t, r.Ready())
	b.Close()
	var nr *rest.NotReadyError
	require.ErrorAs(t, r.Ready(), &nr)
	assert.Equal(t, []string{rest.CheckBroker}, nr.Failing)
}
