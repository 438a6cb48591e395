package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/rest"
)

// The test binary doubles as a kfake broker process for
// TestBrokerProcessKilledMidRunEffectsExactlyOnce (it returns at once
// otherwise). An init function, so TestMain stays as it is.
func init() { kafkatest.BrokerProcessMain() }

// faultRoute is an instance route whose instances board for an hour, ten
// riders each: every START gives exactly one STARTED and one CHANGE_MAP for
// its character while a test runs, whatever the timing.
var faultRoute = uuid.MustParse("5b0d4c61-8a1e-4d57-9a55-3f3c7f0e2a11")

func writeFaultConfig(t *testing.T) string {
	t.Helper()
	cfg := map[string]any{"tenants": []any{map[string]any{
		"id": kafkatest.Tenant.ID.String(), "region": kafkatest.Tenant.Region,
		"majorVersion": kafkatest.Tenant.MajorVersion, "minorVersion": kafkatest.Tenant.MinorVersion,
		"instanceRoutes": []any{map[string]any{
			"id": faultRoute.String(), "name": "fault-train", "startMapId": 103000100,
			"transitMapId": 103000302, "destinationMapId": 103000310, "capacity": 10,
			"boardingWindow": "1h", "travel": "1h",
		}},
	}}}
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path
}

// runFaultService runs the transport subsystem in-process and returns the
// base URL of its REST API.
func runFaultService(t *testing.T, b *kafkatest.Broker) string {
	t.Helper()
	svc := runService(t, b, map[string]string{"CONFIG_PATH": writeFaultConfig(t), "SUBSYSTEMS": "transport",
		"SHUTDOWN_TIMEOUT": "30s"})
	return "http://" + svc.Addr()
}

// sendStarts produces a START for every character in [from, to) without
// waiting for each (a slow broker would make one-by-one sends crawl), then
// waits until the broker has all of them.
func sendStarts(t *testing.T, b *kafkatest.Broker, c *kgo.Client, from, to uint32) {
	t.Helper()
	require.NoError(t, produceStarts(b, c, from, to))
}

