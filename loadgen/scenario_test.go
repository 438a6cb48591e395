package loadgen

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

func questEffect(inst uuid.UUID, typ string, stage, party uint32, at time.Time) Effect {
	return Effect{Topic: messages.EventTopicPartyQuestStatus, Type: typ, Instance: inst, StageIndex: stage, PartyID: party, Stamp: at, Seen: at}
}

func kinds(cs []Command) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Kind)
	}
	return out
}

// One player walks the whole quest: every step's command follows its effect.
func TestQuestPlayerCycle(t *testing.T) {
	late := &Lateness{}
	party := uint32(100)
	q := NewQuests(1, 500, []tenant.Tenant{testTenant}, NewQuestDefinition(3*time.Second, 2), func() uint32 { party++; return party }, late, 30*time.Second, Pacing{})
	t0 := time.Unix(1000, 0)
	reg := q.Begin(t0)
	require.Equal(t, []string{"pq REGISTER"}, kinds(reg))
	assert.Equal(t, PartyCorr(101), reg[0].Corr)

	inst := uuid.New()
	start := q.OnEffect(questEffect(inst, messages.TypeInstanceCreated, 0, 101, t0))
	require.Equal(t, []string{"pq START"}, kinds(start))
	assert.Equal(t, 1, q.Live())
	assert.Empty(t, q.OnEffect(questEffect(inst, messages.TypeStarted, 0, 0, t0)), "stage 0 waits for its timer")

	clear1 := q.OnEffect(questEffect(inst, messages.TypeStageAdvanced, 1, 0, t0.Add(3*time.Second+5*time.Millisecond)))
	require.Equal(t, []string{"pq UPDATE_STAGE_STATE", "pq STAGE_CLEAR_ATTEMPT"}, kinds(clear1))
	assert.Equal(t, 2, clear1[1].Commands)
	assert.Equal(t, 5*time.Millisecond, late.Window(t0, t0.Add(time.Hour))["quest stage limit (STAGE_ADVANCED stamp)"].P50)

	adv1 := q.OnEffect(questEffect(inst, messages.TypeStageCleared, 1, 0, t0))
	require.Equal(t, []string{"pq STAGE_ADVANCE"}, kinds(adv1))
	assert.Equal(t, QuestCorr(inst, messages.TypeStageAdvanced, 2), adv1[0].Corr)
	require.Len(t, q.OnEffect(questEffect(inst, messages.TypeStageAdvanced, 2, 0, t0)), 2)
	last := q.OnEffect(questEffect(inst, messages.TypeStageCleared, 2, 0, t0))
	assert.Equal(t, QuestCorr(inst, messages.TypeInstanceDestroyed, 0), last[0].Corr, "the last advance ends the run")
	again := q.OnEffect(questEffect(inst, messages.TypeInstanceDestroyed, 0, 0, t0))
	require.Equal(t, []string{"pq REGISTER"}, kinds(again))
	assert.Equal(t, PartyCorr(102), again[0].Corr, "a fresh party every run")
	assert.Equal(t, 1, q.Counters()["quests completed"])

	// A failure inside an instance forfeits it; after Stop nothing new starts.
	inst2 := uuid.New()
	q.OnEffect(questEffect(inst2, messages.TypeInstanceCreated, 0, 102, t0))
	assert.Equal(t, []string{"pq FORFEIT"}, kinds(q.OnFailure(500, t0)))
	q.Stop()
	assert.Empty(t, q.OnEffect(questEffect(inst2, messages.TypeInstanceDestroyed, 0, 0, t0)))
}

// An instance created for a REGISTER the player gave up on is forfeited.
func TestQuestStaleInstanceIsForfeited(t *testing.T) {
	party := uint32(0)
	q := NewQuests(1, 1, []tenant.Tenant{testTenant}, NewQuestDefinition(time.Second, 1), func() uint32 { party++; return party }, &Lateness{}, time.Second, Pacing{})
	t0 := time.Unix(0, 0)
	q.Begin(t0)
	q.OnFailure(1, t0) // REGISTER of party 1 timed out: party 2 now
	out := q.OnEffect(questEffect(uuid.New(), messages.TypeInstanceCreated, 0, 1, t0))
	require.Equal(t, []string{"pq FORFEIT (cleanup)"}, kinds(out))
	assert.Equal(t, 1, q.Counters()["stale instances forfeited"])
}

func TestRiderCycleAndArrivalLateness(t *testing.T) {
	late := &Lateness{}
	route := uuid.New()
	r := NewRiders(2, 10, []RideTarget{{Tenant: testTenant, Route: route, Boarding: 2 * time.Second, Travel: 5 * time.Second}}, late, 30*time.Second, Pacing{})
	t0 := time.Unix(1000, 0)
	starts := r.Begin(t0)
	require.Len(t, starts, 2)
	assert.Equal(t, RideCorr(10, messages.TypeStarted), starts[0].Corr)
	inst := uuid.New()
	ride := func(c uint32, typ string, at time.Time) Effect {
		return Effect{Topic: messages.EventTopicInstanceTransport, Type: typ, Character: c, Instance: inst, Stamp: at, Seen: at}
	}
	r.OnEffect(ride(10, messages.TypeStarted, t0))
	r.OnEffect(ride(11, messages.TypeStarted, t0.Add(time.Second)))
	assert.Equal(t, 2, r.Live())
	next := r.OnEffect(ride(11, messages.TypeCompleted, t0.Add(7*time.Second+3*time.Millisecond)))
	require.Len(t, next, 1, "the rider starts again")
	s := late.Window(t0, t0.Add(time.Hour))["ride arrival (COMPLETED stamp)"]
	assert.Equal(t, 3*time.Millisecond, s.P50, "arrival is due window+travel after the instance's first STARTED")

	// A rider whose COMPLETED never comes is restarted by Sweep.
	cmds, n := r.Sweep(t0.Add(time.Minute))
	assert.Equal(t, 1, n)
	assert.Len(t, cmds, 1)
}

func TestLimiterPaces(t *testing.T) {
	now := time.Unix(0, 0)
	l := NewLimiter(100)
	l.now = func() time.Time { return now }
	for range 10 { // the burst: a tenth of a second's worth
		require.NoError(t, l.Wait(t.Context()))
	}
	start := time.Now()
	require.NoError(t, l.Wait(t.Context()))
	assert.GreaterOrEqual(t, time.Since(start), 5*time.Millisecond, "the 11th send waits for its slot")
	assert.NoError(t, NewLimiter(0).Wait(t.Context()))
}
