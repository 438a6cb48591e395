package messages_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
)

// The golden files under testdata/golden are written by hand from the seeds
// (seeds/transport-service-kafka.md, seeds/party-quest-service-kafka.md) and
// the reference JSON shapes; they are never generated from the Go types.

// producedCase is a message the service produces: built with the package's
// constructors, it must marshal to its golden file.
type producedCase struct {
	golden string
	schema schema
	rec    messages.Record
	topic  messages.Topic
	key    []byte
}

// Bodies of the seeds' produced messages.
var (
	mapBody          = schema{"mapId": kUint32}
	rideBody         = schema{"routeId": kUUID, "instanceId": kUUID}
	rideCancelBody   = schema{"routeId": kUUID, "instanceId": kUUID, "reason": kString}
	changeMapBody    = schema{"channelId": kByte, "mapId": kUint32, "instance": kUUID, "portalId": kUint32}
	stageBody        = schema{"stageIndex": kUint32, "mapIds": kUint32List}
	stageClearedBody = schema{"stageIndex": kUint32, "channelId": kByte, "mapIds": kUint32List, "fieldInstances": kUUIDList}
)

func producedCases() []producedCase {
	pq := func(typ string, body any) messages.Record {
		switch b := body.(type) {
		case messages.InstanceCreatedBody:
			return messages.PartyQuestStatus(0, pqID, "kerning_city_pq", typ, b)
		case messages.RegistrationOpenedBody:
			return messages.PartyQuestStatus(0, pqID, "kerning_city_pq", typ, b)
		case messages.CharacterRegisteredBody:
			return messages.PartyQuestStatus(0, pqID, "kerning_city_pq", typ, b)
		case messages.StageBody:
			return messages.PartyQuestStatus(0, pqID, "kerning_city_pq", typ, b)
		case messages.StageClearedBody:
			return messages.PartyQuestStatus(0, pqID, "kerning_city_pq", typ, b)
		case messages.FailedBody:
			return messages.PartyQuestStatus(0, pqID, "kerning_city_pq", typ, b)
		case messages.Empty:
			return messages.PartyQuestStatus(0, pqID, "kerning_city_pq", typ, b)
		}
		panic("unknown body")
	}
	ride := messages.RideBody{RouteID: routeID, InstanceID: rideID}
	pqKey := []byte(pqID.String())
	routeKey := []byte(routeID.String())
	charKey := []byte{0xD2, 0x04, 0, 0, 0, 0, 0, 0} // 1234
	return []producedCase{
		// EVENT_TOPIC_TRANSPORT_STATUS, keyed by route id.
		{"transport_arrived.json", withBody(transportEnv, mapBody),
			messages.TransportStatus(routeID, messages.TypeArrived, 101000300), messages.EventTopicTransportStatus, routeKey},
		{"transport_departed.json", withBody(transportEnv, mapBody),
			messages.TransportStatus(routeID, messages.TypeDeparted, 101000300), messages.EventTopicTransportStatus, routeKey},

		// EVENT_TOPIC_INSTANCE_TRANSPORT, keyed by character id.
		{"instance_transport_started.json", withBody(characterEnv, rideBody),
			messages.RideEvent(0, 1234, messages.TypeStarted, ride), messages.EventTopicInstanceTransport, charKey},
		{"instance_transport_completed.json", withBody(characterEnv, rideBody),
			messages.RideEvent(0, 1234, messages.TypeCompleted, ride), messages.EventTopicInstanceTransport, charKey},
		{"instance_transport_cancelled.json", withBody(characterEnv, rideCancelBody),
			messages.RideEvent(0, 1234, messages.TypeCancelled, messages.RideCancelledBody{RouteID: routeID, InstanceID: rideID, Reason: messages.CancelMapExit}),
			messages.EventTopicInstanceTransport, charKey},

		// COMMAND_TOPIC_CHARACTER, keyed by character id.
		{"change_map.json", withBody(commandEnv, changeMapBody),
			messages.ChangeMap(1, 1234, messages.ChangeMapBody{ChannelID: 2, MapID: 200090010, Instance: rideID, PortalID: 3}),
			messages.CommandTopicCharacter, charKey},
		{"change_map_nil_instance.json", withBody(commandEnv, changeMapBody),
			messages.ChangeMap(0, 1234, messages.ChangeMapBody{ChannelID: 1, MapID: 103000800}),
			messages.CommandTopicCharacter, charKey},

		// EVENT_TOPIC_PARTY_QUEST_STATUS, keyed by instance id.
		{"pq_instance_created.json", withBody(pqStatusEnv, schema{"partyId": kUint32, "channelId": kByte}),
			pq(messages.TypeInstanceCreated, messages.InstanceCreatedBody{PartyID: 7, ChannelID: 1}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_registration_opened.json", withBody(pqStatusEnv, schema{"duration": kInt64}),
			pq(messages.TypeRegistrationOpened, messages.RegistrationOpenedBody{Duration: 60}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_character_registered.json", withBody(pqStatusEnv, schema{"characterId": kUint32}),
			pq(messages.TypeCharacterRegistered, messages.CharacterRegisteredBody{CharacterID: 1234}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_started.json", withBody(pqStatusEnv, stageBody),
			pq(messages.TypeStarted, messages.StageBody{StageIndex: 0, MapIDs: []uint32{103000800}}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_started_no_maps.json", withBody(pqStatusEnv, stageBody), // nil slice → []
			pq(messages.TypeStarted, messages.StageBody{}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_stage_cleared.json", withBody(pqStatusEnv, stageClearedBody),
			pq(messages.TypeStageCleared, messages.StageClearedBody{StageIndex: 1, ChannelID: 1, MapIDs: []uint32{103000801}, FieldInstances: []uuid.UUID{fieldID1, fieldID2}}),
			messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_stage_cleared_empty.json", withBody(pqStatusEnv, stageClearedBody), // nil slices → []
			pq(messages.TypeStageCleared, messages.StageClearedBody{StageIndex: 1, ChannelID: 1}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_stage_advanced.json", withBody(pqStatusEnv, stageBody),
			pq(messages.TypeStageAdvanced, messages.StageBody{StageIndex: 2, MapIDs: []uint32{103000802, 103000803}}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_completed.json", withBody(pqStatusEnv, nil),
			pq(messages.TypeCompleted, messages.Empty{}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_failed.json", withBody(pqStatusEnv, schema{"reason": kString}),
			pq(messages.TypeFailed, messages.FailedBody{Reason: messages.FailForfeit}), messages.EventTopicPartyQuestStatus, pqKey},
		{"pq_instance_destroyed.json", withBody(pqStatusEnv, nil),
			pq(messages.TypeInstanceDestroyed, messages.Empty{}), messages.EventTopicPartyQuestStatus, pqKey},
	}
}

// TestGoldenProduced marshals each produced message built with the package's
// constructors and compares it with its hand-written golden file, semantically
// and field by field (names, JSON kinds, ranges; arrays never null). It also
// checks the record's topic and key.
func TestGoldenProduced(t *testing.T) {
	for _, c := range producedCases() {
		t.Run(strings.TrimSuffix(c.golden, ".json"), func(t *testing.T) {
			want := golden(t, c.golden)
			checkSchema(t, want, c.schema) // the hand-written file follows the seed
			got, err := json.Marshal(c.rec.Value)
			require.NoError(t, err)
			checkSchema(t, got, c.schema) // so does the produced JSON
			assert.JSONEq(t, string(want), string(got))
			assert.Equal(t, c.topic, c.rec.Topic, "topic")
			assert.Equal(t, c.key, c.rec.Key, "key")
		})
	}
}

// TestProducedSlicesNeverNull checks the array fields of produced bodies stay
// arrays whichever way the body value is reached (value, pointer, nested).
func TestProducedSlicesNeverNull(t *testing.T) {
	for _, v := range []any{
		messages.StageBody{}, &messages.StageBody{},
		messages.StageClearedBody{}, &messages.StageClearedBody{},
		messages.PartyQuestStatusEvent[messages.StageBody]{},
		messages.PartyQuestStatusEvent[*messages.StageClearedBody]{Body: &messages.StageClearedBody{}},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%T: %v", v, err)
		}
		if strings.Contains(string(b), "null") {
			t.Errorf("%T marshals a null: %s", v, b)
		}
	}
	// Non-nil slices are kept as they are.
	b, err := json.Marshal(messages.StageClearedBody{MapIDs: []uint32{1, 2}, FieldInstances: []uuid.UUID{fieldID1}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"stageIndex":0,"channelId":0,"mapIds":[1,2],"fieldInstances":["`+fieldID1.String()+`"]}`, string(b))
}

// consumedCase is a message the service consumes: its golden file must decode
// to want, every field compared.
type consumedCase struct {
	golden string
	schema schema
	topic  messages.Topic
	decode func([]byte) (any, error)
	encode func(any) ([]byte, error)
	want   any
}

func adapt[T any](decode func([]byte) (T, error)) func([]byte) (any, error) {
	return func(b []byte) (any, error) { return decode(b) }
}

func marshalAny(v any) ([]byte, error) { return json.Marshal(v) }

func encodePQAny(v any) ([]byte, error) { return encodePQ(v.(messages.PartyQuestCommand)) }

// Bodies of the seeds' consumed messages.
var (
	locationBody   = schema{"channelId": kByte, "mapId": kUint32, "instance": kUUID}
	startBody      = schema{"routeId": kUUID, "channelId": kByte}
	characterBody  = schema{"characterId": kUint32}
	instanceBody   = schema{"instanceId": kUUID}
	registerBody   = schema{"questId": kString, "partyId": kUint32, "channelId": kByte, "mapId": kUint32}
	registerNoPty  = schema{"questId": kString, "channelId": kByte, "mapId": kUint32}
	stageStateBody = schema{"instanceId": kUUID, "itemCounts": kUint32Map, "monsterKills": kUint32Map}
)

func consumedCases() []consumedCase {
	charStatus := adapt(messages.DecodeCharacterStatus)
	pqCmd := adapt(messages.DecodePartyQuestCommand)
	pqInstance := func(typ string) messages.PartyQuestCommand {
		return messages.PartyQuestCommand{CharacterID: 1234, Type: typ, Instance: &messages.InstanceBody{InstanceID: pqID}}
	}
	return []consumedCase{
		{"login.json", withBody(characterEnv, locationBody), messages.EventTopicCharacterStatus, charStatus, marshalAny,
			messages.CharacterEvent[messages.LocationBody]{TransactionID: txID, WorldID: 0, CharacterID: 1234, Type: messages.TypeLogin,
				Body: messages.LocationBody{ChannelID: 1, MapID: 200090010, Instance: rideID}}},
		{"logout.json", withBody(characterEnv, locationBody), messages.EventTopicCharacterStatus, charStatus, marshalAny,
			messages.CharacterEvent[messages.LocationBody]{TransactionID: txID, WorldID: 2, CharacterID: 4294967295, Type: messages.TypeLogout,
				Body: messages.LocationBody{ChannelID: 255, MapID: 101000300, Instance: uuid.Nil}}},
		{"channel_started.json", channelEnv, messages.EventTopicChannelStatus, adapt(messages.DecodeChannelStatus), marshalAny,
			messages.ChannelStatusEvent{Type: messages.TypeChannelStarted, WorldID: 0, ChannelID: 3, IPAddress: "10.0.0.17", Port: 7577}},
		{"channel_shutdown.json", channelEnv, messages.EventTopicChannelStatus, adapt(messages.DecodeChannelStatus), marshalAny,
			messages.ChannelStatusEvent{Type: messages.TypeChannelShutdown, WorldID: 1, ChannelID: 0, IPAddress: "10.0.0.18", Port: 7575}},
		{"start_transport.json", withBody(characterEnv, startBody), messages.CommandTopicInstanceTransport, adapt(messages.DecodeStartTransport), marshalAny,
			messages.CharacterEvent[messages.StartTransportBody]{TransactionID: txID, WorldID: 0, CharacterID: 1234, Type: messages.TypeStart,
				Body: messages.StartTransportBody{RouteID: routeID, ChannelID: 2}}},
		{"map_character_exit.json", withBody(mapStatusEnv, characterBody), messages.EventTopicMapStatus, adapt(messages.DecodeMapStatus), marshalAny,
			messages.MapStatusEvent[messages.CharacterBody]{TransactionID: txID, WorldID: 0, ChannelID: 2, MapID: 200090010, Instance: rideID,
				Type: messages.TypeCharacterExit, Body: messages.CharacterBody{CharacterID: 1234}}},
		{"map_character_enter.json", withBody(mapStatusEnv, characterBody), messages.EventTopicMapStatus, adapt(messages.DecodeMapStatus), marshalAny,
			messages.MapStatusEvent[messages.CharacterBody]{WorldID: 1, ChannelID: 0, MapID: 101000300,
				Type: messages.TypeCharacterEnter, Body: messages.CharacterBody{CharacterID: 5678}}},

		{"pq_register.json", withBody(commandEnv, registerBody), messages.CommandTopicPartyQuest, pqCmd, encodePQAny,
			messages.PartyQuestCommand{WorldID: 0, CharacterID: 1234, Type: messages.TypeRegister,
				Register: &messages.RegisterBody{QuestID: "kerning_city_pq", PartyID: 7, ChannelID: 1, MapID: 103000000}}},
		{"pq_register_individual.json", withBody(commandEnv, registerNoPty), messages.CommandTopicPartyQuest, pqCmd, encodePQAny,
			messages.PartyQuestCommand{WorldID: 1, CharacterID: 5678, Type: messages.TypeRegister,
				Register: &messages.RegisterBody{QuestID: "ludibrium_pq", ChannelID: 0, MapID: 221024500}}},
		{"pq_start.json", withBody(commandEnv, instanceBody), messages.CommandTopicPartyQuest, pqCmd, encodePQAny, pqInstance(messages.TypeStart)},
		{"pq_stage_clear_attempt.json", withBody(commandEnv, instanceBody), messages.CommandTopicPartyQuest, pqCmd, encodePQAny, pqInstance(messages.TypeStageClearAttempt)},
		{"pq_stage_advance.json", withBody(commandEnv, instanceBody), messages.CommandTopicPartyQuest, pqCmd, encodePQAny, pqInstance(messages.TypeStageAdvance)},
		{"pq_forfeit.json", withBody(commandEnv, instanceBody), messages.CommandTopicPartyQuest, pqCmd, encodePQAny, pqInstance(messages.TypeForfeit)},
		{"pq_update_stage_state.json", withBody(commandEnv, stageStateBody), messages.CommandTopicPartyQuest, pqCmd, encodePQAny,
			messages.PartyQuestCommand{CharacterID: 1234, Type: messages.TypeUpdateStageState,
				StageState: &messages.UpdateStageStateBody{InstanceID: pqID,
					ItemCounts:   map[uint32]uint32{4001007: 10, 4001008: 1},
					MonsterKills: map[uint32]uint32{9300000: 3}}}},
		{"pq_update_stage_state_minimal.json", withBody(commandEnv, instanceBody), messages.CommandTopicPartyQuest, pqCmd, encodePQAny,
			messages.PartyQuestCommand{CharacterID: 1234, Type: messages.TypeUpdateStageState,
				StageState: &messages.UpdateStageStateBody{InstanceID: pqID}}},
	}
}

// TestGoldenConsumed decodes each consumed golden file with its Decode*
// function and compares every field with the value the seed describes; the
// decoded value must also re-encode to the same JSON.
func TestGoldenConsumed(t *testing.T) {
	for _, c := range consumedCases() {
		t.Run(strings.TrimSuffix(c.golden, ".json"), func(t *testing.T) {
			in := golden(t, c.golden)
			checkSchema(t, in, c.schema) // the hand-written file follows the seed
			got, err := c.decode(in)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			out, err := c.encode(got)
			require.NoError(t, err)
			assert.JSONEq(t, string(in), string(out))
		})
	}
}

// TestGoldenCoverage checks every message type of both seeds has a golden
// file, and every golden file is used by a test.
func TestGoldenCoverage(t *testing.T) {
	seedTypes := map[messages.Topic][]string{
		// transport-service-kafka.md (CHARACTER_ENTER is consumed too: DECISIONS "Who is in a map").
		messages.EventTopicCharacterStatus:     {messages.TypeLogin, messages.TypeLogout},
		messages.EventTopicChannelStatus:       {messages.TypeChannelStarted, messages.TypeChannelShutdown},
		messages.CommandTopicInstanceTransport: {messages.TypeStart},
		messages.EventTopicMapStatus:           {messages.TypeCharacterEnter, messages.TypeCharacterExit},
		messages.EventTopicTransportStatus:     {messages.TypeArrived, messages.TypeDeparted},
		messages.EventTopicInstanceTransport:   {messages.TypeStarted, messages.TypeCompleted, messages.TypeCancelled},
		messages.CommandTopicCharacter:         {messages.TypeChangeMap},
		// party-quest-service-kafka.md
		messages.CommandTopicPartyQuest: {messages.TypeRegister, messages.TypeStart, messages.TypeStageClearAttempt,
			messages.TypeStageAdvance, messages.TypeForfeit, messages.TypeUpdateStageState},
		messages.EventTopicPartyQuestStatus: {messages.TypeInstanceCreated, messages.TypeRegistrationOpened,
			messages.TypeCharacterRegistered, messages.TypeStarted, messages.TypeStageCleared, messages.TypeStageAdvanced,
			messages.TypeCompleted, messages.TypeFailed, messages.TypeInstanceDestroyed},
	}
	covered := map[messages.Topic][]string{}
	used := map[string]bool{}
	typeOf := func(file string) string {
		var env struct{ Type string }
		if err := json.Unmarshal(golden(t, file), &env); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return env.Type
	}
	for _, c := range producedCases() {
		covered[c.topic] = append(covered[c.topic], typeOf(c.golden))
		used[c.golden] = true
	}
	for _, c := range consumedCases() {
		covered[c.topic] = append(covered[c.topic], typeOf(c.golden))
		used[c.golden] = true
	}
	for topic, types := range seedTypes {
		for _, typ := range types {
			if !slices.Contains(covered[topic], typ) {
				t.Errorf("%s %s has no golden file", topic, typ)
			}
		}
	}
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !used[e.Name()] {
			t.Errorf("golden file %s is not used by any test", e.Name())
		}
	}
}
