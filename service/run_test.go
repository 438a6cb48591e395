package service

import (
	"context"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka/kafkatest"
)

// Frames that only goroutines started by Run (its closures) or by a
// Pipeline and its outbox have. Matching on frames rather than on the
// goroutine total keeps the check exact: the broker, the actor system and
// the Kafka clients run goroutines of their own that come and go.
const runFrame = "transitquest/service.(*Service).Run.func"

var pipelineFrames = []string{"transitquest/kafka.(*Pipeline).", "transitquest/kafka.(*Outbox)."}

// goroutinesWith returns the stacks of the live goroutines that have a
// frame containing one of frames.
func goroutinesWith(frames ...string) []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, f := range frames {
			if strings.Contains(g, f) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

func newTestService(t *testing.T, b *kafkatest.Broker) *Service {
	t.Helper()
	env := map[string]string{"BOOTSTRAP_SERVERS": b.Bootstrap(), "REST_PORT": "0", "CHANGELOG_PARTITIONS": "4",
		"TRANSACTIONAL_ID_PREFIX": "run-test-" + t.Name(), "SHUTDOWN_TIMEOUT": "20s"}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	s, err := New(context.Background(), cfg, zaptest.NewLogger(t))
	require.NoError(t, err)
	require.Len(t, s.pipes, 4, "both subsystems run by default, each as an ingress and an actors stage")
	return s
}

func runAsync(ctx context.Context, s *Service) <-chan error {
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return done
}

func waitRun(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(90 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// assertNothingLeft checks Run's own goroutines are gone the moment it
// returns, and the pipelines' soon after: the outbox's wrapper goroutine
// may still be returning after Close saw the outbox finish.
func assertNothingLeft(t *testing.T) {
	t.Helper()
	assert.Empty(t, goroutinesWith(runFrame), "goroutines started by Run outlive it")
	assert.Eventually(t, func() bool { return len(goroutinesWith(pipelineFrames...)) == 0 },
		10*time.Second, 10*time.Millisecond, "pipeline goroutines outlive Run: %v", goroutinesWith(pipelineFrames...))
}

func TestRunLeavesNoGoroutineBehind(t *testing.T) {
	b := kafkatest.StartBroker(t)
	s := newTestService(t, b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := runAsync(ctx, s)
	// One error forwarder per pipeline and Serve: seeing them proves the
	// frame match finds what the check after Run must not find.
	require.Eventually(t, func() bool { return len(goroutinesWith(runFrame)) == len(s.pipes)+1 },
		60*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, waitRun(t, done))
	assertNothingLeft(t)
}

func TestRunShutsDownWhatStartedWhenAPipelineCannotStart(t *testing.T) {
	b := kafkatest.StartBroker(t)
	s := newTestService(t, b)
	// A closed pipeline cannot subscribe: the second Start fails after the
	// first pipeline is already consuming.
	require.NoError(t, s.pipes[1].Close(context.Background()))
	err := waitRun(t, runAsync(context.Background(), s))
	require.ErrorContains(t, err, "subscribe", "Start's error is returned")
	assert.Error(t, s.pipes[0].Ping(context.Background()), "the started pipeline is closed")
	if c, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
		c.Close()
		t.Error("the REST listener is still open")
	}
	assertNothingLeft(t)
}
