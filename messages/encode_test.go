package messages_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
)

// sameAsEncodingJSON fails t unless v's AppendJSON writes what
// encoding/json writes for v (the reflection path: AppendJSON is not a
// MarshalJSON, so json.Marshal does not call it).
func sameAsEncodingJSON(t *testing.T, v jsonbytes.Appender) {
	t.Helper()
	want, err := json.Marshal(v)
	require.NoError(t, err)
	got, err := v.AppendJSON([]byte("prefix:"))
	require.NoError(t, err)
	require.Equal(t, "prefix:"+string(want), string(got), "%#v", v)
}

// values draws field values, the awkward ones now and then: strings
// encoding/json escapes, nil and empty slices, extremes.
type values struct{ rnd *rand.Rand }

func (v values) str() string {
	return []string{"", "PQ1", "henesys_pq", "a\"b\\c", "<script>&", "é ü", "\xff\xfe", "tab\there", "\u2028", "line\nbreak"}[v.rnd.IntN(10)]
}

func (v values) u32() uint32 {
	return []uint32{0, 1, 255, 103000800, 4294967295, v.rnd.Uint32()}[v.rnd.IntN(6)]
}

func (v values) u8() byte { return byte(v.rnd.IntN(256)) }

func (v values) id() uuid.UUID {
	if v.rnd.IntN(5) == 0 {
		return uuid.Nil
	}
	var id uuid.UUID
	for i := range id {
		id[i] = byte(v.rnd.IntN(256))
	}
	return id
}

func (v values) ids() []uint32 {
	switch v.rnd.IntN(4) {
	case 0:
		return nil
	case 1:
		return []uint32{}
	}
	out := make([]uint32, 1+v.rnd.IntN(4))
	for i := range out {
		out[i] = v.u32()
	}
	return out
}

func (v values) uuids() []uuid.UUID {
	switch v.rnd.IntN(4) {
	case 0:
		return nil
	case 1:
		return []uuid.UUID{}
	}
	out := make([]uuid.UUID, 1+v.rnd.IntN(4))
	for i := range out {
		out[i] = v.id()
	}
	return out
}

// TestAppendJSONWritesWhatEncodingJSONWrites covers every envelope and
// body the service emits, over random values.
func TestAppendJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	v := values{rand.New(rand.NewPCG(5, 7))}
	for range 2000 {
		bodies := []jsonbytes.Appender{
			messages.MapBody{MapID: v.u32()},
			messages.RideBody{RouteID: v.id(), InstanceID: v.id()},
			messages.RideCancelledBody{RouteID: v.id(), InstanceID: v.id(), Reason: v.str()},
			messages.ChangeMapBody{ChannelID: v.u8(), MapID: v.u32(), Instance: v.id(), PortalID: v.u32()},
			messages.StageBody{StageIndex: v.u32(), MapIDs: v.ids()},
			messages.StageClearedBody{StageIndex: v.u32(), ChannelID: v.u8(), MapIDs: v.ids(), FieldInstances: v.uuids()},
			messages.InstanceCreatedBody{PartyID: v.u32(), ChannelID: v.u8()},
			messages.RegistrationOpenedBody{Duration: v.rnd.Int64N(1<<40) - 1<<39},
			messages.CharacterRegisteredBody{CharacterID: v.u32()},
			messages.FailedBody{Reason: v.str()},
			messages.Empty{},
		}
		for _, b := range bodies {
			sameAsEncodingJSON(t, b)
		}
		b := bodies[v.rnd.IntN(len(bodies))]
		sameAsEncodingJSON(t, messages.Command[jsonbytes.Appender]{WorldID: v.u8(), CharacterID: v.u32(), Type: v.str(), Body: b})
		sameAsEncodingJSON(t, messages.CharacterEvent[jsonbytes.Appender]{TransactionID: v.id(), WorldID: v.u8(), CharacterID: v.u32(), Type: v.str(), Body: b})
		sameAsEncodingJSON(t, messages.TransportStatusEvent[jsonbytes.Appender]{RouteID: v.id(), Type: v.str(), Body: b})
		sameAsEncodingJSON(t, messages.PartyQuestStatusEvent[jsonbytes.Appender]{WorldID: v.u8(), InstanceID: v.id(), QuestID: v.str(), Type: v.str(), Body: b})
	}
	// A body without AppendJSON goes through encoding/json, inside the
	// envelope's own encoding.
	sameAsEncodingJSON(t, messages.Command[json.RawMessage]{Type: "X", Body: json.RawMessage(` { "a" : [1, 2] } `)})
	sameAsEncodingJSON(t, messages.Command[map[string]int]{Type: "X", Body: map[string]int{"b": 2, "a": 1}})
}

// TestEmittedValuesAppendTheirOwnJSON keeps the fast path in use: the
// values the record constructors build are Appenders.
func TestEmittedValuesAppendTheirOwnJSON(t *testing.T) {
	id := uuid.New()
	for _, r := range []messages.Record{
		messages.ChangeMap(1, 2, messages.ChangeMapBody{}),
		messages.TransportStatus(id, messages.TypeDeparted, 1),
		messages.RideEvent(1, 2, messages.TypeStarted, messages.RideBody{}),
		messages.RideEvent(1, 2, messages.TypeCancelled, messages.RideCancelledBody{}),
		messages.PartyQuestStatus(1, id, "q", messages.TypeStageCleared, messages.StageClearedBody{}),
	} {
		_, ok := r.Value.(jsonbytes.Appender)
		require.True(t, ok, "%T", r.Value)
	}
}
