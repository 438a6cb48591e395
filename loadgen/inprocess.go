package loadgen

import (
	"context"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/service"
)

// Consumer groups of the two subsystems (actors/transport.Group and
// actors/quest.Group), waited for before the clock starts.
const (
	TransportGroup = "Transport Service"
	QuestGroup     = "Party Quest Service"
)

// StartBroker starts the embedded broker with every contract topic on
// 127.0.0.1:port (0 picks a free port).
func StartBroker(names messages.TopicNames, port int) (*kafka.Embedded, error) {
	topics, compacted := kafka.EmbeddedTopics(names)
	// Records older than three minutes are dropped (changelogs compacted):
	// every reader keeps up within seconds, and an unbounded log made the
	// broker process grow by gigabytes in a long run.
	return kafka.StartEmbedded(kafka.EmbeddedConfig{Port: port, Topics: topics, Compacted: compacted, Retention: 3 * time.Minute})
}

// InProcess is the service running inside the loadgen's process.
type InProcess struct {
	svc    *service.Service
	cancel context.CancelFunc
	done   chan error
	dir    string
}

// StartService writes the plan's configuration to a temporary folder and
// starts the whole service (service.New + Run) against bootstrap.
func StartService(ctx context.Context, bootstrap, tag string, p Plan, log *zap.Logger) (*InProcess, error) {
	dir, err := os.MkdirTemp("", "loadgen-config-")
	if err != nil {
		return nil, fmt.Errorf("config folder: %w", err)
	}
	path, err := p.WriteConfig(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	env := map[string]string{"BOOTSTRAP_SERVERS": bootstrap, "CONFIG_PATH": path, "REST_PORT": "0",
		"TRANSACTIONAL_ID_PREFIX": "loadgen-" + tag, "SHUTDOWN_TIMEOUT": "30s"}
	cfg, err := service.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("service config: %w", err)
	}
	svc, err := service.New(ctx, cfg, log)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start service: %w", err)
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	ip := &InProcess{svc: svc, cancel: cancel, done: make(chan error, 1), dir: dir}
	go func() { ip.done <- svc.Run(rctx) }()
	return ip, nil
}

// Metrics are the service's collectors.
func (ip *InProcess) Metrics() *metrics.Metrics { return ip.svc.Metrics() }

// Failed reports the service's Run error if it has already stopped.
func (ip *InProcess) Failed() error {
	select {
	case err := <-ip.done:
		ip.done <- err
		if err == nil {
			err = fmt.Errorf("service stopped")
		}
		return err
	default:
		return nil
	}
}

// Stop shuts the service down gracefully and removes its configuration.
func (ip *InProcess) Stop(timeout time.Duration) error {
	defer os.RemoveAll(ip.dir)
	ip.cancel()
	select {
	case err := <-ip.done:
		return err
	case <-time.After(timeout):
		return fmt.Errorf("service did not stop within %s", timeout)
	}
}
