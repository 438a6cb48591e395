package metrics

import (
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// LagFunc reports consumer lag per partition, keyed "topic/partition"
// (kafka.Pipeline.Lag).
type LagFunc func() map[string]int64

// LagCollector exports transitquest_consumer_lag{group,topic,partition},
// computed when Prometheus scrapes rather than by a goroutine: each scrape
// calls every registered LagFunc. A partition appears while its group owns
// it and has a position on it.
type LagCollector struct {
	desc    *prometheus.Desc
	mu      sync.RWMutex
	sources []lagSource
}

type lagSource struct {
	group string
	lag   LagFunc
}

// NewLagCollector returns a collector with no source yet.
func NewLagCollector() *LagCollector {
	return &LagCollector{desc: prometheus.NewDesc("transitquest_consumer_lag",
		"High watermark minus position, by consumer group, topic and partition.",
		[]string{"group", "topic", "partition"}, nil)}
}

// Add registers the lag of one consumer group.
func (c *LagCollector) Add(group string, lag LagFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sources = append(c.sources, lagSource{group, lag})
}

// Describe implements prometheus.Collector.
func (c *LagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *LagCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.RLock()
	sources := c.sources
	c.mu.RUnlock()
	for _, s := range sources {
		for key, lag := range s.lag() {
			topic, partition, ok := splitPartitionKey(key)
			if !ok {
				continue
			}
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(lag), s.group, topic, partition)
		}
	}
}

// splitPartitionKey splits "topic/partition" at its last slash (Kafka topic
// names cannot contain one anyway).
func splitPartitionKey(key string) (topic, partition string, ok bool) {
	i := strings.LastIndexByte(key, '/')
	if i <= 0 {
		return "", "", false
	}
	topic, partition = key[:i], key[i+1:]
	if _, err := strconv.ParseUint(partition, 10, 31); err != nil {
		return "", "", false
	}
	return topic, partition, true
}
