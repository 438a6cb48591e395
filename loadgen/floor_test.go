package loadgen

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/kafka/kafkatest"
)

func TestFloorValueReadsBackWhatItWrote(t *testing.T) {
	sent := time.Unix(1_700_000_000, 123456789)
	v := floorValue(sent, 42)
	require.Len(t, v, floorValueSize)
	got, seq, idx, ok := readFloorValue(v)
	require.True(t, ok)
	assert.True(t, got.Equal(sent))
	assert.Equal(t, uint64(42), seq)
	assert.Zero(t, idx)
	_, _, _, ok = readFloorValue(v[:16])
	assert.False(t, ok, "too short to hold a copy index")
}

func TestFanoutNumbersItsCopiesAndKeepsTheInput(t *testing.T) {
	v := floorValue(time.Now(), 7)
	outs := fanout("out", []byte("k1"), v, 3)
	require.Len(t, outs, 3)
	for i, o := range outs {
		_, seq, idx, ok := readFloorValue(o.Value)
		require.True(t, ok)
		assert.Equal(t, uint64(7), seq)
		assert.Equal(t, byte(i), idx)
		assert.Equal(t, "out", o.Topic)
		assert.Equal(t, []byte("k1"), o.Key)
	}
	assert.Zero(t, v[16], "the input's value is not written")
}

// The floor through a real broker, in both shapes: every input of the
// window comes out, Fanout times, each measured once, and the driver reads
// the stand-in's CPU (here this test's own process).
func TestFloorPassesEveryInputThrough(t *testing.T) {
	kafkatest.SkipOnMock(t, "the floor creates its topics and waits for its groups through the admin API, which the mock does not answer")
	b := kafkatest.StartBroker(t)
	for _, stages := range []int{2, 1} {
		t.Run(fmt.Sprintf("%d stages", stages), func(t *testing.T) {
			cfg := FloorConfig{Bootstrap: b.Bootstrap(), Tag: fmt.Sprint("test", stages), Fanout: 3, Stages: stages}
			ctx, cancel := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- FloorServe(ctx, cfg, zap.NewNop()) }()
			defer func() {
				cancel()
				require.NoError(t, <-served)
			}()

			res, err := RunFloor(context.Background(), FloorRun{FloorConfig: cfg, Rate: 200,
				Warmup: 500 * time.Millisecond, Duration: time.Second, Drain: 30 * time.Second})
			require.NoError(t, err)
			assert.InDelta(t, 200, res.Sent, 60, "about the rate over the window")
			assert.Equal(t, res.Sent, res.Seen, "every input of the window came out")
			assert.Equal(t, 3*res.Sent, res.Outputs, "three records per input, no more")
			assert.Equal(t, res.Sent, res.Latency.Count)
			assert.Positive(t, res.Latency.P50)
			assert.True(t, res.CPU.Measured, "the stand-in's CPU over the window")
			assert.Contains(t, res.Report(FloorRun{FloorConfig: cfg}), fmt.Sprintf("(%d stages, fanout 3", stages))
		})
	}
}
