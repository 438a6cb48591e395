package chaos

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A child that ignores nothing stops on SIGTERM; stop kills one that does
// not exit in time; kill waits until it is gone.
func TestProcStopAndKill(t *testing.T) {
	dir := t.TempDir()
	p, err := startProc("sleeper", "sleep", []string{"30"}, nil, filepath.Join(dir, "sleeper.log"))
	require.NoError(t, err)
	require.False(t, p.exited())
	require.Error(t, p.stop(5*time.Second), "sleep dies of SIGTERM: a non-zero exit")
	require.True(t, p.exited())

	trapLog := filepath.Join(dir, "trap.log")
	trap, err := startProc("trap", "sh", []string{"-c", "trap '' TERM; echo trapped; sleep 30"}, nil, trapLog)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(trapLog)
		return strings.Contains(string(b), "trapped")
	}, 10*time.Second, 10*time.Millisecond, "the shell ignores SIGTERM")
	start := time.Now()
	err = trap.stop(300 * time.Millisecond)
	require.ErrorContains(t, err, "killed")
	require.Less(t, time.Since(start), 5*time.Second)
	require.True(t, trap.exited())

	k, err := startProc("killed", "sleep", []string{"30"}, nil, filepath.Join(dir, "killed.log"))
	require.NoError(t, err)
	k.kill()
	require.True(t, k.exited())
}
