package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/service"
)

// The test binary doubles as the service: with TRANSITQUEST_CHILD=1 it runs
// service.New + Run like cmd/transitquest, so tests can kill -9 a real
// process while the broker lives on in the test.
func TestMain(m *testing.M) {
	if os.Getenv("TRANSITQUEST_CHILD") == "1" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

func runChild() int {
	log, _ := zap.NewDevelopment()
	cfg, err := service.ConfigFromEnv(os.Getenv)
	if err != nil {
		log.Error("config", zap.Error(err))
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	svc, err := service.New(ctx, cfg, log)
	if err != nil {
		log.Error("start", zap.Error(err))
		return 1
	}
	if err := svc.Run(ctx); err != nil {
		log.Error("run", zap.Error(err))
		return 1
	}
	return 0
}

var rideRoute = uuid.MustParse("24bb11dd-44aa-48c2-998e-a1f1644b9130")

// crashTrial is a one-player quest whose first stage ends by its 6 s timer.
const crashTrial = `{"questId":"crash_trial","name":"Crash Trial","fieldLock":"none","duration":600,
 "registration":{"type":"individual","mode":"instant","duration":0,"mapId":0,"affinity":"none"},
 "startRequirements":[],"startEvents":[],"failRequirements":[],"exit":103000890,"rewards":[],
 "stages":[
  {"index":0,"name":"Wait","mapIds":[103000800],"type":"item_collection","duration":6,"clearConditions":[],"rewards":[],"warpType":"all"},
  {"index":1,"name":"Hold","mapIds":[103000801],"type":"item_collection","duration":0,"clearConditions":[],"rewards":[],"warpType":"all"}]}`

func writeConfig(t *testing.T, travel string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "quests"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quests", "crash_trial.json"), []byte(crashTrial), 0o600))
	cfg := map[string]any{"tenants": []any{map[string]any{
		"partyQuestDefinitions": "quests",
		"id":                    kafkatest.Tenant.ID.String(), "region": kafkatest.Tenant.Region,
		"majorVersion": kafkatest.Tenant.MajorVersion, "minorVersion": kafkatest.Tenant.MinorVersion,
		"instanceRoutes": []any{map[string]any{
			"id": rideRoute.String(), "name": "kerning-square-train", "startMapId": 103000100,
			"transitMapId": 103000302, "destinationMapId": 103000310, "capacity": 10,
			"boardingWindow": "5s", "travel": travel,
		}},
	}}}
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path
}

// child is one service process.
type child struct {
	cmd  *exec.Cmd
	done chan error
	logs string // its log file
}

// startChild starts a service process; env entries override the defaults.
func startChild(t *testing.T, b *kafkatest.Broker, configPath string, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		"TRANSITQUEST_CHILD=1",
		kafkatest.EnvBroker+"="+string(b.Kind()), // the child's own test broker, were it to start one
		"BOOTSTRAP_SERVERS="+b.Bootstrap(),
		"CONFIG_PATH="+configPath,
		"REST_PORT=0",
		"SUBSYSTEMS=transport,partyquest",
		"TRANSACTIONAL_ID_PREFIX=crash-test",
		"CHANGELOG_PARTITIONS=4",
		"SHUTDOWN_TIMEOUT=20s",
		// A killed member's partitions move after this, not after 45 s.
		"KAFKA_EXTRA_CONFIG=session.timeout.ms=6000,heartbeat.interval.ms=1000",
	)
	cmd.Env = append(cmd.Env, env...) // the last of a duplicated key wins
	logs, err := os.Create(filepath.Join(t.TempDir(), "child.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	c := &child{cmd: cmd, done: make(chan error, 1), logs: logs.Name()}
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-c.done
		if t.Failed() {
			out, _ := os.ReadFile(logs.Name())
			t.Logf("child log:\n%s", out)
		}
	})
	return c
}

// restAddr is the address the child's REST listener took, read from its
// "service running" log line once it is there. The child picks the port
// itself (REST_PORT=0): a port picked free beforehand can be taken, by an
// outgoing connection's ephemeral port, before the child binds it.
func (c *child) restAddr(t *testing.T, timeout time.Duration) string {
	t.Helper()
	var addr string
	kafkatest.Eventually(t, timeout, "the child's REST address in its log", func() bool {
		b, err := os.ReadFile(c.logs)
		if err != nil {
			return false
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.Contains(line, "service running") {
				continue
			}
			if _, rest, ok := strings.Cut(line, `"rest": "`); ok {
				if a, _, ok := strings.Cut(rest, `"`); ok {
					addr = a
					return true
				}
			}
		}
		return false
	})
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err, "REST address %q", addr)
	return "127.0.0.1:" + port
}

