package demo

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/service"
)

const samplePath = "../config/samples/sample.json"

// TestDemoPlaysTheGameToTheEnd runs the real service in-process on an
// embedded broker with config/samples/sample.json and the demo against it,
// and watches the service's outputs with a client of its own until it has
// seen a party quest COMPLETED, two instances destroyed, and riders of a
// scheduled route warped from its en-route map to its destination.
//
// The demo's own think times run at 0.2 of real pace; the service's timers
// (the sample schedules) are real, so the boat check waits for the fastest
// sample route (demo-shuttle-henesys-ellinia: 1m cycle, 30s travel), about
// 30-90s. With DEMO_FULL=1 the demo runs at real pace and the test allows
// the 3 minutes.
func TestDemoPlaysTheGameToTheEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for up to a few minutes")
	}
	pace, within := 0.2, 150*time.Second
	if os.Getenv("DEMO_FULL") != "" {
		pace, within = 1, 3*time.Minute
	}
	b := kafkatest.StartBroker(t)
	env := map[string]string{"BOOTSTRAP_SERVERS": b.Bootstrap(), "REST_PORT": "0", "CHANGELOG_PARTITIONS": "4",
		"TRANSACTIONAL_ID_PREFIX": "demo-test", "SHUTDOWN_TIMEOUT": "20s", "CONFIG_PATH": samplePath}
	cfg, err := service.ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	log := zaptest.NewLogger(t)

	d, err := New(cfg, log.Named("demo"), WithPace(pace), WithSummaryEvery(20*time.Second), WithSeed(1))
	require.NoError(t, err)
	cfg.GuildsURL = d.GuildsURL()
	svc, err := service.New(context.Background(), cfg, log)
	require.NoError(t, err)

	watch := b.Client(t, kgo.ConsumeTopics(b.Names.Name(messages.EventTopicPartyQuestStatus), b.Names.Name(messages.CommandTopicCharacter)),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runDone := make(chan error, 1)
	go func() { runDone <- svc.Run(ctx) }()
	_, port, err := net.SplitHostPort(svc.Addr())
	require.NoError(t, err)
	dctx, stopDemo := context.WithCancel(ctx)
	d.Start(dctx, WithReadyURL("http://127.0.0.1:"+port+"/readyz"))
	started := time.Now()

	c, _, err := config.Load(samplePath)
	require.NoError(t, err)
	routes := c.Tenants[0].Routes
	completed, destroyed := 0, 0
	at := map[uint32]uint32{} // character → last CHANGE_MAP target
	var warpedTo []string     // routes whose riders reached the destination
	deadline := time.Now().Add(within)
	for (completed < 1 || destroyed < 2 || len(warpedTo) == 0) && time.Now().Before(deadline) {
		pctx, pcancel := context.WithTimeout(ctx, time.Second)
		fs := watch.PollFetches(pctx)
		pcancel()
		fs.EachRecord(func(r *kgo.Record) {
			if r.Topic == b.Names.Name(messages.EventTopicPartyQuestStatus) {
				var ev messages.PartyQuestStatusEvent[json.RawMessage]
				require.NoError(t, json.Unmarshal(r.Value, &ev))
				switch ev.Type {
				case messages.TypeCompleted:
					completed++
				case messages.TypeInstanceDestroyed:
					destroyed++
				}
				return
			}
			var cmd messages.Command[messages.ChangeMapBody]
			require.NoError(t, json.Unmarshal(r.Value, &cmd))
			for _, rt := range routes {
				if cmd.Body.MapID == rt.DestinationMapID && slices.Contains(rt.EnRouteMapIDs, at[cmd.CharacterID]) {
					warpedTo = append(warpedTo, rt.Name)
				}
			}
			at[cmd.CharacterID] = cmd.Body.MapID
		})
	}
	took := time.Since(started)
	t.Logf("after %s: %d COMPLETED, %d INSTANCE_DESTROYED, riders warped to the destination of %v; demo stats %+v",
		took.Round(time.Second), completed, destroyed, warpedTo, d.Snapshot())
	require.GreaterOrEqual(t, completed, 1, "a party quest COMPLETED")
	require.GreaterOrEqual(t, destroyed, 2, "two instances ended")
	require.NotEmpty(t, warpedTo, "riders of a scheduled route warped to its destination")
	s := d.Snapshot()
	require.Positive(t, s.ClearAttemptsFail, "a failed clear attempt was logged")
	require.Zero(t, s.Rejected, "the service rejected none of the demo's inputs")

	// Everything stops: the demo's goroutines on Close, the service on cancel.
	stopDemo()
	closed := make(chan struct{})
	go func() { d.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return")
	}
	cancel()
	select {
	case err := <-runDone:
		require.NoError(t, err)
	case <-time.After(60 * time.Second):
		t.Fatal("Run did not return")
	}
}