func produceStarts(b *kafkatest.Broker, c *kgo.Client, from, to uint32) error {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var mu sync.Mutex
	var errs []error
	for ch := from; ch < to; ch++ {
		raw, err := json.Marshal(messages.CharacterEvent[messages.StartTransportBody]{CharacterID: ch, Type: messages.TypeStart,
			Body: messages.StartTransportBody{RouteID: faultRoute, ChannelID: 1}})
		if err != nil {
			return err
		}
		r := &kgo.Record{Topic: b.Names.Name(messages.CommandTopicInstanceTransport), Key: messages.IntKey(ch), Value: raw,
			Headers: kafkatest.Headers(kafkatest.Tenant)}
		c.Produce(ctx, r, func(_ *kgo.Record, err error) {
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	if err := c.Flush(ctx); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d STARTs not produced, first: %w", len(errs), to-from, errs[0])
	}
	return nil
}

// handled reports whether every character in [from, to) has its STARTED
// and its CHANGE_MAP among the records.
func handled(t *testing.T, rs []*kgo.Record, from, to uint32) bool {
	k := typesOf(t, rs)
	for ch := from; ch < to; ch++ {
		if k[fmt.Sprintf("STARTED/%d", ch)] == 0 || k[fmt.Sprintf("CHANGE_MAP/%d", ch)] == 0 {
			return false
		}
	}
	return true
}

// assertEffects checks every character in [1, n] has its two effects:
// exactly once on kfake (and nothing else was emitted), at least once on
// the mock, which neither commits offsets with a transaction nor fences.
func assertEffects(t *testing.T, b *kafkatest.Broker, rs []*kgo.Record, n uint32) {
	t.Helper()
	k := typesOf(t, rs)
	for ch := uint32(1); ch <= n; ch++ {
		for _, typ := range []string{"STARTED", "CHANGE_MAP"} {
			key := fmt.Sprintf("%s/%d", typ, ch)
			if b.ExactlyOnce() {
				assert.Equal(t, 1, k[key], "%s exactly once", key)
			} else {
				assert.GreaterOrEqual(t, k[key], 1, "%s at least once", key)
			}
		}
	}
	if b.ExactlyOnce() {
		assert.Len(t, k, int(2*n), "no effect but a STARTED and a CHANGE_MAP per input")
	}
}

// readyState is one answer of /readyz: its status code and the checks it
// names as failing (0 and the error when it did not answer).
type readyState struct {
	code    int
	failing []string
	err     error
}

func probeReadyz(base string) readyState {
	c := http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(base + "/readyz")
	if err != nil {
		return readyState{err: err}
	}
	defer res.Body.Close()
	var body struct {
		Checks []struct {
			Name string `json:"name"`
			OK   bool   `json:"ok"`
		} `json:"checks"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return readyState{code: res.StatusCode, err: err}
	}
	st := readyState{code: res.StatusCode}
	for _, c := range body.Checks {
		if !c.OK {
			st.failing = append(st.failing, c.Name)
		}
	}
	return st
}

// waitReadyz polls /readyz until cond holds or fails the test at the
// deadline; it returns how long it took.
func waitReadyz(t *testing.T, base string, timeout time.Duration, what string, cond func(readyState) bool) time.Duration {
	t.Helper()
	start := time.Now()
	var last readyState
	for {
		if last = probeReadyz(base); cond(last) {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			t.Fatalf("/readyz: %s not within %s; last answer %d failing %v (%v)", what, timeout, last.code, last.failing, last.err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func isReady(s readyState) bool { return s.err == nil && s.code == http.StatusOK }

func brokerUnreachable(s readyState) bool {
	return s.err == nil && s.code == http.StatusServiceUnavailable && slices.Contains(s.failing, rest.CheckBroker)
}

// A slow broker (every answer 750 ms late) slows the service down but does
// not stop it: the inputs sent meanwhile all take effect, and once the
// delay is gone a second batch is handled at normal speed.
//
// /readyz stays 200 throughout, and the test requires it: a broker that
// answers within the probe's 2 s budget is reachable, partitions stay
// assigned, and every replica shares the same broker, so taking this one
// out of rotation would serve nobody better. A broker slower than the
// budget would show as broker_reachable failing (the down/up test).
func TestSlowBrokerInputsKeepFlowingAndStayReady(t *testing.T) {
	kafkatest.RequireMock(t, "the round-trip delay is the mock cluster's SetRoundtripDuration; kfake has no per-answer delay")
	b := kafkatest.StartBroker(t)
	base := runFaultService(t, b)
	waitReadyz(t, base, 60*time.Second, "ready at start", isReady)
	in := b.Client(t)
	out := b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport)

	const n = 100
	b.SetRoundtrip(t, 750*time.Millisecond)
	var (
		mu     sync.Mutex
		probes []readyState
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			s := probeReadyz(base)
			mu.Lock()
			probes = append(probes, s)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(250 * time.Millisecond):
			}
		}
	})
	slow := time.Now()
	sendStarts(t, b, in, 1, n+1)
	out.WaitFor(180*time.Second, func(rs []*kgo.Record) bool { return handled(t, rs, 1, n+1) })
	t.Logf("%d inputs handled under a 750ms round trip in %s", n, time.Since(slow).Round(time.Millisecond))
	close(stop)
	wg.Wait()
	require.NotEmpty(t, probes)
	t.Logf("%d /readyz probes under the delay", len(probes))
	for i, p := range probes {
		assert.True(t, isReady(p), "probe %d of %d under the delay: %d failing %v (%v)", i+1, len(probes), p.code, p.failing, p.err)
	}

	b.SetRoundtrip(t, 0)
	fast := time.Now()
	sendStarts(t, b, in, n+1, 2*n+1)
	out.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return handled(t, rs, 1, 2*n+1) })
	t.Logf("%d more handled with the delay removed in %s", n, time.Since(fast).Round(time.Millisecond))
	assert.True(t, isReady(probeReadyz(base)), "ready after the delay")
	assertEffects(t, b, out.Drain(time.Second), 2*n)
}

// The broker goes down mid-run and comes back with its data: /readyz
// answers 503 naming broker_reachable while it is gone, and 200 again once
// it is back, with nobody restarting anything; inputs sent before, during
// and after the outage all take effect (exactly once on kfake, whose broker
// is closed and restarted on the same port and directory; at least once on
// the mock, whose broker is marked down and up).
func TestBrokerDownReadyzSaysSoAndServiceRecovers(t *testing.T) {
	b := kafkatest.StartPersistentBroker(t)
	base := runFaultService(t, b)
	waitReadyz(t, base, 60*time.Second, "ready at start", isReady)
	in := b.Client(t)
	out := b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport)

	const n = 100
	sendStarts(t, b, in, 1, n+1)
	out.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return handled(t, rs, 1, n+1) })

	b.Stop()
	took := waitReadyz(t, base, 30*time.Second, "503 naming "+rest.CheckBroker, brokerUnreachable)
	t.Logf("/readyz said %s was failing %s after the broker went down", rest.CheckBroker, took.Round(time.Millisecond))
	// Inputs sent while the broker is down wait in the producer for it.
	during := make(chan error, 1)
	go func() { during <- produceStarts(b, in, n+1, 2*n+1) }()
	time.Sleep(2 * time.Second) // an outage, not a blip: still down
	assert.True(t, brokerUnreachable(probeReadyz(base)), "still not ready while the broker is down")

	b.Start(t)
	took = waitReadyz(t, base, 90*time.Second, "ready again by itself", isReady)
	t.Logf("/readyz ready again %s after the broker came back", took.Round(time.Millisecond))
	select {
	case err := <-during:
		require.NoError(t, err)
	case <-time.After(120 * time.Second):
		t.Fatal("the inputs sent during the outage were never produced")
	}
	sendStarts(t, b, in, 2*n+1, 3*n+1)
	recovered := time.Now()
	out.WaitFor(120*time.Second, func(rs []*kgo.Record) bool { return handled(t, rs, 1, 3*n+1) })
	t.Logf("every input handled %s after the last batch", time.Since(recovered).Round(time.Millisecond))
	assertEffects(t, b, out.Drain(time.Second), 3*n)
}

// The broker is a process of its own, killed with SIGKILL in the middle of
// a run and started again on the same port and data directory: what it had
// written survives, the transactions it had open are aborted, the service
// recovers by itself (/readyz says broker_reachable is failing, then ready),
// and a read_committed reader sees every input's effects exactly once.
func TestBrokerProcessKilledMidRunEffectsExactlyOnce(t *testing.T) {
	kafkatest.CrashTests(t)
	brokerProcessMidRun(t, (*kafkatest.Broker).Crash)
}

// The same with the broker process stopped with SIGTERM, as a broker
// restart or upgrade does.
func TestBrokerProcessRestartedMidRunEffectsExactlyOnce(t *testing.T) {
	brokerProcessMidRun(t, (*kafkatest.Broker).Stop)
}

func brokerProcessMidRun(t *testing.T, stop func(*kafkatest.Broker)) {
	b := kafkatest.StartBrokerProcess(t) // skips on the mock, naming why
	kafkatest.RequireExactlyOnce(t, b, "nothing doubled after a broker crash")
	base := runFaultService(t, b)
	waitReadyz(t, base, 60*time.Second, "ready at start", isReady)
	in := b.Client(t)
	out := b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport)

	const n = 300
	sendStarts(t, b, in, 1, n+1)
	// Kill as soon as effects start to come out: the rest are in flight.
	seen := len(out.WaitCount(60*time.Second, 1))
	stop(b)
	t.Logf("broker stopped with %d of %d effects committed", seen, 2*n)
	took := waitReadyz(t, base, 30*time.Second, "503 naming "+rest.CheckBroker, brokerUnreachable)
	t.Logf("/readyz said %s was failing %s after the stop", rest.CheckBroker, took.Round(time.Millisecond))

	b.Start(t)
	took = waitReadyz(t, base, 90*time.Second, "ready again by itself", isReady)
	t.Logf("/readyz ready again %s after the restart", took.Round(time.Millisecond))
	sendStarts(t, b, in, n+1, 2*n+1)
	recovered := time.Now()
	out.WaitFor(120*time.Second, func(rs []*kgo.Record) bool { return handled(t, rs, 1, 2*n+1) })
	t.Logf("every input handled %s after the second batch", time.Since(recovered).Round(time.Millisecond))
	assertEffects(t, b, out.Drain(2*time.Second), 2*n)
}
