package service_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
)

// A party registers through Kafka (no parties service: members join with
// their own REGISTER); the read API shows the definition and the live
// instance, by id, by character and its current stage.
func TestPartyQuestReadAPI(t *testing.T) {
	b := kafkatest.StartBroker(t)
	svc := runService(t, b, map[string]string{"CONFIG_PATH": "../config/samples/sample.json", "SUBSYSTEMS": "partyquest"})
	base := "http://" + svc.Addr()

	status, doc := call(t, "GET", base+"/api/party-quests/definitions", "", true)
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, doc["data"], 2)
	status, doc = call(t, "GET", base+"/api/party-quests/definitions/quest/kerning_city_pq", "", true)
	require.Equal(t, http.StatusOK, status)
	defID := doc["data"].(map[string]any)["id"].(string)
	status, _ = call(t, "GET", base+"/api/party-quests/definitions/"+defID, "", true)
	assert.Equal(t, http.StatusOK, status)
	status, _ = call(t, "GET", base+"/api/party-quests/definitions/quest/nope", "", true)
	assert.Equal(t, http.StatusNotFound, status)

	status, _ = call(t, "POST", base+"/api/party-quests/definitions/validate", `{"questId":"x"}`, true)
	assert.Equal(t, http.StatusOK, status)

	events := b.NewReader(t, false, messages.EventTopicPartyQuestStatus)
	c := b.Client(t)
	for _, ch := range []uint32{501, 502, 503} {
		b.Produce(t, c, messages.CommandTopicPartyQuest, messages.IntKey(ch), messages.Command[messages.RegisterBody]{
			WorldID: 0, CharacterID: ch, Type: messages.TypeRegister,
			Body: messages.RegisterBody{QuestID: "kerning_city_pq", PartyID: 9, ChannelID: 1, MapID: 103000000}}, kafkatest.Tenant)
	}
	created := events.WaitCount(20*time.Second, 1)
	var ev messages.PartyQuestStatusEvent[json.RawMessage]
	require.NoError(t, json.Unmarshal(created[0].Value, &ev))
	assert.Equal(t, messages.TypeInstanceCreated, ev.Type)
	assert.Equal(t, []byte(ev.InstanceID.String()), created[0].Key, "status events are keyed by instance id")
	events.WaitCount(20*time.Second, 4) // + REGISTRATION_OPENED and two CHARACTER_REGISTERED

	status, doc = call(t, "GET", base+"/api/party-quests/instances", "", true)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, doc["data"], 1)
	status, doc = call(t, "GET", base+"/api/party-quests/instances/character/502", "", true)
	require.Equal(t, http.StatusOK, status)
	inst := doc["data"].(map[string]any)
	assert.Equal(t, ev.InstanceID.String(), inst["id"])
	attrs := inst["attributes"].(map[string]any)
	assert.Equal(t, "registering", attrs["state"])
	assert.Len(t, attrs["characters"], 3)
	assert.Equal(t, defID, attrs["definitionId"])
	status, _ = call(t, "GET", base+"/api/party-quests/instances/"+ev.InstanceID.String()+"/stage", "", true)
	assert.Equal(t, http.StatusOK, status)
	status, _ = call(t, "GET", base+"/api/party-quests/instances/"+uuid.NewString(), "", true)
	assert.Equal(t, http.StatusNotFound, status)
	status, _ = call(t, "GET", base+"/api/party-quests/instances/character/x", "", true)
	assert.Equal(t, http.StatusBadRequest, status)
}
