package audit_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/messages"
)

func warp(s *stream, character, mapID uint32, at time.Time, trace string) {
	s.add(messages.ChangeMap(0, character, messages.ChangeMapBody{ChannelID: 1, MapID: mapID}), at, trace)
}

func TestWarpsTwice(t *testing.T) {
	s := rideStream(t)
	warp(s, 1, 201, t0.Add(time.Second), trace(1))
	warp(s, 1, 201, t0.Add(4*time.Second), trace(1)) // the same command handled again
	warp(s, 1, 201, t0.Add(9*time.Second), trace(2)) // another command
	warp(s, 2, 202, t0.Add(8*time.Second), "")
	warp(s, 2, 202, t0.Add(8*time.Second+300*time.Millisecond), "") // a timer fired twice
	warp(s, 2, 202, t0.Add(20*time.Second), "")                     // the next ride's arrival
	rep := audit.Run(s.input(time.Minute))
	requireFinding(t, rep, "CHANGE_MAP twice for one command", 1)
	requireFinding(t, rep, "CHANGE_MAP twice for one timer (same target within UntracedWarpWindow)", 1)
	require.Equal(t, 2, rep.Violated(audit.Duplicates))
	require.Equal(t, 3, rep.Counts["warps by timers"])
}

func TestEveryCommandHasItsEffectOrDeadLetter(t *testing.T) {
	s := rideStream(t)
	cmd := func(n int, typ string, sent time.Time) audit.Command {
		return audit.Command{Topic: messages.CommandTopicInstanceTransport, Type: typ, Tenant: tn, Character: uint32(n),
			Route: subway.ID, TraceID: trace(n), Sent: sent}
	}
	cmds := []audit.Command{
		cmd(1, messages.TypeStart, t0),                     // took effect
		cmd(2, messages.TypeStart, t0),                     // dead-lettered
		cmd(3, messages.TypeStart, t0),                     // lost
		cmd(4, messages.TypeStart, t0),                     // both
		cmd(5, messages.TypeUpdateStageState, t0),          // no effect of its own
		cmd(6, messages.TypeStart, t0.Add(88*time.Second)), // too recent
		cmd(7, messages.TypeStart, t0),                     // dead-lettered twice
	}
	started(s, 1, t0.Add(time.Second), trace(1))
	completed(s, 1, arrival)
	s.deadLetter(trace(2), "conflict", t0.Add(time.Second))
	warp(s, 4, 201, t0.Add(time.Second), trace(4))
	s.deadLetter(trace(4), "unknown_instance", t0.Add(2*time.Second))
	s.deadLetter(trace(7), "conflict", t0.Add(time.Second))
	s.deadLetter(trace(7), "conflict", t0.Add(3*time.Second))
	in := s.input(time.Minute)
	in.Commands = cmds
	rep := audit.Run(in)
	f := requireFinding(t, rep, "command without its effect or a dead letter", 1)
	require.Contains(t, f.Examples[0], "character 3")
	requireFinding(t, rep, "command both took effect and was dead-lettered", 1)
	requireFinding(t, rep, "command dead-lettered twice", 1)
	require.Equal(t, 1, rep.Counts["commands with their effect"])
	require.Equal(t, 1, rep.Counts["commands dead-lettered (conflict)"])
	require.Equal(t, 1, rep.Counts["commands too recent to judge"])
	require.Equal(t, 7, rep.Counts["commands sent"])
}

func TestUndecodableRecords(t *testing.T) {
	s := rideStream(t)
	s.recs = append(s.recs, audit.Record{Topic: messages.EventTopicPartyQuestStatus, Value: []byte("{"), Headers: headers(tn, ""), Timestamp: t0},
		audit.Record{Topic: messages.CommandTopicCharacter, Value: []byte(`{"type":"CHANGE_MAP"}`), Timestamp: t0})
	rep := audit.Run(s.input(time.Minute))
	f := requireFinding(t, rep, "undecodable record", 2)
	require.Contains(t, strings.Join(f.Examples, "\n"), "no TENANT_ID header")
}

func TestReportRendersAndRoundTrips(t *testing.T) {
	s := rideStream(t)
	for c := uint32(1); c <= 9; c++ {
		s.add(messages.RideEvent(0, c, messages.TypeStarted, messages.RideBody{RouteID: subway.ID, InstanceID: uuid.New()}), t0, "")
	}
	rep := audit.Run(s.input(time.Minute))
	require.False(t, rep.OK())
	text := rep.Text()
	require.Contains(t, text, "audit FAIL")
	require.Contains(t, text, "FAIL no timer fired twice or never: 9 violations")
	require.Equal(t, audit.Defaults.Examples, strings.Count(text, "e.g."), "examples are capped")
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	var back audit.Report
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, rep.Violations, back.Violations)
	require.False(t, back.OK())

	require.True(t, audit.Run(rideStream(t).input(time.Minute)).OK())
}
