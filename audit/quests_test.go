package audit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/messages"
)

func pq(s *stream, typ string, body any, at time.Time) {
	s.add(messages.PartyQuestStatus(0, inst, quest.QuestID, typ, body), at, "")
}

type stageBody struct {
	StageIndex uint32   `json:"stageIndex"`
	MapIDs     []uint32 `json:"mapIds"`
}

// questRun is a correct run: registered at t0, started at t0+1s, stage 0
// advanced by its 3 s timer, stage 1 cleared and advanced by commands.
func questRun(s *stream) {
	pq(s, messages.TypeInstanceCreated, messages.InstanceCreatedBody{PartyID: 7, ChannelID: 1}, t0)
	pq(s, messages.TypeRegistrationOpened, messages.RegistrationOpenedBody{Duration: 600}, t0)
	pq(s, messages.TypeCharacterRegistered, messages.CharacterRegisteredBody{CharacterID: 1}, t0)
	pq(s, messages.TypeStarted, stageBody{StageIndex: 0}, t0.Add(time.Second))
	pq(s, messages.TypeStageAdvanced, stageBody{StageIndex: 1}, t0.Add(4*time.Second+3*time.Millisecond))
	pq(s, messages.TypeStageCleared, stageBody{StageIndex: 1}, t0.Add(5*time.Second))
	pq(s, messages.TypeCompleted, struct{}{}, t0.Add(6*time.Second))
	pq(s, messages.TypeInstanceDestroyed, struct{}{}, t0.Add(6*time.Second))
}

func TestAFullQuestRunPasses(t *testing.T) {
	s := rideStream(t)
	questRun(s)
	rep := audit.Run(s.input(time.Minute))
	require.True(t, rep.OK(), rep.Text())
	require.Equal(t, 1, rep.Counts["party-quest instances"])
}

func TestQuestEventTwice(t *testing.T) {
	s := rideStream(t)
	questRun(s)
	pq(s, messages.TypeStageAdvanced, stageBody{StageIndex: 1}, t0.Add(7*time.Second)) // a restored timer fired again
	pq(s, messages.TypeCharacterRegistered, messages.CharacterRegisteredBody{CharacterID: 1}, t0.Add(7*time.Second))
	pq(s, messages.TypeCharacterRegistered, messages.CharacterRegisteredBody{CharacterID: 2}, t0.Add(7*time.Second))
	rep := audit.Run(s.input(time.Minute))
	requireFinding(t, rep, "party-quest STAGE_ADVANCED twice", 1)
	requireFinding(t, rep, "party-quest CHARACTER_REGISTERED twice", 1)
	require.Equal(t, 2, rep.Violated(audit.Duplicates))
}

func TestQuestStageTimerThatNeverFired(t *testing.T) {
	s := rideStream(t)
	pq(s, messages.TypeInstanceCreated, messages.InstanceCreatedBody{PartyID: 7}, t0)
	pq(s, messages.TypeStarted, stageBody{StageIndex: 0}, t0.Add(time.Second))
	rep := audit.Run(s.input(time.Minute))
	f := requireFinding(t, rep, "party-quest timer never fired", 1)
	require.Contains(t, f.Examples[0], "stage 0 limit")
}

func TestQuestStageTimerLateIsANote(t *testing.T) {
	s := rideStream(t)
	pq(s, messages.TypeStarted, stageBody{StageIndex: 0}, t0.Add(time.Second))
	pq(s, messages.TypeStageAdvanced, stageBody{StageIndex: 1}, t0.Add(9*time.Second))
	pq(s, messages.TypeInstanceDestroyed, struct{}{}, t0.Add(10*time.Second))
	rep := audit.Run(s.input(time.Minute))
	require.True(t, rep.OK(), rep.Text())
	require.Len(t, rep.Notes, 1, rep.Text())
}

func TestQuestOfAnUnknownDefinition(t *testing.T) {
	s := rideStream(t)
	s.add(messages.PartyQuestStatus(0, inst, "nope", messages.TypeStarted, stageBody{}), t0, "")
	requireFinding(t, audit.Run(s.input(time.Minute)), "party-quest event of an unknown tenant or quest", 1)
}
