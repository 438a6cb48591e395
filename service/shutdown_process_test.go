package service_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
)

// longTrial is a one-player quest that stays live for an hour: each
// REGISTER makes one live instance actor with an armed timer.
const longTrial = `{"questId":"long_trial","name":"Long Trial","fieldLock":"none","duration":3600,
 "registration":{"type":"individual","mode":"instant","duration":0,"mapId":0,"affinity":"none"},
 "startRequirements":[],"startEvents":[],"failRequirements":[],"exit":103000890,"rewards":[],
 "stages":[{"index":0,"name":"Hold","mapIds":[103000800],"type":"item_collection","duration":3000,"clearConditions":[],"rewards":[],"warpType":"all"}]}`

// loadRoutes is how many instance routes share the ride STARTs (one ride
// actor each, instances of 10 riders travelling for an hour).
const loadRoutes = 50

// writeLoadConfig is a tenant with loadRoutes long instance routes and the
// long quest.
func writeLoadConfig(t *testing.T) (string, []uuid.UUID) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "quests"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quests", "long_trial.json"), []byte(longTrial), 0o600))
	var routes []any
	var ids []uuid.UUID
	for i := range loadRoutes {
		id := uuid.NewSHA1(uuid.Nil, []byte(fmt.Sprintf("load-route-%d", i)))
		ids = append(ids, id)
		routes = append(routes, map[string]any{
			"id": id.String(), "name": fmt.Sprintf("load-%d", i), "startMapId": 103000100 + i,
			"transitMapId": 103000302, "destinationMapId": 103000310, "capacity": 10,
			"boardingWindow": "2s", "travel": "1h",
		})
	}
	cfg := map[string]any{"tenants": []any{map[string]any{
		"partyQuestDefinitions": "quests",
		"id":                    kafkatest.Tenant.ID.String(), "region": kafkatest.Tenant.Region,
		"majorVersion": kafkatest.Tenant.MajorVersion, "minorVersion": kafkatest.Tenant.MinorVersion,
		"instanceRoutes": routes,
	}}}
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path, ids
}

// produceLoad writes rides STARTs (spread over routes) and quests
// REGISTERs, each for its own character, as fast as the client batches.
func produceLoad(t *testing.T, b *kafkatest.Broker, routes []uuid.UUID, rides, quests int) {
	t.Helper()
	c := b.Client(t, kgo.ProducerLinger(5*time.Millisecond), kgo.MaxBufferedRecords(1<<20))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	errs := make(chan error, 1)
	record := func(topic messages.Topic, character uint32, v any) *kgo.Record {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		return &kgo.Record{Topic: b.Names.Name(topic), Key: messages.IntKey(character), Value: raw, Headers: kafkatest.Headers(kafkatest.Tenant)}
	}
	done := func(_ *kgo.Record, err error) {
		if err != nil {
			select {
			case errs <- err:
			default:
			}
		}
	}
	for i := range rides {
		ch := uint32(100_000 + i)
		c.Produce(ctx, record(messages.CommandTopicInstanceTransport, ch, messages.CharacterEvent[messages.StartTransportBody]{
			CharacterID: ch, Type: messages.TypeStart,
			Body: messages.StartTransportBody{RouteID: routes[i%len(routes)], ChannelID: 1}}), done)
	}
	for i := range quests {
		ch := uint32(500_000 + i)
		c.Produce(ctx, record(messages.CommandTopicPartyQuest, ch, messages.Command[messages.RegisterBody]{
			CharacterID: ch, Type: messages.TypeRegister,
			Body: messages.RegisterBody{QuestID: "long_trial", ChannelID: 1}}), done)
	}
	require.NoError(t, c.Flush(ctx))
	select {
	case err := <-errs:
		t.Fatalf("produce: %v", err)
	default:
	}
}

// scrape reads one sample of the child's /metrics (0 when absent).
func scrape(addr, sample string) float64 {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), sample+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

// The broker goes away under a loaded service, then SIGTERM with
// SHUTDOWN_MODE=drain (the mode with the most to commit: every rider
// warped home, every quest destroyed): the shutdown cannot commit
// anything, and must not wait for the broker to try. The
// process is gone within SHUTDOWN_TIMEOUT plus a few seconds, with a
// non-zero status (the uncommitted inputs are read again by the next
// owner).
func TestSigtermWithBrokerDownExitsWithinTheBound(t *testing.T) {
	if testing.Short() {
		t.Skip("starts service processes")
	}
	const rides, quests = 25_000, 25_000
	const shutdownTimeout = 5 * time.Second
	b := kafkatest.StartPersistentBroker(t)
	cfg, routes := writeLoadConfig(t)
	svc := startChild(t, b, cfg, "SHUTDOWN_TIMEOUT="+shutdownTimeout.String(), "SHUTDOWN_MODE=drain")
	addr := svc.restAddr(t, time.Minute)

	loadStart := time.Now()
	produceLoad(t, b, routes, rides, quests)
	produced := time.Since(loadStart)
	// An instance that got no input for PASSIVATE_AFTER rests: still live.
	running, resting := `transitquest_live_actors{kind="quest-instance"}`, `transitquest_resting_actors{kind="quest-instance"}`
	started := fmt.Sprintf(`transitquest_records_produced_total{topic=%q}`, b.Names.Name(messages.EventTopicInstanceTransport))
	kafkatest.Eventually(t, 100*time.Second, "every ride started and every quest instance live", func() bool {
		return scrape(addr, running)+scrape(addr, resting) >= quests && scrape(addr, started) >= rides
	})
	t.Logf("load: produced in %s, %d rides and %d quest instances live after %s",
		produced, rides, quests, time.Since(loadStart))

	b.Stop()
	stoppedAt := time.Now()
	require.NoError(t, svc.cmd.Process.Signal(syscall.SIGTERM))
	err := svc.wait(t, shutdownTimeout+5*time.Second)
	took := time.Since(stoppedAt)
	t.Logf("exited %s after SIGTERM (%v)", took, err)
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "a non-zero exit status: %v", err)
	assert.NotZero(t, exit.ExitCode())
}
