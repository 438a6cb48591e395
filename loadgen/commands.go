package loadgen

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Command is one record to produce, and what completes it.
type Command struct {
	Topic     messages.Topic
	Key       []byte
	Value     []byte
	Tenant    tenant.Tenant
	Character uint32
	Kind      string // for the report, e.g. "pq START"
	// Corr is the correlation id of the effect that completes this command
	// ("" when a later command's effect does, as for UPDATE_STAGE_STATE).
	Corr string
	// Commands is how many commands Corr's effect completes (this one and
	// the pipelined ones before it).
	Commands int
	// Delay holds the command back (ramp-up and think time).
	Delay time.Duration
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("loadgen: encode %T: %v", v, err)) // only fixed wire structs are encoded
	}
	return b
}

// RideStart is an instance-transport START for a character.
func RideStart(t tenant.Tenant, character uint32, route uuid.UUID) Command {
	v := messages.CharacterEvent[messages.StartTransportBody]{TransactionID: uuid.New(), CharacterID: character,
		Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: route, ChannelID: 1}}
	return Command{Topic: messages.CommandTopicInstanceTransport, Key: messages.IntKey(character), Value: mustJSON(v),
		Tenant: t, Character: character, Kind: "ride START", Corr: RideCorr(character, messages.TypeStarted), Commands: 1}
}

// QuestRegister is a party-quest REGISTER for a party of its own.
func QuestRegister(t tenant.Tenant, character, party uint32) Command {
	v := messages.Command[messages.RegisterBody]{CharacterID: character, Type: messages.TypeRegister,
		Body: messages.RegisterBody{QuestID: QuestID, PartyID: party, ChannelID: 1}}
	return questCommand(t, character, v, "pq REGISTER", PartyCorr(party))
}

// QuestInstanceCommand is START, STAGE_CLEAR_ATTEMPT, STAGE_ADVANCE or
// FORFEIT for an instance, completed by the effect corr.
func QuestInstanceCommand(t tenant.Tenant, character uint32, typ string, instance uuid.UUID, corr string) Command {
	v := messages.Command[messages.InstanceBody]{CharacterID: character, Type: typ, Body: messages.InstanceBody{InstanceID: instance}}
	return questCommand(t, character, v, "pq "+typ, corr)
}

// QuestUpdate is UPDATE_STAGE_STATE adding one QuestItem. It has no effect
// of its own: the clear attempt sent after it completes it.
func QuestUpdate(t tenant.Tenant, character uint32, instance uuid.UUID) Command {
	v := messages.Command[messages.UpdateStageStateBody]{CharacterID: character, Type: messages.TypeUpdateStageState,
		Body: messages.UpdateStageStateBody{InstanceID: instance, ItemCounts: map[uint32]uint32{QuestItem: 1}}}
	c := questCommand(t, character, v, "pq "+messages.TypeUpdateStageState, "")
	c.Commands = 0
	return c
}

func questCommand(t tenant.Tenant, character uint32, v any, kind, corr string) Command {
	return Command{Topic: messages.CommandTopicPartyQuest, Key: messages.IntKey(character), Value: mustJSON(v),
		Tenant: t, Character: character, Kind: kind, Corr: corr, Commands: 1}
}

// RideCorr names a ride event of a character.
func RideCorr(character uint32, typ string) string {
	b := make([]byte, 0, 48)
	b = append(b, "ride/"...)
	b = strconv.AppendUint(b, uint64(character), 10)
	return string(append(append(b, '/'), typ...))
}

// PartyCorr names the INSTANCE_CREATED of a party's instance.
func PartyCorr(party uint32) string {
	b := make([]byte, 0, 24)
	b = append(b, "pq/party/"...)
	return string(strconv.AppendUint(b, uint64(party), 10))
}

// QuestCorr names a status event of an instance; stage-indexed events carry
// their stage index so a late duplicate never matches the next stage.
// (Built by appending: one allocation, where fmt.Sprintf took several; a
// correlation id is built for most commands and most effects.)
func QuestCorr(instance uuid.UUID, typ string, stage uint32) string {
	b := make([]byte, 0, 80)
	b = append(b, "pq/"...)
	b = jsonbytes.AppendUUID(b, instance)
	b = append(append(b, '/'), typ...)
	switch typ {
	case messages.TypeStageCleared, messages.TypeStageAdvanced:
		b = strconv.AppendUint(append(b, '/'), uint64(stage), 10)
	}
	return string(b)
}