func (c *child) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case err := <-c.done:
		c.done <- err // for the cleanup
		return err
	case <-time.After(timeout):
		t.Fatalf("service did not exit within %s", timeout)
		return nil
	}
}

func startRide(t *testing.T, b *kafkatest.Broker, character uint32) {
	t.Helper()
	b.Produce(t, b.Client(t), messages.CommandTopicInstanceTransport, messages.IntKey(character),
		messages.CharacterEvent[messages.StartTransportBody]{CharacterID: character, Type: messages.TypeStart,
			Body: messages.StartTransportBody{RouteID: rideRoute, ChannelID: 1}}, kafkatest.Tenant)
}

// kill -9 in the middle of a ride: the restarted process restores the ride
// from the changelog and its arrival fires exactly once; the STARTs, whose
// offsets were committed with their effects, are not processed again.
// (On the mock broker, which has no exactly once: every effect at least once.)
func TestKilledProcessResumesRidesAndFiresTimersOnce(t *testing.T) {
	killedProcessResumes(t, false)
}

// The same with static membership (STATIC_MEMBERSHIP=true), as a pod
// restarted under its own name runs: the new process takes its partitions
// back without waiting for the dead one's session to time out, and a
// command sent right after the restart has its effect within 10 s of the
// kill.
func TestKilledStaticMemberTakesCommandsWithinTenSeconds(t *testing.T) {
	kafkatest.SkipOnMock(t, "static membership is broken on the mock cluster: a member killed and restarted "+
		"under the same id leaves a partition with nobody consuming it")
	killedProcessResumes(t, true)
}

func killedProcessResumes(t *testing.T, static bool) {
	if testing.Short() {
		t.Skip("starts service processes")
	}
	var env []string
	if static {
		env = append(env, "STATIC_MEMBERSHIP=true")
	}
	b := kafkatest.StartBroker(t)
	cfg := writeConfig(t, "8s")
	events := b.NewReader(t, false, messages.EventTopicInstanceTransport)

	quests := b.NewReader(t, false, messages.EventTopicPartyQuestStatus)
	first := startChild(t, b, cfg, env...)
	startRide(t, b, 1)
	startRide(t, b, 2)
	registerTrial(t, b, 21) // its first stage ends by a 6 s timer, after the kill
	events.WaitCount(60*time.Second, 2)
	started := quests.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return len(ofType(t, rs, "STARTED")) == 1 })
	trial := instanceOf(t, ofType(t, started, "STARTED")[0])
	killedAt := time.Now()
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	_ = first.wait(t, 10*time.Second)

	startChild(t, b, cfg, env...)
	kinds := func(rs []*kgo.Record) map[string]int { return typesOf(t, rs) }
	if !b.ExactlyOnce() {
		// The mock drops the offsets sent with a transaction and its readers
		// see uncommitted records, so the restarted process reads every
		// command again and may redo what the killed one had not committed:
		// assert at least once, nothing lost.
		events.WaitFor(60*time.Second, func(rs []*kgo.Record) bool {
			k := kinds(rs)
			return k["COMPLETED/1"] >= 1 && k["COMPLETED/2"] >= 1
		})
		startRide(t, b, 3)
		events.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return kinds(rs)["STARTED/3"] >= 1 })
		quests.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return len(ofType(t, rs, "STAGE_ADVANCED")) >= 1 })
		return
	}
	if static {
		startRide(t, b, 3)
		events.WaitFor(10*time.Second-time.Since(killedAt), func(rs []*kgo.Record) bool { return kinds(rs)["STARTED/3"] == 1 })
		t.Logf("a command sent after the restart took effect %s after the kill", time.Since(killedAt).Round(time.Millisecond))
	}
	done := events.WaitFor(60*time.Second, func(rs []*kgo.Record) bool {
		k := kinds(rs)
		return k["COMPLETED/1"] == 1 && k["COMPLETED/2"] == 1
	})
	for _, r := range ofType(t, done, "COMPLETED") {
		assert.True(t, r.Timestamp.After(killedAt), "arrival fired by the restarted process")
	}
	// A START sent after the restart proves the new process consumes; once
	// its STARTED is out, anything duplicated before it would have been seen.
	if !static {
		startRide(t, b, 3)
	}
	rs := events.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return kinds(rs)["STARTED/3"] == 1 })
	got := kinds(rs)
	if static { // ride 3 started early enough that it may have arrived too, once
		assert.LessOrEqual(t, got["COMPLETED/3"], 1)
		delete(got, "COMPLETED/3")
	}
	assert.Equal(t, map[string]int{"STARTED/1": 1, "STARTED/2": 1, "COMPLETED/1": 1, "COMPLETED/2": 1, "STARTED/3": 1}, got)

	// The quest resumed in stage 0 and its stage timer, restored from the
	// changelog, fired once in the new process.
	advanced := func(rs []*kgo.Record) []*kgo.Record {
		var out []*kgo.Record
		for _, r := range ofType(t, rs, "STAGE_ADVANCED") {
			if instanceOf(t, r) == trial {
				out = append(out, r)
			}
		}
		return out
	}
	qs := quests.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return len(advanced(rs)) >= 1 })
	assert.True(t, advanced(qs)[0].Timestamp.After(killedAt), "stage timer fired by the restarted process")
	// A second player's run shows the stream is live; by then a repeated
	// fire of the first timer would have been seen.
	registerTrial(t, b, 22)
	quests.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return len(ofType(t, rs, "STARTED")) == 2 })
	qs = quests.Drain(time.Second)
	assert.Len(t, advanced(qs), 1, "the restored stage timer fired exactly once")
	assert.Len(t, ofType(t, qs, "INSTANCE_CREATED"), 2)
}

