package presence

import (
	"runtime"
	"testing"
)

// BenchmarkEnter moves characters between fields of a 100k-character index.
func BenchmarkEnter(b *testing.B) {
	x := populated(100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := uint32(i % 100_000)
		// A different map on every pass, so each call really moves c.
		x.Enter(c, loc(byte(c%3), byte(c%20), uint32(100+(i+1+i/100_000)%500)))
	}
}

// BenchmarkSweep sweeps two maps over 60 channels with 100k characters online.
func BenchmarkSweep(b *testing.B) {
	x := populated(100_000)
	b.ReportAllocs()
	for b.Loop() {
		x.Sweep([]uint32{100, 101}, 1, 0)
	}
}

// TestMemoryPer100k logs the heap cost of a 100k-character tenant.
func TestMemoryPer100k(t *testing.T) {
	if testing.Short() {
		t.Skip("memory measurement")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	x := populated(100_000)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("100k characters: %.1f MB heap", float64(after.HeapAlloc-before.HeapAlloc)/1e6)
	runtime.KeepAlive(x)
}

// populated spreads n characters over 3 worlds x 20 channels x 500 maps.
func populated(n int) *Index {
	x := New()
	for i := 0; i < n; i++ {
		c := uint32(i)
		x.Enter(c, loc(byte(c%3), byte(c%20), uint32(100+c%500)))
	}
	return x
}
