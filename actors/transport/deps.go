package transport

import (
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/metrics"
)

// Deps are what every transport actor needs besides its effects, which
// Start hands over once the pipeline that commits them exists.
type Deps struct {
	Clock   clock.Clock
	Log     *zap.Logger
	Metrics *metrics.Metrics
	// NewID generates instance ids (uuid.New when nil).
	NewID func() uuid.UUID
	// TimerLead is how far ahead of their deadlines routes and instance
	// routes prepare their transitions, released at the deadline (0: at
	// the deadline; see actors.ShellConfig.Lead).
	TimerLead time.Duration
}

// Actor kinds, for logs and metrics.
const (
	kindDirectory = "transport-directory"
	kindRoute     = "route"
	kindRide      = "instance-route"
)

func (d Deps) env(fx actors.Effects) actors.Env {
	return actors.Env{Effects: fx, Clock: d.Clock, Log: d.Log, Metrics: d.Metrics, Dispatcher: actors.NewWorkers(actors.Throughput),
		Gate: actors.NewGate(d.Clock, d.Log)}
}
