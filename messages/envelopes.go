package messages

import "github.com/google/uuid"

// Command is the envelope of COMMAND_TOPIC_CHARACTER and COMMAND_TOPIC_PARTY_QUEST:
// no transaction id.
type Command[E any] struct {
	WorldID     byte   `json:"worldId"`
	CharacterID uint32 `json:"characterId"`
	Type        string `json:"type"`
	Body        E      `json:"body"`
}

// CharacterEvent is the envelope of COMMAND_TOPIC_INSTANCE_TRANSPORT,
// EVENT_TOPIC_INSTANCE_TRANSPORT and EVENT_TOPIC_CHARACTER_STATUS.
type CharacterEvent[E any] struct {
	TransactionID uuid.UUID `json:"transactionId"`
	WorldID       byte      `json:"worldId"`
	CharacterID   uint32    `json:"characterId"`
	Type          string    `json:"type"`
	Body          E         `json:"body"`
}

// MapStatusEvent is the envelope of EVENT_TOPIC_MAP_STATUS.
type MapStatusEvent[E any] struct {
	TransactionID uuid.UUID `json:"transactionId"`
	WorldID       byte      `json:"worldId"`
	ChannelID     byte      `json:"channelId"`
	MapID         uint32    `json:"mapId"`
	Instance      uuid.UUID `json:"instance"`
	Type          string    `json:"type"`
	Body          E         `json:"body"`
}

// TransportStatusEvent is the envelope of EVENT_TOPIC_TRANSPORT_STATUS.
type TransportStatusEvent[E any] struct {
	RouteID uuid.UUID `json:"routeId"`
	Type    string    `json:"type"`
	Body    E         `json:"body"`
}

// PartyQuestStatusEvent is the envelope of EVENT_TOPIC_PARTY_QUEST_STATUS.
type PartyQuestStatusEvent[E any] struct {
	WorldID    byte      `json:"worldId"`
	InstanceID uuid.UUID `json:"instanceId"`
	QuestID    string    `json:"questId"`
	Type       string    `json:"type"`
	Body       E         `json:"body"`
}

// ChannelStatusEvent is EVENT_TOPIC_CHANNEL_STATUS (it has no body).
type ChannelStatusEvent struct {
	Type      string `json:"type"`
	WorldID   byte   `json:"worldId"`
	ChannelID byte   `json:"channelId"`
	IPAddress string `json:"ipAddress"`
	Port      int    `json:"port"`
}
