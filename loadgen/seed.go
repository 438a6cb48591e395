package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// BaselineMix returns the i-th seeded command: the scenarios' commands in
// the proportions one quest cycle and one ride produce them.
func BaselineMix(t tenant.Tenant, i int) Command {
	c, inst := uint32(i+1), uuid.New()
	switch i % 8 {
	case 0:
		return RideStart(t, c, uuid.New())
	case 1:
		return QuestRegister(t, c, c)
	case 2:
		return QuestInstanceCommand(t, c, messages.TypeStart, inst, "")
	case 3, 4:
		return QuestUpdate(t, c, inst)
	case 5:
		return QuestInstanceCommand(t, c, messages.TypeStageClearAttempt, inst, "")
	case 6:
		return QuestInstanceCommand(t, c, messages.TypeStageAdvance, inst, "")
	default:
		return RideStart(t, c, uuid.New())
	}
}

// seedBaseline creates the baseline topics (12 partitions) and fills in.
func seedBaseline(ctx context.Context, bootstrap, in, out string, n int) error {
	c, err := newClient(bootstrap)
	if err != nil {
		return err
	}
	defer c.Close()
	adm := kadm.NewClient(c)
	created, err := adm.CreateTopics(ctx, 12, 1, nil, in, out)
	if err != nil {
		return fmt.Errorf("create baseline topics: %w", err)
	}
	for _, r := range created {
		if r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("create %s: %w", r.Topic, r.Err)
		}
	}
	t := tenant.Tenant{ID: uuid.NewSHA1(planNamespace, []byte("baseline")), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	hs := headers(t)
	var failed atomic.Pointer[error]
	for i := range n {
		cmd := BaselineMix(t, i)
		h := append(append([]kgo.RecordHeader(nil), hs...), kgo.RecordHeader{Key: cmdTopicHeader, Value: []byte(cmd.Topic)})
		c.Produce(ctx, &kgo.Record{Topic: in, Key: cmd.Key, Value: cmd.Value, Headers: h}, func(_ *kgo.Record, err error) {
			if err != nil {
				failed.CompareAndSwap(nil, &err)
			}
		})
	}
	fctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := c.Flush(fctx); err != nil {
		return fmt.Errorf("seed baseline: %w", err)
	}
	if err := failed.Load(); err != nil {
		return fmt.Errorf("seed baseline: %w", *err)
	}
	return nil
}

// deleteTopics removes topics (best effort: frees the embedded broker's memory).
func deleteTopics(bootstrap string, topics ...string) {
	c, err := newClient(bootstrap)
	if err != nil {
		return
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _ = kadm.NewClient(c).DeleteTopics(ctx, topics...)
}
