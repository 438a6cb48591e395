package transport

import (
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/metrics"
)

// Deps are what every transport actor needs.
type Deps struct {
	Emitter *kafka.Emitter
	Clock   clock.Clock
	Log     *zap.Logger
	Metrics *metrics.Metrics
	// NewID generates instance ids (uuid.New when nil).
	NewID func() uuid.UUID
}

func (d Deps) shell(kind string) actors.ShellConfig {
	return actors.ShellConfig{Kind: kind, Clock: d.Clock, Log: d.Log, Metrics: d.Metrics}
}
