package loadgen

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/schedule"
)

func sampleReport() Report {
	t0 := time.Unix(1000, 0)
	w := Window{From: t0, To: t0.Add(10 * time.Second), Completed: 20000, Sent: 20100,
		Latency: Summary{Count: 10000, P50: 4 * time.Millisecond, P99: 30 * time.Millisecond, P999: 80 * time.Millisecond, Max: 90 * time.Millisecond, Mean: 6 * time.Millisecond}}
	return Report{Command: "go run ./cmd/loadgen -quests 10", Mode: "in-process", Quests: 10, Riders: 20, QuestsWired: true,
		Plan: PlanConfig{Tenants: 4, Routes: 250, InstanceRoutes: 250}, Warmup: 5 * time.Second, Start: t0.Add(-5 * time.Second),
		Window: w, Series: []Window{w}, Baseline: &BaselineResult{Records: 40000, Elapsed: time.Second, Transactions: 20,
			CPU: 500 * time.Millisecond, CPURecords: 38000, CPUWhat: "the whole loadgen process"},
		ServiceTimers:  map[string]HistSummary{"route": {Count: 5, P50: time.Millisecond, P99: 2 * time.Millisecond}},
		RecordLateness: map[string]Summary{"ride arrival (COMPLETED stamp)": {Count: 3, P50: 2 * time.Millisecond}},
		DeadLettered:   map[string]int{"COMMAND_TOPIC_PARTY_QUEST: conflict": 2},
		Memory:         MemoryStats{Measured: true, What: "this process", End: 300 << 20, Peak: 400 << 20},
		CPU:            CPUStats{Measured: true, What: "this process", CPU: 6 * time.Second, Over: 10 * time.Second}}
}

func TestReportFormat(t *testing.T) {
	r := sampleReport()
	assert.InDelta(t, 5.0, r.Ratio(), 1e-9)
	var b bytes.Buffer
	r.Format(&b)
	out := b.String()
	for _, want := range []string{
		"command: go run ./cmd/loadgen -quests 10",
		"completed: 20000 commands = 2000 commands/s",
		"40000 records/s",
		"service throughput = 5.00% of the practical ceiling measured in this run",
		"passthrough CPU: 13.2 µs per record (the whole loadgen process; 0.50 s over 38000 records after the first transaction)",
		"p50 4.00 ms · p99 30.00 ms · p99.9 80.00 ms",
		"TimerLateness{kind=route}: p50 1.00 ms · p99 2.00 ms",
		"dead-lettered: COMMAND_TOPIC_PARTY_QUEST: conflict 2",
		"timeouts: none",
		"RSS 300 MiB at the end of the window, peak (VmHWM) 400 MiB",
		"service CPU over the window: 6.0 s = 0.60 cores, 300 µs per command (this process; user+system over 10s)",
	} {
		assert.Contains(t, out, want)
	}
	r.QuestsWired = false
	b.Reset()
	r.Format(&b)
	assert.True(t, strings.Contains(b.String(), "NOT RUN"))
}

func TestChartIsAPNG(t *testing.T) {
	r := sampleReport()
	b, err := RenderChart(r.Series, r.Start, r.Baseline.Rate(), []GCCycle{{Start: r.Start.Add(time.Second), Mark: 500 * time.Millisecond}}, "TITLE 123")
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, 1200, img.Bounds().Dx())
	_, err = RenderChart(nil, r.Start, 0, nil, "")
	assert.NoError(t, err, "an empty run still draws")
}

func TestParseStatus(t *testing.T) {
	m, err := ParseStatus(strings.NewReader("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n"))
	require.NoError(t, err)
	assert.Equal(t, Memory{RSS: 1 << 20, Peak: 2 << 20}, m)
	_, err = ParseStatus(strings.NewReader("Name:\tx\n"))
	assert.Error(t, err)
	self, err := ReadMemory(0)
	require.NoError(t, err)
	assert.Positive(t, self.RSS)
}

