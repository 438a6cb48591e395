package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/kafka"
)

// TestEmbeddedRetentionSparesTheChangelogs: with Retention set, old records
// leave the plain topics while a changelog keeps its keys.
func TestEmbeddedRetentionSparesTheChangelogs(t *testing.T) {
	e, err := kafka.StartEmbedded(kafka.EmbeddedConfig{Partitions: 1, Topics: []string{"plain"}, Compacted: []string{"state"},
		Retention: 400 * time.Millisecond})
	require.NoError(t, err)
	defer e.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Bootstrap()))
	require.NoError(t, err)
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	old := time.Now().Add(-time.Hour)
	for _, topic := range []string{"plain", "state"} {
		require.NoError(t, cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte("v"), Timestamp: old}).FirstErr())
	}
	adm := kadm.NewClient(cl)
	require.Eventually(t, func() bool {
		starts, err := adm.ListStartOffsets(ctx, "plain")
		if err != nil {
			return false
		}
		o, _ := starts.Lookup("plain", 0)
		return o.Offset == 1
	}, 15*time.Second, 50*time.Millisecond, "the plain topic's old record is dropped")
	starts, err := adm.ListStartOffsets(ctx, "state")
	require.NoError(t, err)
	o, _ := starts.Lookup("state", 0)
	require.EqualValues(t, 0, o.Offset, "the changelog keeps its record")
}
