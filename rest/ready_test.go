package rest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
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

// failing returns the check names of a 503 body's first line.
func failing(t *testing.T, h http.Handler) []string {
	t.Helper()
	w := get(h, "/readyz")
	if w.Code == http.StatusOK {
		return nil
	}
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	first, _, _ := strings.Cut(w.Body.String(), "\n")
	names, ok := strings.CutPrefix(first, "not ready: ")
	require.True(t, ok, "body %q", w.Body.String())
	return strings.Split(names, ", ")
}

func TestReadyzNamesEveryFailingCheckUntilAllPass(t *testing.T) {
	broker := &fakePinger{}
	broker.fail(errors.New("connection refused"))
	transport, quests := &fakeAssigner{}, &fakeAssigner{}
	var restored rest.Flag
	r := rest.NewReadiness(time.Second).
		Add(rest.CheckBroker, rest.BrokerReachable(broker)).
		Add(rest.CheckPartitions, rest.PartitionsAssigned(transport, quests)).
		Add(rest.CheckRestored, restored.Check)
	h := rest.New(rest.Deps{Log: zaptest.NewLogger(t), Metrics: metrics.New(), Ready: r.Ready})

	assert.Equal(t, []string{"broker_reachable", "partitions_assigned", "state_restored"}, failing(t, h))
	body := get(h, "/readyz").Body.String()
	assert.Contains(t, body, "broker_reachable: connection refused")
	assert.Contains(t, body, "partitions_assigned: 2 of 2 consumer groups have no partition assigned")

	broker.err.Store(nil)
	assert.Equal(t, []string{"partitions_assigned", "state_restored"}, failing(t, h))
	transport.n.Store(4)
	assert.Equal(t, []string{"partitions_assigned", "state_restored"}, failing(t, h), "every group needs partitions")
	quests.n.Store(1)
	assert.Equal(t, []string{"state_restored"}, failing(t, h))
	restored.Set(true)
	assert.Nil(t, failing(t, h))
	assert.Equal(t, http.StatusOK, get(h, "/healthz").Code)

	// Losing a condition makes the replica unready again.
	quests.n.Store(0)
	assert.Equal(t, []string{"partitions_assigned"}, failing(t, h))
}

func TestHealthzDoesNotDependOnReadiness(t *testing.T) {
	var never rest.Flag
	r := rest.NewReadiness(time.Second).Add(rest.CheckRestored, never.Check)
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
	var restored rest.Flag
	r := rest.NewReadiness(time.Second).
		Add(rest.CheckBroker, rest.BrokerReachable(newAdminPinger(t, b.Bootstrap()))).
		Add(rest.CheckPartitions, rest.PartitionsAssigned(pl)).
		Add(rest.CheckRestored, restored.Check)
	h := rest.New(rest.Deps{Log: zaptest.NewLogger(t), Metrics: metrics.New(), Ready: r.Ready})

	assert.Equal(t, []string{"partitions_assigned", "state_restored"}, failing(t, h), "before subscribing")
	start()
	kafkatest.Eventually(t, 20*time.Second, "partitions assigned", func() bool { return pl.Assigned() > 0 })
	assert.Equal(t, []string{"state_restored"}, failing(t, h), "assigned, not restored")
	restored.Set(true)
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
