package chaos

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/messages"
)

// OutputTopics are the contract topics the audit reads.
var OutputTopics = []messages.Topic{messages.EventTopicTransportStatus, messages.EventTopicInstanceTransport,
	messages.CommandTopicCharacter, messages.EventTopicPartyQuestStatus, messages.DeadLetterTopic}

// collect reads every committed record of the output topics, from their
// start up to their last stable offsets as listed first (so a transaction
// still open is neither waited for nor half read), and returns them with
// the instant the offsets were listed.
func collect(ctx context.Context, bootstrap string, names messages.TopicNames, timeout time.Duration) ([]audit.Record, time.Time, error) {
	logical := map[string]messages.Topic{}
	var topics []string
	for _, t := range OutputTopics {
		logical[names.Name(t)] = t
		topics = append(topics, names.Name(t))
	}
	admin, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...))
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("collect: %w", err)
	}
	readAt := time.Now()
	listed, err := kadm.NewClient(admin).ListCommittedOffsets(ctx, topics...)
	admin.Close()
	if err != nil {
		return nil, readAt, fmt.Errorf("collect: last stable offsets: %w", err)
	}
	if err := listed.Error(); err != nil {
		return nil, readAt, fmt.Errorf("collect: last stable offsets: %w", err)
	}
	// Control records are kept only to know where each partition's
	// reading position is: the last entry below the LSO is a commit marker.
	pending := map[string]map[int32]int64{}
	from := map[string]map[int32]kgo.Offset{}
	listed.Each(func(o kadm.ListedOffset) {
		if o.Offset <= 0 {
			return
		}
		if pending[o.Topic] == nil {
			pending[o.Topic], from[o.Topic] = map[int32]int64{}, map[int32]kgo.Offset{}
		}
		pending[o.Topic][o.Partition] = o.Offset
		from[o.Topic][o.Partition] = kgo.NewOffset().AtStart()
	})
	var out []audit.Record
	if len(pending) == 0 {
		return out, readAt, nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(bootstrap, ",")...), kgo.ConsumePartitions(from),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(), kgo.FetchMaxWait(200*time.Millisecond))
	if err != nil {
		return nil, readAt, fmt.Errorf("collect: %w", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for len(pending) > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return out, readAt, fmt.Errorf("collect: %d topics not read to their end within %s: %w", len(pending), timeout, err)
		}
		var ferr error
		fs.EachError(func(t string, p int32, err error) { ferr = fmt.Errorf("collect: fetch %s/%d: %w", t, p, err) })
		if ferr != nil {
			return out, readAt, ferr
		}
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := pending[r.Topic][r.Partition]
			if !ok || r.Offset >= end {
				return // past the listed end: not part of this read
			}
			if r.Offset+1 >= end {
				delete(pending[r.Topic], r.Partition)
				if len(pending[r.Topic]) == 0 {
					delete(pending, r.Topic)
				}
			}
			if r.Attrs.IsControl() {
				return
			}
			rec := audit.Record{Topic: logical[r.Topic], Partition: r.Partition, Offset: r.Offset, Key: r.Key,
				Value: r.Value, Timestamp: r.Timestamp}
			for _, h := range r.Headers {
				rec.Headers = append(rec.Headers, audit.Header{Key: h.Key, Value: h.Value})
			}
			out = append(out, rec)
		})
	}
	return out, readAt, nil
}
