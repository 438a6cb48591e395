package actors

import (
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/clock"
)

// deliveries records what a timer queue delivers.
type deliveries struct {
	mu  sync.Mutex
	got []string
	fs  map[string]TimerFired
}

func (d *deliveries) deliver(name string, f TimerFired) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got = append(d.got, name)
	d.fs[name] = f
}

func (d *deliveries) names() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.got...)
}

// The queue delivers each armed deadline once, earliest first, each at its
// own instant, from one clock timer: a stopped or moved deadline is not
// delivered at its old instant, and one moved earlier than the clock
// timer moves the clock timer.
func TestTimerQueueFiresDeadlinesInOrder(t *testing.T) {
	start := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)
	pending := prometheus.NewGauge(prometheus.GaugeOpts{Name: "pending"})
	d := &deliveries{fs: map[string]TimerFired{}}
	q := newTimerQueue(clk, pending, d.deliver)
	a, b, c, e := q.timer("a"), q.timer("b"), q.timer("c"), q.timer("e")

	a.Arm(start.Add(3 * time.Minute))
	b.Arm(start.Add(2 * time.Minute))
	c.Arm(start.Add(5 * time.Minute))
	e.Arm(start.Add(4 * time.Minute))
	e.Stop()
	c.Arm(start.Add(time.Minute)) // earlier than the clock timer
	assert.Equal(t, 3.0, testutil.ToFloat64(pending))
	assert.Equal(t, 1, clk.Pending(), "one clock timer for the queue")

	clk.Advance(90 * time.Second)
	assert.Equal(t, []string{"c"}, d.names())
	clk.Advance(10 * time.Minute)
	assert.Equal(t, []string{"c", "b", "a"}, d.names(), "earliest first; the stopped one never")
	assert.Zero(t, testutil.ToFloat64(pending))

	// A fire is the timer's until a re-arm or a stop makes it stale.
	assert.True(t, a.Accept(d.fs["a"]))
	assert.False(t, a.Accept(d.fs["a"]), "accepted once")
	b.Arm(start.Add(20 * time.Minute))
	assert.False(t, b.Accept(d.fs["b"]), "re-armed since")
	c.Stop()
	assert.False(t, c.Accept(d.fs["c"]), "stopped since")

	q.close()
	assert.Zero(t, clk.Pending(), "the clock timer stops with the queue")
	assert.Zero(t, testutil.ToFloat64(pending))
	a.Arm(start.Add(30 * time.Minute))
	assert.Zero(t, clk.Pending(), "nothing is queued once closed")
}

// A deadline already past when armed fires at the clock's next move (at
// once on the real clock), as a plain clock timer would.
func TestTimerQueueFiresAPastDeadline(t *testing.T) {
	start := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	clk := clock.NewFake(start)
	d := &deliveries{fs: map[string]TimerFired{}}
	q := newTimerQueue(clk, prometheus.NewGauge(prometheus.GaugeOpts{Name: "pending"}), d.deliver)
	a := q.timer("a")
	a.Arm(start.Add(-time.Second))
	clk.Advance(time.Millisecond)
	require.Equal(t, []string{"a"}, d.names())
	assert.Equal(t, start.Add(-time.Second), d.fs["a"].Due)
}
