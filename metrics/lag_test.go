package metrics_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/metrics"
)

func TestLagIsReadAtScrapeTimeByGroupTopicAndPartition(t *testing.T) {
	var calls atomic.Int32
	lag := map[string]int64{"EVENT_TOPIC_MAP_STATUS/0": 3, "EVENT_TOPIC_MAP_STATUS/11": 0, "my.topic_v2/1": 7}
	c := metrics.NewLagCollector()
	c.Add("Transport Service", func() map[string]int64 { calls.Add(1); return lag })
	c.Add("Party Quest Service", func() map[string]int64 {
		return map[string]int64{"EVENT_TOPIC_MAP_STATUS/0": 5, "no-partition": 1, "bad/x": 2, "/3": 4}
	})
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(c))
	assert.Zero(t, calls.Load(), "nothing runs until a scrape")

	want := `
# HELP transitquest_consumer_lag High watermark minus position, by consumer group, topic and partition.
# TYPE transitquest_consumer_lag gauge
transitquest_consumer_lag{group="Party Quest Service",partition="0",topic="EVENT_TOPIC_MAP_STATUS"} 5
transitquest_consumer_lag{group="Transport Service",partition="0",topic="EVENT_TOPIC_MAP_STATUS"} 3
transitquest_consumer_lag{group="Transport Service",partition="11",topic="EVENT_TOPIC_MAP_STATUS"} 0
transitquest_consumer_lag{group="Transport Service",partition="1",topic="my.topic_v2"} 7
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "transitquest_consumer_lag"))
	assert.Equal(t, int32(1), calls.Load())

	// A revoked partition disappears at the next scrape.
	lag = map[string]int64{"EVENT_TOPIC_MAP_STATUS/0": 1}
	assert.Equal(t, 2, testutil.CollectAndCount(c))
	problems, err := testutil.GatherAndLint(reg)
	require.NoError(t, err)
	assert.Empty(t, problems)
}

func TestLagWithoutSourcesIsEmpty(t *testing.T) {
	assert.Zero(t, testutil.CollectAndCount(metrics.NewLagCollector()))
}
