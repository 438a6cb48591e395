package loadgen

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decode marshals r as report.json and reads it back generically, so the
// test sees the field names a program reading the file sees.
func decode(t *testing.T, r Report) map[string]any {
	t.Helper()
	b, err := MarshalReport(r)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

func obj(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	require.True(t, ok, "%q is %T, want an object", key, m[key])
	return v
}

func TestReportJSON(t *testing.T) {
	r := sampleReport()
	r.RecordLateness = map[string]Summary{
		LateQuestStage:    {Count: 4, P50: 1500 * time.Microsecond, P99: 7 * time.Millisecond},
		LateRideArrival:   {Count: 3, P50: 2 * time.Millisecond, P99: 3250 * time.Microsecond},
		LateRouteDeparted: {Count: 2, P50: 4 * time.Millisecond, P99: 9 * time.Millisecond}}
	r.Live = map[string]LiveStats{QuestsName: {Mean: 12, Max: 20}, RidersName: {Mean: 7, Max: 9}}
	r.DeadLettered = map[string]int{"COMMAND_TOPIC_PARTY_QUEST: conflict": 2, "COMMAND_TOPIC_PARTY_QUEST: invalid": 1, "COMMAND_TOPIC_INSTANCE_TRANSPORT: full": 4}
	r.Timeouts = map[string]int{"ride START": 5}
	r.Memory.Before = 100 << 20
	j := decode(t, r)

	assert.EqualValues(t, JSONVersion, j["version"])
	assert.Equal(t, "go run ./cmd/loadgen -quests 10", j["command"])
	assert.Equal(t, true, j["in_process"])
	assert.InDelta(t, 2000.0, j["throughput_commands_per_s"], 1e-9)
	assert.InDelta(t, 10.0, j["window_s"], 1e-9)
	assert.InDelta(t, 5.0, j["throughput_pct_of_baseline"], 1e-9)
	assert.EqualValues(t, 20000, j["completed_commands"])

	lat := obj(t, j, "latency_ms")
	assert.InDelta(t, 4.0, lat["p50"], 1e-9)
	assert.InDelta(t, 30.0, lat["p99"], 1e-9)
	assert.InDelta(t, 80.0, lat["p999"], 1e-9)

	tl := obj(t, j, "timer_lateness_ms")
	assert.InDelta(t, 1.5, obj(t, tl, "quest")["p50"], 1e-9, "milliseconds as floats")
	assert.InDelta(t, 7.0, obj(t, tl, "quest")["p99"], 1e-9)
	assert.InDelta(t, 2.0, obj(t, tl, "ride")["p50"], 1e-9)
	assert.InDelta(t, 3.25, obj(t, tl, "ride")["p99"], 1e-9)
	assert.InDelta(t, 4.0, obj(t, tl, "route")["p50"], 1e-9)
	assert.InDelta(t, 9.0, obj(t, tl, "route")["p99"], 1e-9)
	assert.InDelta(t, 1.0, obj(t, obj(t, j, "service_timer_lateness_ms"), "route")["p50"], 1e-9)

	live := obj(t, j, "live")
	assert.EqualValues(t, 12, live["quests_mean"])
	assert.EqualValues(t, 7, live["rides_mean"])

	svc := obj(t, j, "service")
	assert.Equal(t, "this process", svc["what"])
	assert.InDelta(t, 300.0, svc["rss_mib"], 1e-9)
	assert.InDelta(t, 400.0, svc["peak_rss_mib"], 1e-9)
	assert.InDelta(t, 100.0, svc["rss_before_mib"], 1e-9)
	assert.InDelta(t, 6.0, svc["cpu_s"], 1e-9)
	assert.InDelta(t, 0.6, svc["cpu_cores"], 1e-9)
	assert.InDelta(t, 300.0, svc["cpu_us_per_command"], 1e-9, "6 s over 20000 commands")

	base := obj(t, j, "baseline")
	assert.InDelta(t, 40000.0, base["records_per_s"], 1e-9)
	assert.InDelta(t, 0.5, base["cpu_s"], 1e-9)
	assert.InDelta(t, 500000.0/38000, base["cpu_us_per_record"], 1e-9)

	assert.EqualValues(t, 7, j["dead_letters"])
	assert.Equal(t, map[string]any{"COMMAND_TOPIC_PARTY_QUEST": 3.0, "COMMAND_TOPIC_INSTANCE_TRANSPORT": 4.0}, j["dead_letters_by_topic"])
	assert.EqualValues(t, 5, j["timeouts"])

	series, ok := j["series"].([]any)
	require.True(t, ok, "series is %T", j["series"])
	require.Len(t, series, 1)
	sec := series[0].(map[string]any)
	from, err := time.Parse(time.RFC3339Nano, sec["from"].(string))
	require.NoError(t, err)
	assert.True(t, from.Equal(time.Unix(1000, 0)), "from %v", from)
	assert.EqualValues(t, 20000, sec["completed"])
	assert.EqualValues(t, 20100, sec["sent"])
	assert.InDelta(t, 4.0, sec["p50_ms"], 1e-9)
	assert.InDelta(t, 30.0, sec["p99_ms"], 1e-9)
	assert.InDelta(t, 90.0, sec["max_ms"], 1e-9)
}

// What was not measured is null, not a zero that looks measured.
func TestReportJSONUnmeasured(t *testing.T) {
	r := sampleReport()
	r.Mode = "bootstrap 127.0.0.1:9092"
	r.Baseline, r.Memory, r.CPU, r.ServiceTimers = nil, MemoryStats{}, CPUStats{}, nil
	r.RecordLateness = map[string]Summary{LateRideArrival: {Count: 1, P50: time.Millisecond}}
	r.Live = map[string]LiveStats{RidersName: {Mean: 3, Max: 4}}
	r.DeadLettered, r.Timeouts = nil, nil
	j := decode(t, r)

	assert.Equal(t, false, j["in_process"])
	assert.Contains(t, j, "baseline")
	assert.Nil(t, j["baseline"], "-baseline=false")
	assert.Contains(t, j, "service_gc")
	assert.Nil(t, j["service_gc"], "not traced")
	assert.Nil(t, j["throughput_pct_of_baseline"])
	assert.NotContains(t, j, "service_timer_lateness_ms")
	tl := obj(t, j, "timer_lateness_ms")
	assert.Nil(t, tl["quest"])
	assert.Nil(t, tl["route"])
	assert.NotNil(t, tl["ride"])
	live := obj(t, j, "live")
	assert.Nil(t, live["quests_mean"], "no quests were run")
	assert.EqualValues(t, 3, live["rides_mean"])
	svc := obj(t, j, "service")
	assert.Contains(t, svc["what"], "not measured")
	for _, k := range []string{"rss_mib", "peak_rss_mib", "cpu_s", "cpu_cores", "cpu_us_per_command"} {
		assert.Contains(t, svc, k)
		assert.Nil(t, svc[k], k)
	}
	assert.EqualValues(t, 0, j["dead_letters"])
	assert.Equal(t, map[string]any{}, j["dead_letters_by_topic"])
	assert.EqualValues(t, 0, j["timeouts"])
}
