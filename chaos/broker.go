package chaos

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
)

// envBrokerPort makes the runner's own executable, re-executed, a broker
// process instead of a runner (see BrokerProcessMain).
const envBrokerPort = "CHAOS_BROKER_PORT"

// Partitions is the partition count of every topic of the chaos broker:
// enough for three replicas to share each consumer group's inputs.
const Partitions = 12

// BrokerProcessMain runs a kfake broker until SIGTERM or SIGINT, then
// exits, when this executable was started as the runner's broker process;
// otherwise it returns at once. Every program that calls Run (cmd/chaos,
// the smoke test's TestMain) calls it first thing.
func BrokerProcessMain() {
	port := os.Getenv(envBrokerPort)
	if port == "" {
		return
	}
	os.Exit(runBroker(port))
}

func runBroker(port string) int {
	p, err := strconv.Atoi(port)
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaos broker: %s=%q is not a port\n", envBrokerPort, port)
		return 2
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	plain, compacted := kafka.EmbeddedTopics(messages.TopicNamesFromEnv(os.Getenv))
	b, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Port: p, Partitions: Partitions, Topics: plain, Compacted: compacted})
	if err != nil {
		fmt.Fprintf(os.Stderr, "chaos broker: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "chaos broker: listening on %s\n", b.Bootstrap())
	<-sig
	b.Close()
	return 0
}

// startBroker starts this executable as a broker process on a free port
// and waits until it accepts connections.
func startBroker(dir string) (*proc, string, error) {
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, "", fmt.Errorf("broker: own executable: %w", err)
	}
	p, err := startProc("broker", self, []string{"-test.run=^$"}, []string{envBrokerPort + "=" + strconv.Itoa(port)},
		filepath.Join(dir, "broker.log"))
	if err != nil {
		return nil, "", err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return p, addr, nil
		}
		if p.exited() || time.Now().After(deadline) {
			p.kill()
			return nil, "", fmt.Errorf("broker not listening on %s (see broker.log): %w", addr, err)
		}
		time.Sleep(50 * time.Millisecond) // polling a port: there is nothing to wait on
	}
}

// freePort asks the kernel for a port nobody listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
