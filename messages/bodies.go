package messages

import (
	"encoding/json"

	"github.com/google/uuid"
)

// MapBody is the body of ARRIVED and DEPARTED: the observation map.
type MapBody struct {
	MapID uint32 `json:"mapId"`
}

// RideBody is the body of instance-transport STARTED and COMPLETED.
type RideBody struct {
	RouteID    uuid.UUID `json:"routeId"`
	InstanceID uuid.UUID `json:"instanceId"`
}

// RideCancelledBody is the body of instance-transport CANCELLED.
type RideCancelledBody struct {
	RouteID    uuid.UUID `json:"routeId"`
	InstanceID uuid.UUID `json:"instanceId"`
	Reason     string    `json:"reason"`
}

// StartTransportBody is the body of COMMAND_TOPIC_INSTANCE_TRANSPORT START.
type StartTransportBody struct {
	RouteID   uuid.UUID `json:"routeId"`
	ChannelID byte      `json:"channelId"`
}

// ChangeMapBody is the body of CHANGE_MAP.
type ChangeMapBody struct {
	ChannelID byte      `json:"channelId"`
	MapID     uint32    `json:"mapId"`
	Instance  uuid.UUID `json:"instance"`
	PortalID  uint32    `json:"portalId"`
}

// LocationBody is the body of LOGIN and LOGOUT.
type LocationBody struct {
	ChannelID byte      `json:"channelId"`
	MapID     uint32    `json:"mapId"`
	Instance  uuid.UUID `json:"instance"`
}

// CharacterBody is the body of CHARACTER_ENTER and CHARACTER_EXIT.
type CharacterBody struct {
	CharacterID uint32 `json:"characterId"`
}

// RegisterBody is the body of party-quest REGISTER.
type RegisterBody struct {
	QuestID   string `json:"questId"`
	PartyID   uint32 `json:"partyId,omitempty"`
	ChannelID byte   `json:"channelId"`
	MapID     uint32 `json:"mapId"`
}

// InstanceBody is the body of START, STAGE_CLEAR_ATTEMPT, STAGE_ADVANCE and FORFEIT.
type InstanceBody struct {
	InstanceID uuid.UUID `json:"instanceId"`
}

// UpdateStageStateBody is the body of UPDATE_STAGE_STATE: deltas, keyed by
// item template id and monster id (decimal strings in JSON). The decoder
// leaves an absent, null or empty map nil.
type UpdateStageStateBody struct {
	InstanceID   uuid.UUID         `json:"instanceId"`
	ItemCounts   map[uint32]uint32 `json:"itemCounts,omitempty"`
	MonsterKills map[uint32]uint32 `json:"monsterKills,omitempty"`
}

// InstanceCreatedBody is the body of INSTANCE_CREATED.
type InstanceCreatedBody struct {
	PartyID   uint32 `json:"partyId"`
	ChannelID byte   `json:"channelId"`
}

// RegistrationOpenedBody is the body of REGISTRATION_OPENED (seconds).
type RegistrationOpenedBody struct {
	Duration int64 `json:"duration"`
}

// CharacterRegisteredBody is the body of CHARACTER_REGISTERED.
type CharacterRegisteredBody struct {
	CharacterID uint32 `json:"characterId"`
}

// StageBody is the body of party-quest STARTED and STAGE_ADVANCED.
type StageBody struct {
	StageIndex uint32   `json:"stageIndex"`
	MapIDs     []uint32 `json:"mapIds"`
}

// MarshalJSON encodes b with a nil MapIDs as `[]`, never `null`: the
// contract's mapIds is always an array.
func (b StageBody) MarshalJSON() ([]byte, error) {
	type wire StageBody // no methods: no recursion
	if b.MapIDs == nil {
		b.MapIDs = []uint32{}
	}
	return json.Marshal(wire(b))
}

// StageClearedBody is the body of STAGE_CLEARED.
type StageClearedBody struct {
	StageIndex     uint32      `json:"stageIndex"`
	ChannelID      byte        `json:"channelId"`
	MapIDs         []uint32    `json:"mapIds"`
	FieldInstances []uuid.UUID `json:"fieldInstances"`
}

// MarshalJSON encodes b with a nil MapIDs or FieldInstances as `[]`, never
// `null`: both are always arrays in the contract.
func (b StageClearedBody) MarshalJSON() ([]byte, error) {
	type wire StageClearedBody // no methods: no recursion
	if b.MapIDs == nil {
		b.MapIDs = []uint32{}
	}
	if b.FieldInstances == nil {
		b.FieldInstances = []uuid.UUID{}
	}
	return json.Marshal(wire(b))
}

// FailedBody is the body of FAILED.
type FailedBody struct {
	Reason string `json:"reason"`
}

// Empty is the body of COMPLETED and INSTANCE_DESTROYED: `{}`.
type Empty struct{}
