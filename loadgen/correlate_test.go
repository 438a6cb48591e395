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

var testTenant = tenant.Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}

func TestCorrelatorResolvesOnce(t *testing.T) {
	c := NewCorrelator()
	t0 := time.Unix(100, 0)
	c.Expect("a", Pending{SentAt: t0, Kind: "k", Commands: 2, Character: 7})
	p, ok := c.Resolve("a")
	require.True(t, ok)
	assert.Equal(t, 2, p.Commands)
	_, ok = c.Resolve("a")
	assert.False(t, ok, "a duplicate effect does not count twice")
}

func TestCorrelatorExpiresAndForgets(t *testing.T) {
	c := NewCorrelator()
	t0 := time.Unix(100, 0)
	c.Expect("old", Pending{SentAt: t0, Character: 1})
	c.Expect("new", Pending{SentAt: t0.Add(20 * time.Second), Character: 2})
	c.Expect("other", Pending{SentAt: t0.Add(20 * time.Second), Character: 2})
	exp := c.Expired(t0.Add(31*time.Second), 30*time.Second)
	require.Len(t, exp, 1)
	assert.Equal(t, uint32(1), exp[0].Character)
	assert.Equal(t, 2, c.Forget(2))
	assert.Equal(t, 0, c.Len())
}

// Every command's correlation id is the one its effect record yields.
func TestEffectsCorrelateWithTheirCommands(t *testing.T) {
	inst, route := uuid.New(), uuid.New()
	cases := []struct {
		cmd    Command
		topic  messages.Topic
		effect any
	}{
		{RideStart(testTenant, 42, route), messages.EventTopicInstanceTransport,
			messages.RideEvent(0, 42, messages.TypeStarted, messages.RideBody{RouteID: route, InstanceID: inst}).Value},
		{QuestRegister(testTenant, 42, 9), messages.EventTopicPartyQuestStatus,
			messages.PartyQuestStatus(0, inst, QuestID, messages.TypeInstanceCreated, messages.InstanceCreatedBody{PartyID: 9, ChannelID: 1}).Value},
		{QuestInstanceCommand(testTenant, 42, messages.TypeStart, inst, QuestCorr(inst, messages.TypeStarted, 0)), messages.EventTopicPartyQuestStatus,
			messages.PartyQuestStatus(0, inst, QuestID, messages.TypeStarted, messages.StageBody{StageIndex: 0}).Value},
		{QuestInstanceCommand(testTenant, 42, messages.TypeStageClearAttempt, inst, QuestCorr(inst, messages.TypeStageCleared, 2)), messages.EventTopicPartyQuestStatus,
			messages.PartyQuestStatus(0, inst, QuestID, messages.TypeStageCleared, messages.StageClearedBody{StageIndex: 2}).Value},
		{QuestInstanceCommand(testTenant, 42, messages.TypeStageAdvance, inst, QuestCorr(inst, messages.TypeInstanceDestroyed, 0)), messages.EventTopicPartyQuestStatus,
			messages.PartyQuestStatus(0, inst, QuestID, messages.TypeInstanceDestroyed, messages.Empty{}).Value},
	}
	for _, tc := range cases {
		e, err := DecodeEffect(tc.topic, mustJSON(tc.effect))
		require.NoError(t, err)
		assert.Equal(t, tc.cmd.Corr, e.Corr(), tc.cmd.Kind)
		assert.NotEmpty(t, e.Corr())
	}
}

// The commands are accepted by the service's own decoders.
func TestCommandsDecode(t *testing.T) {
	inst := uuid.New()
	_, err := messages.DecodeStartTransport(RideStart(testTenant, 1, uuid.New()).Value)
	require.NoError(t, err)
	for _, c := range []Command{QuestRegister(testTenant, 1, 2), QuestUpdate(testTenant, 1, inst),
		QuestInstanceCommand(testTenant, 1, messages.TypeStageAdvance, inst, "")} {
		cmd, err := messages.DecodePartyQuestCommand(c.Value)
		require.NoError(t, err, c.Kind)
		assert.Equal(t, uint32(1), cmd.CharacterID)
	}
	assert.Equal(t, 0, QuestUpdate(testTenant, 1, inst).Commands, "completed by the clear attempt after it")
}

func TestRecorderWindows(t *testing.T) {
	var r Recorder
	t0 := time.Unix(1000, 0)
	r.Sent(t0)
	r.Observe(t0.Add(500*time.Millisecond), 4*time.Millisecond, 2)
	r.Observe(t0.Add(1500*time.Millisecond), 8*time.Millisecond, 1)
	w := r.Window(t0, t0.Add(2*time.Second))
	assert.Equal(t, 3, w.Completed)
	assert.Equal(t, 1, w.Sent)
	assert.InDelta(t, 1.5, w.Throughput(), 1e-9)
	s := r.Series(t0, t0.Add(2*time.Second), time.Second)
	require.Len(t, s, 2)
	assert.Equal(t, 4*time.Millisecond, s[0].Latency.P50)
	assert.Equal(t, 8*time.Millisecond, s[1].Latency.P50)
}