// The generated configuration loads without a single problem.
func TestPlanConfigLoads(t *testing.T) {
	p := NewPlan(PlanConfig{Tenants: 2, Routes: 7, InstanceRoutes: 3, RideCapacity: 10, RideBoarding: 2 * time.Second,
		RideTravel: 5 * time.Second, QuestWait: 3 * time.Second, QuestStages: 3})
	path, err := p.WriteConfig(t.TempDir())
	require.NoError(t, err)
	cfg, problems, err := config.Load(path)
	require.NoError(t, err)
	for _, pr := range problems {
		assert.True(t, pr.Warning, "problem: %+v", pr)
	}
	require.Len(t, cfg.Tenants, 2)
	assert.Len(t, cfg.Tenants[1].Routes, 7)
	assert.Len(t, cfg.Tenants[1].InstanceRoutes, 3)
	require.Len(t, cfg.Tenants[0].QuestDefinitions, 1)
	assert.Len(t, cfg.Tenants[0].QuestDefinitions[0].Stages, 4)
	assert.Equal(t, p, NewPlan(p.Config), "deterministic")
	_, err = os.Stat(filepath.Join(filepath.Dir(path), "definitions", QuestID+".json"))
	assert.NoError(t, err)
}

func TestDeparturesLateness(t *testing.T) {
	p := NewPlan(PlanConfig{Tenants: 1, Routes: 1})
	r := p.Tenants[0].Routes[0] // boat: 4s+1s boarding, 15s cycle from midnight
	d := NewDepartures(p)
	day := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	dep := day.Add(r.BoardingWindow + r.PreDeparture + r.CycleInterval)
	l, ok := d.Lateness(r.ID, dep.Add(7*time.Millisecond))
	require.True(t, ok)
	assert.Equal(t, 7*time.Millisecond, l)
}

// Departures' arithmetic agrees with the timetable's materialised trips (the
// last departure not after the stamp, that day or the day before) for every
// route shape, at stamps around departures, midnight and the day's end.
func TestDeparturesMatchTimetableTrips(t *testing.T) {
	p := NewPlan(PlanConfig{Tenants: 1, Routes: len(routeShapes)})
	d := NewDepartures(p)
	tt, errs := schedule.NewTimetable(p.Tenants[0].Routes, nil)
	require.Empty(t, errs)
	day := time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)
	want := func(route uuid.UUID, stamp time.Time) (time.Duration, bool) {
		for _, at := range []time.Time{stamp, stamp.Add(-24 * time.Hour)} {
			trips := tt.Trips(route, at)
			for j := len(trips) - 1; j >= 0; j-- {
				if !trips[j].Departure.After(stamp) {
					return stamp.Sub(trips[j].Departure), true
				}
			}
		}
		return 0, false
	}
	for _, r := range p.Tenants[0].Routes {
		trips := tt.Trips(r.ID, day)
		require.NotEmpty(t, trips)
		var stamps []time.Time
		for _, off := range []time.Duration{0, time.Nanosecond, time.Second, 4 * time.Second, 5 * time.Second,
			5*time.Second + time.Millisecond, 17 * time.Second, time.Hour + 3*time.Millisecond} {
			stamps = append(stamps, day.Add(off))
		}
		for _, tr := range []schedule.Trip{trips[0], trips[1], trips[len(trips)/2], trips[len(trips)-1]} {
			for _, off := range []time.Duration{-time.Nanosecond, 0, time.Millisecond, 3 * time.Second, 30 * time.Second} {
				stamps = append(stamps, tr.Departure.Add(off))
			}
		}
		stamps = append(stamps, day.Add(24*time.Hour-time.Nanosecond), day.Add(-time.Nanosecond),
			day.Add(5*time.Second).In(time.FixedZone("x", -7*3600)))
		for _, s := range stamps {
			wl, wok := want(r.ID, s)
			l, ok := d.Lateness(r.ID, s)
			assert.Equal(t, wok, ok, "%s at %s", r.Name, s)
			assert.Equal(t, wl, l, "%s at %s", r.Name, s)
		}
	}
	_, ok := d.Lateness(uuid.New(), day)
	assert.False(t, ok, "unknown route")
}
