package kafkatest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/kafka"
)

// Environment of a broker process: the test binary re-executed with these
// set runs a kfake broker instead of its tests (see BrokerProcessMain).
const (
	envProcPort = "KAFKATEST_BROKER_PROCESS_PORT"
	envProcDir  = "KAFKATEST_BROKER_PROCESS_DIR"
)

// BrokerProcessMain runs a kfake broker and never returns when the test
// binary was started as a broker process by StartBrokerProcess; otherwise
// it returns at once. A package whose tests use StartBrokerProcess calls it
// first thing, from TestMain or from an init function of a test file.
func BrokerProcessMain() {
	port := os.Getenv(envProcPort)
	if port == "" {
		return
	}
	os.Exit(runBrokerProcess(port, os.Getenv(envProcDir)))
}

func runBrokerProcess(port, dir string) int {
	p, err := strconv.Atoi(port)
	if err != nil || dir == "" {
		fmt.Fprintf(os.Stderr, "broker process: want %s (a port) and %s, got %q, %q\n", envProcPort, envProcDir, port, dir)
		return 2
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	names, _ := contractNames()
	plain, compacted := kafka.EmbeddedTopics(names)
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Port: p, Partitions: Partitions, Topics: plain, Compacted: compacted, DataDir: dir})
	if err != nil {
		fmt.Fprintf(os.Stderr, "broker process: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "broker process: listening on %s, data in %s\n", e.Bootstrap(), dir)
	<-sig
	e.Close()
	return 0
}

// brokerProcess is a kfake broker in a child process with its log in a
// directory that outlives it, on a port that stays the same.
type brokerProcess struct {
	addr string
	port int
	dir  string
	logs string
	cmd  *exec.Cmd
	done chan struct{}
}

// StartBrokerProcess starts a kfake broker as a process of its own (the
// test binary, re-executed; the test package must call BrokerProcessMain).
// Stop ends it with SIGTERM, as a broker restart does, and Crash with
// SIGKILL; Start runs a new process on the same port and data directory,
// which recovers what the old one had written (transactions left open are
// aborted). On the mock broker the test
// is skipped: the mock lives inside the test process.
func StartBrokerProcess(t testing.TB) *Broker {
	t.Helper()
	SkipOnMock(t, "the broker process is kfake (librdkafka's mock cluster cannot run in a process of its own or keep its data)")
	names, _ := contractNames()
	l, err := net.Listen("tcp", "127.0.0.1:0") // only to pick a free port
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	dir := t.TempDir()
	bp := &brokerProcess{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), port: port,
		dir: filepath.Join(dir, "data"), logs: filepath.Join(dir, "broker.log")}
	b := &Broker{Names: names, kind: Kfake, proc: bp, dataDir: bp.dir, port: port}
	t.Cleanup(func() {
		b.Close()
		if t.Failed() {
			out, _ := os.ReadFile(bp.logs)
			t.Logf("broker process log:\n%s", out)
		}
	})
	bp.start(t)
	return b
}

// start runs the process and waits until it accepts connections.
func (p *brokerProcess) start(t testing.TB) {
	t.Helper()
	logs, err := os.OpenFile(p.logs, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	defer logs.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envProcPort+"="+strconv.Itoa(p.port), envProcDir+"="+p.dir)
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	p.cmd, p.done = cmd, done
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", p.addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-done:
			out, _ := os.ReadFile(p.logs)
			t.Fatalf("broker process exited before listening on %s:\n%s", p.addr, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("broker process not listening on %s within 30s: %v", p.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone (and its port
// free); a process already gone is left alone.
func (p *brokerProcess) kill() { p.signal(syscall.SIGKILL) }

// stop sends SIGTERM, so the broker closes as in a restart and writes what
// it keeps in memory, and waits for the process to be gone.
func (p *brokerProcess) stop() { p.signal(syscall.SIGTERM) }

func (p *brokerProcess) signal(s syscall.Signal) {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(s)
	<-p.done
	p.cmd = nil
}

// EnvCrashTests enables the tests that SIGKILL a broker process: they
// fail today on kfake (see CrashTests) and run only when it is "1".
const EnvCrashTests = "KAFKATEST_BROKER_CRASH"

// CrashTests skips the test unless KAFKATEST_BROKER_CRASH=1, naming the
// known failure: after a kfake broker process is SIGKILLed and restarted on
// its data, effects can come out twice for a read_committed reader (both
// copies from the same producer id and epoch), or a consumer can stop
// making progress while /readyz says ready. The likely cause (not yet
// proven): kfake keeps transactions in
// progress and staged transactional offsets only in the session state it
// writes on a clean shutdown, which a SIGKILL never reaches.
func CrashTests(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvCrashTests) != "1" {
		t.Skipf("known failure, run with %s=1: exactly once is not kept across a SIGKILLed kfake broker (duplicates, or a stall while ready)", EnvCrashTests)
	}
}
