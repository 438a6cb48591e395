package main

import (
	"io"
	"net/http"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
)

func TestGOGCDefaultsTo200UnlessSet(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)

	setGCDefaults(func(string) string { return "" })
	require.Equal(t, defaultGOGC, debug.SetGCPercent(100), "unset: the service's default")

	setGCDefaults(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	require.Equal(t, 100, debug.SetGCPercent(100), "set: the runtime's reading of GOGC stands")
}

func TestPprofServesProfilesUntilStopped(t *testing.T) {
	addr, stop, err := servePprof("127.0.0.1:0", zap.NewNop())
	require.NoError(t, err)
	resp, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NotEmpty(t, body)
	stop()
	_, err = http.Get("http://" + addr + "/debug/pprof/cmdline")
	require.Error(t, err, "nothing listens once stopped")

	_, _, err = servePprof("not an address", zap.NewNop())
	require.ErrorContains(t, err, "PPROF_ADDR")
}