// ofType keeps the records of one event type.
func ofType(t *testing.T, rs []*kgo.Record, typ string) []*kgo.Record {
	var out []*kgo.Record
	for _, r := range rs {
		var env struct {
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &env))
		if env.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// instanceOf is the instance id of a party-quest status event.
func instanceOf(t *testing.T, r *kgo.Record) uuid.UUID {
	var env struct {
		InstanceID uuid.UUID `json:"instanceId"`
	}
	require.NoError(t, json.Unmarshal(r.Value, &env))
	return env.InstanceID
}

// SIGTERM: intake stops, riders are warped back to the start map, every
// effect is committed, and the process exits 0.
func TestSigtermWarpsRidersHomeAndExitsZero(t *testing.T) {
	if testing.Short() {
		t.Skip("starts service processes")
	}
	b := kafkatest.StartBroker(t)
	svc := startChild(t, b, writeConfig(t, "1h"), "SHUTDOWN_MODE=drain")
	events := b.NewReader(t, false, messages.EventTopicInstanceTransport)
	warps := b.NewReader(t, false, messages.CommandTopicCharacter)
	quests := b.NewReader(t, false, messages.EventTopicPartyQuestStatus)
	startRide(t, b, 7)
	registerTrial(t, b, 8)
	events.WaitCount(60*time.Second, 1)
	quests.WaitFor(60*time.Second, func(rs []*kgo.Record) bool { return len(ofType(t, rs, "STARTED")) == 1 })
	require.NoError(t, svc.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, svc.wait(t, 30*time.Second), "exit status 0")
	// The quest run is ended as the reference ends it on shutdown.
	// FAILED would precede INSTANCE_DESTROYED on the instance's partition.
	qs := quests.WaitFor(10*time.Second, func(rs []*kgo.Record) bool { return len(ofType(t, rs, "INSTANCE_DESTROYED")) == 1 })
	assert.Empty(t, ofType(t, qs, "FAILED"), "no FAILED on shutdown")
	ws := warps.WaitFor(10*time.Second, func(rs []*kgo.Record) bool { return len(rs) >= 4 })
	exits := 0
	for _, r := range ws {
		var w struct {
			CharacterID uint32 `json:"characterId"`
			Body        struct {
				MapID uint32 `json:"mapId"`
			} `json:"body"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &w))
		if w.CharacterID == 8 && w.Body.MapID == 103000890 {
			exits++
		}
	}
	assert.Equal(t, 1, exits, "the player is warped to the quest's exit")
	ws = rideWarps(t, ws, 7)
	var home struct {
		CharacterID uint32 `json:"characterId"`
		Body        struct {
			MapID    uint32    `json:"mapId"`
			Instance uuid.UUID `json:"instance"`
		} `json:"body"`
	}
	require.NoError(t, json.Unmarshal(ws[1].Value, &home))
	assert.Equal(t, uint32(7), home.CharacterID)
	assert.Equal(t, uint32(103000100), home.Body.MapID, "back to the start map")
	assert.Equal(t, uuid.Nil, home.Body.Instance)
}

// rideWarps keeps the CHANGE_MAPs of one character.
func rideWarps(t *testing.T, rs []*kgo.Record, character uint32) []*kgo.Record {
	var out []*kgo.Record
	for _, r := range rs {
		var w struct {
			CharacterID uint32 `json:"characterId"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &w))
		if w.CharacterID == character {
			out = append(out, r)
		}
	}
	return out
}

