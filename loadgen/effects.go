package loadgen

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
)

// Effect is the part of an output record the scenarios need.
type Effect struct {
	Topic      messages.Topic
	Type       string
	Character  uint32
	Instance   uuid.UUID
	Route      uuid.UUID
	PartyID    uint32
	StageIndex uint32
	Reason     string    // CANCELLED reason, FAILED reason, or the dead-letter reason
	Stamp      time.Time // the record's timestamp: the instant the service decided it
	Seen       time.Time // when the loadgen's read_committed consumer got it
}

// effectWire covers the envelopes of every topic the loadgen reads.
type effectWire struct {
	CharacterID uint32    `json:"characterId"`
	InstanceID  uuid.UUID `json:"instanceId"`
	RouteID     uuid.UUID `json:"routeId"`
	Type        string    `json:"type"`
	Body        struct {
		RouteID    uuid.UUID `json:"routeId"`
		InstanceID uuid.UUID `json:"instanceId"`
		PartyID    uint32    `json:"partyId"`
		StageIndex uint32    `json:"stageIndex"`
		Reason     string    `json:"reason"`
	} `json:"body"`
}

// DecodeEffect reads an output record of topic (a dead-lettered record is
// decoded as the command it copies; its reason comes from the headers).
func DecodeEffect(topic messages.Topic, value []byte) (Effect, error) {
	var w effectWire
	if !scanEffect(value, &w) {
		w = effectWire{}
		if err := json.Unmarshal(value, &w); err != nil {
			return Effect{}, fmt.Errorf("decode %s record: %w", topic, err)
		}
	}
	e := Effect{Topic: topic, Type: w.Type, Character: w.CharacterID, Instance: w.InstanceID, Route: w.RouteID,
		PartyID: w.Body.PartyID, StageIndex: w.Body.StageIndex, Reason: w.Body.Reason}
	if topic == messages.EventTopicInstanceTransport {
		e.Instance, e.Route = w.Body.InstanceID, w.Body.RouteID
	}
	return e, nil
}

// Corr is the correlation id this effect completes ("" for none).
func (e Effect) Corr() string {
	switch e.Topic {
	case messages.EventTopicInstanceTransport:
		if e.Type == messages.TypeStarted {
			return RideCorr(e.Character, e.Type)
		}
	case messages.EventTopicPartyQuestStatus:
		switch e.Type {
		case messages.TypeInstanceCreated:
			return PartyCorr(e.PartyID)
		case messages.TypeStarted, messages.TypeStageCleared, messages.TypeStageAdvanced, messages.TypeInstanceDestroyed:
			return QuestCorr(e.Instance, e.Type, e.StageIndex)
		}
	}
	return ""
}
