package main

import (
	"io"
	"math"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
)

func TestGOGCDefaultsTo200UnlessSet(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)

	setGCDefaults(func(string) string { return "" }, noCgroup)
	require.Equal(t, defaultGOGC, debug.SetGCPercent(100), "unset: the service's default")

	setGCDefaults(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	}, noCgroup)
	require.Equal(t, 100, debug.SetGCPercent(100), "set: the runtime's reading of GOGC stands")
}

func noCgroup(string) ([]byte, error) { return nil, os.ErrNotExist }

func TestMemoryLimitFollowsTheContainerUnlessSet(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(prev)
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	unset := func(string) string { return "" }
	cgroup := func(v1, v2 string) func(string) ([]byte, error) {
		return func(f string) ([]byte, error) {
			switch {
			case strings.HasSuffix(f, "memory.max") && v2 != "":
				return []byte(v2 + "\n"), nil
			case strings.HasSuffix(f, "memory.limit_in_bytes") && v1 != "":
				return []byte(v1 + "\n"), nil
			}
			return nil, os.ErrNotExist
		}
	}

	require.Equal(t, int64(800<<20), setGCDefaults(unset, cgroup("", "1048576000")), "cgroup v2: 80 % of the limit")
	require.Equal(t, int64(800<<20), debug.SetMemoryLimit(-1))
	require.Equal(t, int64(400<<20), setGCDefaults(unset, cgroup("524288000", "")), "cgroup v1")
	debug.SetMemoryLimit(math.MaxInt64)
	require.Zero(t, setGCDefaults(unset, cgroup("", "max")), "no container limit")
	require.Zero(t, setGCDefaults(unset, cgroup("9223372036854771712", "")), "v1's unlimited")
	require.Zero(t, setGCDefaults(unset, noCgroup), "not in a cgroup")
	require.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1), "no limit set in any of these")
	require.Zero(t, setGCDefaults(func(k string) string {
		if k == "GOMEMLIMIT" {
			return "2GiB"
		}
		return ""
	}, cgroup("", "1048576000")), "GOMEMLIMIT set: the operator's value stands")
	require.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1))
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

func TestGOMAXPROCSRaisedOnlyOnASmallMachineUnlessSetOrLimited(t *testing.T) {
	unset := func(string) string { return "" }
	set := func(k string) string {
		if k == "GOMAXPROCS" {
			return "2"
		}
		return ""
	}
	require.Equal(t, minProcs, procsDefault(unset, 2, 2), "2 CPUs, no limit: raised")
	require.Equal(t, minProcs, procsDefault(unset, 1, 1), "1 CPU, no limit: raised")
	require.Zero(t, procsDefault(set, 2, 2), "GOMAXPROCS set: the runtime's reading stands")
	require.Zero(t, procsDefault(unset, 8, 2), "a container's CPU limit of 2 on 8 CPUs: kept, more would be throttled")
	require.Zero(t, procsDefault(unset, 4, 4), "4 CPUs: already a dedicated mark worker")
	require.Zero(t, procsDefault(unset, 16, 16), "a large machine: kept")
}

func TestGOMAXPROCSDefaultReachesTheRuntime(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	require.Zero(t, setProcsDefault(func(k string) string {
		if k == "GOMAXPROCS" {
			return "2"
		}
		return ""
	}, 2), "GOMAXPROCS set")
	require.Equal(t, 2, runtime.GOMAXPROCS(0))
	require.Equal(t, minProcs, setProcsDefault(func(string) string { return "" }, 2), "unset, 2 CPUs")
	require.Equal(t, minProcs, runtime.GOMAXPROCS(0))
}
