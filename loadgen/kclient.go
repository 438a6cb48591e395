package loadgen

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/tenant"
)

// newClient returns a franz-go client for the loadgen's own traffic.
func newClient(bootstrap string, opts ...kgo.Opt) (*kgo.Client, error) {
	base := []kgo.Opt{kgo.SeedBrokers(strings.Split(bootstrap, ",")...), kgo.ProducerLinger(0),
		kgo.FetchMaxWait(100 * time.Millisecond), kgo.MaxBufferedRecords(1 << 16)}
	c, err := kgo.NewClient(append(base, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("kafka client: %w", err)
	}
	return c, nil
}

// endOffsets lists the current end offset of every partition of topics, so
// a consumer started from them sees exactly what is produced from now on.
func endOffsets(ctx context.Context, c *kgo.Client, topics ...string) (map[string]map[int32]kgo.Offset, error) {
	listed, err := kadm.NewClient(c).ListEndOffsets(ctx, topics...)
	if err != nil {
		return nil, fmt.Errorf("list end offsets: %w", err)
	}
	out := map[string]map[int32]kgo.Offset{}
	var perr error
	listed.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			perr = fmt.Errorf("end offset of %s/%d: %w", o.Topic, o.Partition, o.Err)
			return
		}
		if out[o.Topic] == nil {
			out[o.Topic] = map[int32]kgo.Offset{}
		}
		out[o.Topic][o.Partition] = kgo.NewOffset().At(o.Offset)
	})
	for _, t := range topics {
		if len(out[t]) == 0 && perr == nil {
			perr = fmt.Errorf("topic %s has no partitions (does it exist?)", t)
		}
	}
	return out, perr
}

// headers are a tenant's Kafka headers in franz-go form.
func headers(t tenant.Tenant) []kgo.RecordHeader {
	var out []kgo.RecordHeader
	for _, h := range kafka.TenantHeaders(t) {
		out = append(out, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	return out
}

func header(r *kgo.Record, key string) string {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

// WaitGroupsStable waits until every named consumer group is Stable with at
// least one member, and returns the groups that were not by the deadline.
func WaitGroupsStable(ctx context.Context, bootstrap string, timeout time.Duration, groups ...string) ([]string, error) {
	c, err := newClient(bootstrap)
	if err != nil {
		return groups, err
	}
	defer c.Close()
	adm := kadm.NewClient(c)
	deadline := time.Now().Add(timeout)
	for {
		described, err := adm.DescribeGroups(ctx, groups...)
		var missing []string
		for _, g := range groups {
			d, ok := described[g]
			if err != nil || !ok || d.Err != nil || d.State != "Stable" || len(d.Members) == 0 {
				missing = append(missing, g)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			return missing, nil
		}
		select {
		case <-ctx.Done():
			return missing, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
