package messages_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
)

// roundTrip marshals each value, decodes it with decode and requires the
// same value back.
func roundTrip[T any](t *testing.T, decode func([]byte) (T, error), encode func(T) ([]byte, error), values []T) {
	t.Helper()
	for i, v := range values {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			b, err := encode(v)
			require.NoError(t, err)
			got, err := decode(b)
			require.NoError(t, err, "decode %s", b)
			assert.Equal(t, v, got)
		})
	}
}

func marshal[T any](v T) ([]byte, error) { return json.Marshal(v) }

func TestRoundTripStartTransport(t *testing.T) {
	type ev = messages.CharacterEvent[messages.StartTransportBody]
	roundTrip(t, messages.DecodeStartTransport, marshal, []ev{
		{TransactionID: txID, WorldID: 0, CharacterID: 1234, Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: routeID, ChannelID: 2}},
		{WorldID: math.MaxUint8, CharacterID: math.MaxUint32, Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: uuid.Max, ChannelID: math.MaxUint8}},
		{CharacterID: 1, Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: routeID}},
	})
}

func TestRoundTripCharacterStatus(t *testing.T) {
	type ev = messages.CharacterEvent[messages.LocationBody]
	roundTrip(t, messages.DecodeCharacterStatus, marshal, []ev{
		{TransactionID: txID, WorldID: 1, CharacterID: 1234, Type: messages.TypeLogin, Body: messages.LocationBody{ChannelID: 1, MapID: 200090010, Instance: rideID}},
		{CharacterID: math.MaxUint32, Type: messages.TypeLogout, Body: messages.LocationBody{ChannelID: math.MaxUint8, MapID: math.MaxUint32}},
		{CharacterID: 1, Type: messages.TypeLogout},
	})
}

func TestRoundTripChannelStatus(t *testing.T) {
	roundTrip(t, messages.DecodeChannelStatus, marshal, []messages.ChannelStatusEvent{
		{Type: messages.TypeChannelStarted, WorldID: 0, ChannelID: 0, IPAddress: "127.0.0.1", Port: 7575},
		{Type: messages.TypeChannelShutdown, WorldID: math.MaxUint8, ChannelID: math.MaxUint8, IPAddress: "::1", Port: 65535},
		{Type: messages.TypeChannelStarted, IPAddress: "host\u00e9\"\\<>&", Port: 0},
	})
}

func TestRoundTripMapStatus(t *testing.T) {
	type ev = messages.MapStatusEvent[messages.CharacterBody]
	roundTrip(t, messages.DecodeMapStatus, marshal, []ev{
		{TransactionID: txID, WorldID: 0, ChannelID: 2, MapID: 200090010, Instance: rideID, Type: messages.TypeCharacterExit, Body: messages.CharacterBody{CharacterID: 1234}},
		{WorldID: math.MaxUint8, ChannelID: math.MaxUint8, MapID: math.MaxUint32, Type: messages.TypeCharacterEnter, Body: messages.CharacterBody{CharacterID: math.MaxUint32}},
	})
}

func TestRoundTripPartyQuestCommand(t *testing.T) {
	inst := func(typ string) messages.PartyQuestCommand {
		return messages.PartyQuestCommand{WorldID: 3, CharacterID: 99, Type: typ, Instance: &messages.InstanceBody{InstanceID: pqID}}
	}
	roundTrip(t, messages.DecodePartyQuestCommand, encodePQ, []messages.PartyQuestCommand{
		{WorldID: 0, CharacterID: 1234, Type: messages.TypeRegister, Register: &messages.RegisterBody{QuestID: "kerning_city_pq", PartyID: 7, ChannelID: 1, MapID: 103000000}},
		{WorldID: math.MaxUint8, CharacterID: math.MaxUint32, Type: messages.TypeRegister, Register: &messages.RegisterBody{QuestID: "ünïcode \"quoted\" <pq>", ChannelID: math.MaxUint8, MapID: math.MaxUint32}},
		inst(messages.TypeStart), inst(messages.TypeStageClearAttempt), inst(messages.TypeStageAdvance), inst(messages.TypeForfeit),
		{CharacterID: 1, Type: messages.TypeUpdateStageState, StageState: &messages.UpdateStageStateBody{InstanceID: pqID}},
		{CharacterID: 1, Type: messages.TypeUpdateStageState, StageState: &messages.UpdateStageStateBody{InstanceID: pqID,
			ItemCounts: map[uint32]uint32{0: 0, 4001007: 10, math.MaxUint32: math.MaxUint32}}},
		{CharacterID: 1, Type: messages.TypeUpdateStageState, StageState: &messages.UpdateStageStateBody{InstanceID: pqID,
			MonsterKills: map[uint32]uint32{9300000: 3, 9300001: 1}}},
	})
}

