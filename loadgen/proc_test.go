package loadgen

import (
	"encoding/binary"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStat(t *testing.T) {
	// The command name holds spaces and parentheses, one of them a ") S 7"
	// that would fool a parser counting fields from the first ')'.
	line := "4242 (my (odd) S 7 name) S 1 4242 4242 0 -1 4194560 1234 0 5 0 1500 250 3 4 20 0 9 0 12345 1000 10 18446744073709551615\n"
	u, s, err := ParseStat(line)
	require.NoError(t, err)
	assert.Equal(t, uint64(1500), u)
	assert.Equal(t, uint64(250), s)

	for _, bad := range []string{"", "4242 no parentheses 1 2 3", "4242 (x) S 1 2 3", "4242 (x) S 1 4242 4242 0 -1 4194560 1234 0 5 0 x 250"} {
		_, _, err := ParseStat(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestTicks(t *testing.T) {
	assert.Equal(t, 1500*time.Millisecond, ticks(150, 100))
	assert.Equal(t, 2*time.Second+250*time.Millisecond, ticks(2304, 1024))
	assert.Equal(t, time.Duration(0), ticks(0, 100))
}

func TestParseAuxv(t *testing.T) {
	for _, size := range []int{4, 8} {
		var b []byte
		for _, w := range []uint64{6, 4096, atClkTck, 100, atNull, 0, atClkTck, 7} {
			if size == 4 {
				b = binary.NativeEndian.AppendUint32(b, uint32(w))
			} else {
				b = binary.NativeEndian.AppendUint64(b, w)
			}
		}
		hz, ok := parseAuxv(b, size, atClkTck)
		assert.True(t, ok, "word size %d", size)
		assert.Equal(t, uint64(100), hz)
		_, ok = parseAuxv(b, size, 99)
		assert.False(t, ok, "entries after AT_NULL are not read")
	}
	assert.Positive(t, ClockTicks())
}

func TestReadCPU(t *testing.T) {
	self0, err := ReadCPU(0)
	require.NoError(t, err)
	proc0, err := ReadCPU(os.Getpid())
	require.NoError(t, err)
	// Burn 200 ms of CPU, however long a busy machine takes to grant it.
	for end := time.Now().Add(20 * time.Second); ; {
		now, err := ReadCPU(0)
		require.NoError(t, err)
		if now-self0 >= 200*time.Millisecond {
			break
		}
		require.True(t, time.Now().Before(end), "getrusage never counted 200 ms of spinning")
	}
	proc1, err := ReadCPU(os.Getpid())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, proc1-proc0, 150*time.Millisecond, "/proc/<pid>/stat saw the spin too")
	_, err = ReadCPU(1 << 30)
	assert.Error(t, err, "no such process")
}

func TestReadThreadsCPU(t *testing.T) {
	burn := time.Now()
	for time.Since(burn) < 20*time.Millisecond { // some CPU on this process's threads
	}
	th, err := ReadThreadsCPU(0)
	require.NoError(t, err)
	require.NotEmpty(t, th)
	var total time.Duration
	for name, cpu := range th {
		assert.NotEmpty(t, name)
		assert.GreaterOrEqual(t, cpu, time.Duration(0))
		total += cpu
	}
	assert.Positive(t, total)
}
