package actors

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWorkersRunEveryScheduledFunctionWithoutBlocking(t *testing.T) {
	w := NewWorkers(Throughput)
	require.Equal(t, Throughput, w.Throughput())
	var ran atomic.Int64
	var wg sync.WaitGroup
	release := make(chan struct{})
	const n = 1000
	wg.Add(n)
	for range n {
		// Every function blocks until all are scheduled: Schedule must
		// start workers rather than wait for a busy one.
		w.Schedule(func() {
			defer wg.Done()
			<-release
			ran.Add(1)
		})
	}
	close(release)
	wg.Wait()
	require.EqualValues(t, n, ran.Load())

	// Idle workers take the next functions.
	wg.Add(n)
	for range n {
		w.Schedule(func() { ran.Add(1); wg.Done() })
	}
	wg.Wait()
	require.EqualValues(t, 2*n, ran.Load())
}

func BenchmarkWorkersSchedule(b *testing.B) {
	w := NewWorkers(Throughput)
	var wg sync.WaitGroup
	wg.Add(b.N)
	for range b.N {
		w.Schedule(wg.Done)
	}
	wg.Wait()
}