func registerTrial(t *testing.T, b *kafkatest.Broker, character uint32) {
	t.Helper()
	b.Produce(t, b.Client(t), messages.CommandTopicPartyQuest, messages.IntKey(character),
		messages.Command[messages.RegisterBody]{CharacterID: character, Type: messages.TypeRegister,
			Body: messages.RegisterBody{QuestID: "crash_trial", ChannelID: 1}}, kafkatest.Tenant)
}

func typesOf(t *testing.T, recs []*kgo.Record) map[string]int {
	out := map[string]int{}
	for _, r := range recs {
		var env struct {
			Type        string `json:"type"`
			CharacterID uint32 `json:"characterId"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &env))
		out[fmt.Sprintf("%s/%d", env.Type, env.CharacterID)]++
	}
	return out
}

// STATIC_MEMBERSHIP is true or false (unset: false); anything else is a
// configuration error.
func TestStaticMembershipSetting(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, "true": true} {
		cfg, err := service.ConfigFromEnv(func(k string) string {
			return map[string]string{"STATIC_MEMBERSHIP": v, "TRANSACTIONAL_ID_PREFIX": "x"}[k]
		})
		require.NoError(t, err, v)
		assert.Equal(t, want, cfg.StaticMembership, v)
	}
	_, err := service.ConfigFromEnv(func(k string) string {
		return map[string]string{"STATIC_MEMBERSHIP": "yes", "TRANSACTIONAL_ID_PREFIX": "x"}[k]
	})
	require.ErrorContains(t, err, `STATIC_MEMBERSHIP "yes": want false or true`)
}

// CHANGELOG_FORMAT is binary or json (unset: binary); anything else is a
// configuration error.
func TestChangelogFormatSetting(t *testing.T) {
	for v, want := range map[string]bool{"": false, "binary": false, "json": true} {
		cfg, err := service.ConfigFromEnv(func(k string) string {
			return map[string]string{"CHANGELOG_FORMAT": v, "TRANSACTIONAL_ID_PREFIX": "x"}[k]
		})
		require.NoError(t, err, v)
		assert.Equal(t, want, cfg.JSONChangelog, v)
	}
	_, err := service.ConfigFromEnv(func(k string) string {
		return map[string]string{"CHANGELOG_FORMAT": "JSON", "TRANSACTIONAL_ID_PREFIX": "x"}[k]
	})
	require.ErrorContains(t, err, `CHANGELOG_FORMAT "JSON": want binary or json`)
}

// INTERNAL_TENANT is key or headers (unset: key); anything else is a
// configuration error.
func TestInternalTenantSetting(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			return map[string]string{"INTERNAL_TENANT": v, "TRANSACTIONAL_ID_PREFIX": "x"}[k]
		}
	}
	for v, want := range map[string]bool{"": false, "key": false, "headers": true} {
		cfg, err := service.ConfigFromEnv(env(v))
		require.NoError(t, err, v)
		assert.Equal(t, want, cfg.InternalTenantHeaders, v)
	}
	_, err := service.ConfigFromEnv(env("both"))
	require.ErrorContains(t, err, `INTERNAL_TENANT "both": want key or headers`)
}

// TRANSACTION_LINGER (unset: 5ms) and TIMER_LEAD (unset: 100ms) are
// durations from 0 to 1s.
func TestBoundedDurationSettings(t *testing.T) {
	for name, c := range map[string]struct {
		def   time.Duration
		field func(service.Config) time.Duration
	}{
		"TRANSACTION_LINGER": {5 * time.Millisecond, func(c service.Config) time.Duration { return c.TransactionLinger }},
		"TIMER_LEAD":         {100 * time.Millisecond, func(c service.Config) time.Duration { return c.TimerLead }},
	} {
		env := func(v string) func(string) string {
			return func(k string) string { return map[string]string{name: v, "TRANSACTIONAL_ID_PREFIX": "x"}[k] }
		}
		for v, want := range map[string]time.Duration{"": c.def, "0": 0, "5ms": 5 * time.Millisecond, "1s": time.Second} {
			cfg, err := service.ConfigFromEnv(env(v))
			require.NoError(t, err, name, v)
			assert.Equal(t, want, c.field(cfg), name, v)
		}
		for _, v := range []string{"-1ms", "2s", "soon"} {
			_, err := service.ConfigFromEnv(env(v))
			require.ErrorContains(t, err, name, v)
		}
	}
}
