package ride

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
)

// The benchmarks model the target load: 100,000 simultaneous rides over 1,000
// routes, 100 rides per route, 10 seats per instance.
const (
	benchRoutes   = 1000
	benchPerRoute = 100
	benchRides    = benchRoutes * benchPerRoute
)

func benchRoute(i int) Route {
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[8:], uint64(i+1))
	return Route{
		ID: id, Name: "bench", StartMapID: 1, TransitMapID: 2, DestinationMapID: 3,
		Capacity: 10, BoardingWindow: 10 * time.Minute, Travel: 20 * time.Minute,
	}
}

func benchMachines() []*Machine {
	ms := make([]*Machine, benchRoutes)
	for i := range ms {
		g := &idGen{}
		ms[i] = New(benchRoute(i), g.next)
	}
	return ms
}

// boardAll puts benchPerRoute riders on every machine, all at t0.
func boardAll(b *testing.B, ms []*Machine) {
	for c := 0; c < benchRides; c++ {
		if _, _, err := ms[c%benchRoutes].Start(0, uint32(c+1), 1, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStart: one op is one START (join or create) on a machine of a
// 1,000-route fleet filling up to 100 rides per route.
func BenchmarkStart(b *testing.B) {
	ms := benchMachines()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := i % benchRides
		if c == 0 && i > 0 {
			b.StopTimer()
			ms = benchMachines()
			b.StartTimer()
		}
		if _, _, err := ms[c%benchRoutes].Start(0, uint32(c+1), 1, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTick: one op is the arrival Tick of one route, landing its 100
// riders (10 instances; 200 records).
func BenchmarkTick(b *testing.B) {
	arrival := t0.Add(30 * time.Minute)
	var ms []*Machine
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := i % benchRoutes
		if r == 0 {
			b.StopTimer()
			ms = benchMachines()
			boardAll(b, ms)
			for _, m := range ms {
				m.Tick(t0.Add(10 * time.Minute)) // boarding closes
			}
			b.StartTimer()
		}
		ended, _ := ms[r].Tick(arrival)
		if len(ended) != benchPerRoute {
			b.Fatalf("landed %d", len(ended))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPerRoute), "ns/ride")
}

// BenchmarkTickIdle: a Tick with nothing due on a route with 100 riders.
func BenchmarkTickIdle(b *testing.B) {
	ms := benchMachines()[:1]
	for c := 0; c < benchPerRoute; c++ {
		ms[0].Start(0, uint32(c+1), 1, t0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ms[0].Tick(t0.Add(time.Minute))
	}
}

// BenchmarkMemoryPerRide boards 100,000 riders over 1,000 routes and reports
// the live heap they keep (machine state and indexes, not the records).
func BenchmarkMemoryPerRide(b *testing.B) {
	var perRide float64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ms := benchMachines()
		boardAll(b, ms)
		runtime.GC()
		runtime.ReadMemStats(&after)
		perRide += float64(after.HeapAlloc-before.HeapAlloc) / benchRides
		runtime.KeepAlive(ms)
	}
	b.ReportMetric(perRide/float64(b.N), "bytes/ride")
}