// TestDecodeStageStateEmptyMaps checks absent, null and empty delta maps all
// decode to nil, the one canonical form.
func TestDecodeStageStateEmptyMaps(t *testing.T) {
	for _, maps := range []string{``, `,"itemCounts":null,"monsterKills":null`, `,"itemCounts":{},"monsterKills":{}`} {
		in := `{"worldId":0,"characterId":1,"type":"UPDATE_STAGE_STATE","body":{"instanceId":"` + pqID.String() + `"` + maps + `}}`
		got, err := messages.DecodePartyQuestCommand([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got.StageState == nil || got.StageState.ItemCounts != nil || got.StageState.MonsterKills != nil {
			t.Errorf("%s: maps not nil: %+v", in, got.StageState)
		}
	}
}

// TestDecodePartyQuestCommandShape checks exactly one typed body is set, the
// one Type names, and InstanceID reports the target instance.
func TestDecodePartyQuestCommandShape(t *testing.T) {
	for _, c := range consumedCases() {
		if c.topic != messages.CommandTopicPartyQuest {
			continue
		}
		cmd, err := messages.DecodePartyQuestCommand(golden(t, c.golden))
		if err != nil {
			t.Fatalf("%s: %v", c.golden, err)
		}
		checkCommandShape(t, cmd)
		want := pqID
		if cmd.Type == messages.TypeRegister {
			want = uuid.Nil
		}
		if cmd.InstanceID() != want {
			t.Errorf("%s: InstanceID() = %s, want %s", c.golden, cmd.InstanceID(), want)
		}
	}
}

// checkCommandShape fails unless exactly the body that cmd.Type calls for is set.
func checkCommandShape(tb testing.TB, cmd messages.PartyQuestCommand) {
	tb.Helper()
	reg, ins, st := cmd.Register != nil, cmd.Instance != nil, cmd.StageState != nil
	var ok bool
	switch cmd.Type {
	case messages.TypeRegister:
		ok = reg && !ins && !st
	case messages.TypeUpdateStageState:
		ok = !reg && !ins && st
	case messages.TypeStart, messages.TypeStageClearAttempt, messages.TypeStageAdvance, messages.TypeForfeit:
		ok = !reg && ins && !st
	}
	if !ok {
		tb.Errorf("type %q with bodies register=%v instance=%v stageState=%v", cmd.Type, reg, ins, st)
	}
}

func TestIntKey(t *testing.T) {
	for _, c := range []struct {
		v    uint32
		want []byte
	}{
		{1234, []byte{0xD2, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
		{0, []byte{0, 0, 0, 0, 0, 0, 0, 0}},
		{1, []byte{0x01, 0, 0, 0, 0, 0, 0, 0}},
		{0x01020304, []byte{0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0}},
		{math.MaxUint32, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0}},
	} {
		if got := messages.IntKey(c.v); !bytes.Equal(got, c.want) {
			t.Errorf("IntKey(%d) = % X, want % X", c.v, got, c.want)
		}
	}
	// Each call returns its own slice.
	a, b := messages.IntKey(7), messages.IntKey(7)
	a[0] = 9
	if b[0] != 7 {
		t.Error("IntKey results share memory")
	}
}

func TestUUIDKey(t *testing.T) {
	for _, id := range []uuid.UUID{routeID, pqID, uuid.Nil, uuid.Max} {
		k := messages.UUIDKey(id)
		if len(k) != 36 {
			t.Fatalf("UUIDKey(%s) has %d bytes, want 36", id, len(k))
		}
		for i, c := range k {
			if c >= 0x80 {
				t.Fatalf("UUIDKey(%s) byte %d = %#x is not ASCII", id, i, c)
			}
		}
		if string(k) != id.String() {
			t.Errorf("UUIDKey(%s) = %q", id, k)
		}
		if back, err := uuid.ParseBytes(k); err != nil || back != id {
			t.Errorf("UUIDKey(%s) parses back to %s, %v", id, back, err)
		}
	}
	want := "5b1d3f8e-2c4a-4e6b-9a7d-1f2e3d4c5b6a"
	if got := string(messages.UUIDKey(routeID)); got != want {
		t.Errorf("UUIDKey = %q, want %q", got, want)
	}
}
