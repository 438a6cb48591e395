// Package servicetest runs the whole service in-process for a test.
package servicetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/service"
)

// Run configures the service from env (as its environment variables) and
// runs it for the test's lifetime: cleanup stops it and requires Run to
// end without error.
func Run(t testing.TB, env map[string]string) *service.Service {
	t.Helper()
	cfg, err := service.ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	svc, err := service.New(ctx, cfg, zaptest.NewLogger(t))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return svc
}
