package messages

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/google/uuid"
)

// rawEnvelope captures the type and the undecoded body of any envelope.
type rawEnvelope struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"body"`
}

func decodeJSON(b []byte, v any) *Rejection {
	if err := json.Unmarshal(b, v); err != nil {
		return Reject(ReasonBadJSON, "%v", err)
	}
	return nil
}

// decodeBody decodes a required body into v.
func decodeBody(raw json.RawMessage, typ string, v any) *Rejection {
	if len(raw) == 0 || string(raw) == "null" {
		return Reject(ReasonMissingField, "%s: body is missing", typ)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return Reject(ReasonBadBody, "%s: %v", typ, err)
	}
	return nil
}

func requireCharacter(typ string, id uint32) *Rejection {
	if id == 0 {
		return Reject(ReasonMissingField, "%s: characterId is missing or zero", typ)
	}
	return nil
}

func requireUUID(typ, field string, id uuid.UUID) *Rejection {
	if id == uuid.Nil {
		return Reject(ReasonMissingField, "%s: %s is missing or nil", typ, field)
	}
	return nil
}

// firstRejection returns the first non-nil rejection as an error (nil when none).
func firstRejection(rs ...*Rejection) error {
	for _, r := range rs {
		if r != nil {
			return r
		}
	}
	return nil
}

// envelope decodes the type first so an unknown type is reported as such,
// not as a body error.
func envelope(b []byte, known ...string) (rawEnvelope, error) {
	var env rawEnvelope
	if r := decodeJSON(b, &env); r != nil {
		return env, r
	}
	return env, checkEnvelope(b, env.Type, known)
}

// checkEnvelope checks a decoded record is an object of a known type.
func checkEnvelope(b []byte, typ string, known []string) error {
	// json.Unmarshal accepts a bare null as an empty struct; a record must be an object.
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return Reject(ReasonBadJSON, "record is not a JSON object")
	}
	if typ == "" {
		return Reject(ReasonMissingField, "type is missing")
	}
	for _, k := range known {
		if typ == k {
			return nil
		}
	}
	return Reject(ReasonUnknownType, "type %q", typ)
}

// decodeFull decodes the whole record into v and checks the body is present.
func decodeFull(b []byte, env rawEnvelope, v any) error {
	if len(env.Body) == 0 || string(env.Body) == "null" {
		return Reject(ReasonMissingField, "%s: body is missing", env.Type)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return Reject(ReasonBadBody, "%s: %v", env.Type, err)
	}
	return nil
}

// DecodeStartTransport decodes a COMMAND_TOPIC_INSTANCE_TRANSPORT record.
func DecodeStartTransport(b []byte) (CharacterEvent[StartTransportBody], error) {
	if cmd, ok := fastStartTransport(b); ok {
		return cmd, nil
	}
	return decodeStartTransportJSON(b)
}

// decodeStartTransportJSON is DecodeStartTransport through encoding/json,
// which decides every record the fast path does not take.
func decodeStartTransportJSON(b []byte) (CharacterEvent[StartTransportBody], error) {
	var cmd CharacterEvent[StartTransportBody]
	env, err := envelope(b, TypeStart)
	if err != nil {
		return cmd, err
	}
	if err := decodeFull(b, env, &cmd); err != nil {
		return cmd, err
	}
	return cmd, firstRejection(
		requireCharacter(cmd.Type, cmd.CharacterID),
		requireUUID(cmd.Type, "body.routeId", cmd.Body.RouteID))
}

// DecodeCharacterStatus decodes a LOGIN or LOGOUT record of EVENT_TOPIC_CHARACTER_STATUS.
func DecodeCharacterStatus(b []byte) (CharacterEvent[LocationBody], error) {
	var ev CharacterEvent[LocationBody]
	env, err := envelope(b, TypeLogin, TypeLogout)
	if err != nil {
		return ev, err
	}
	if err := decodeFull(b, env, &ev); err != nil {
		return ev, err
	}
	return ev, firstRejection(requireCharacter(ev.Type, ev.CharacterID))
}

// DecodeChannelStatus decodes a STARTED or SHUTDOWN record of EVENT_TOPIC_CHANNEL_STATUS.
func DecodeChannelStatus(b []byte) (ChannelStatusEvent, error) {
	var ev ChannelStatusEvent
	env, err := envelope(b, TypeChannelStarted, TypeChannelShutdown)
	if err != nil {
		return ev, err
	}
	if r := decodeJSON(b, &ev); r != nil {
		return ev, Reject(ReasonBadBody, "%s: %s", env.Type, r.Detail)
	}
	return ev, nil
}

// DecodeMapStatus decodes a CHARACTER_ENTER or CHARACTER_EXIT record of EVENT_TOPIC_MAP_STATUS.
func DecodeMapStatus(b []byte) (MapStatusEvent[CharacterBody], error) {
	var ev MapStatusEvent[CharacterBody]
	env, err := envelope(b, TypeCharacterEnter, TypeCharacterExit)
	if err != nil {
		return ev, err
	}
	if err := decodeFull(b, env, &ev); err != nil {
		return ev, err
	}
	return ev, firstRejection(requireCharacter(ev.Type, ev.Body.CharacterID))
}

// PartyQuestCommand is a decoded COMMAND_TOPIC_PARTY_QUEST record. Exactly one
// of the typed fields is set, according to Type.
type PartyQuestCommand struct {
	WorldID     byte
	CharacterID uint32
	Type        string
	Register    *RegisterBody         // REGISTER
	Instance    *InstanceBody         // START, STAGE_CLEAR_ATTEMPT, STAGE_ADVANCE, FORFEIT
	StageState  *UpdateStageStateBody // UPDATE_STAGE_STATE
}

// InstanceID is the target instance of any command but REGISTER (nil for REGISTER).
func (c PartyQuestCommand) InstanceID() uuid.UUID {
	switch {
	case c.Instance != nil:
		return c.Instance.InstanceID
	case c.StageState != nil:
		return c.StageState.InstanceID
	}
	return uuid.Nil
}

// pqCommandTypes are the types of COMMAND_TOPIC_PARTY_QUEST.
var pqCommandTypes = []string{TypeRegister, TypeStart, TypeStageClearAttempt, TypeStageAdvance, TypeForfeit, TypeUpdateStageState}

// DecodePartyQuestCommand decodes a COMMAND_TOPIC_PARTY_QUEST record.
func DecodePartyQuestCommand(b []byte) (PartyQuestCommand, error) {
	if cmd, ok := fastPartyQuestCommand(b); ok {
		return cmd, nil
	}
	return decodePartyQuestCommandJSON(b)
}

// decodePartyQuestCommandJSON is DecodePartyQuestCommand through
// encoding/json, which decides every record the fast path does not take.
func decodePartyQuestCommandJSON(b []byte) (PartyQuestCommand, error) {
	// One pass over the record for the envelope and its header fields (a
	// command is decoded at ingress and again by its actor). encoding/json
	// goes on past a field of the wrong type and reports the first one, so
	// the type is known, and checked first, before a header field's error
	// is reported; only the type itself being of the wrong kind, or broken
	// JSON, stops it.
	var head Command[json.RawMessage]
	err := json.Unmarshal(b, &head)
	var typeErr *json.UnmarshalTypeError
	if err != nil && (!errors.As(err, &typeErr) || typeErr.Field == "type") {
		return PartyQuestCommand{}, Reject(ReasonBadJSON, "%v", err)
	}
	if r := checkEnvelope(b, head.Type, pqCommandTypes); r != nil {
		return PartyQuestCommand{}, r
	}
	env := rawEnvelope{Type: head.Type, Body: head.Body}
	if err != nil {
		return PartyQuestCommand{}, Reject(ReasonBadBody, "%s: %v", env.Type, err)
	}
	cmd := PartyQuestCommand{WorldID: head.WorldID, CharacterID: head.CharacterID, Type: env.Type}
	if r := requireCharacter(env.Type, head.CharacterID); r != nil {
		return cmd, r
	}
	switch env.Type {
	case TypeRegister:
		cmd.Register = new(RegisterBody)
		if r := decodeBody(env.Body, env.Type, cmd.Register); r != nil {
			return cmd, r
		}
		if cmd.Register.QuestID == "" {
			return cmd, Reject(ReasonMissingField, "%s: body.questId is missing", env.Type)
		}
	case TypeUpdateStageState:
		cmd.StageState = new(UpdateStageStateBody)
		if r := decodeBody(env.Body, env.Type, cmd.StageState); r != nil {
			return cmd, r
		}
		if r := requireUUID(env.Type, "body.instanceId", cmd.StageState.InstanceID); r != nil {
			return cmd, r
		}
		// One canonical form: absent, null and {} all mean "no deltas" (nil).
		if len(cmd.StageState.ItemCounts) == 0 {
			cmd.StageState.ItemCounts = nil
		}
		if len(cmd.StageState.MonsterKills) == 0 {
			cmd.StageState.MonsterKills = nil
		}
	default:
		cmd.Instance = new(InstanceBody)
		if r := decodeBody(env.Body, env.Type, cmd.Instance); r != nil {
			return cmd, r
		}
		if r := requireUUID(env.Type, "body.instanceId", cmd.Instance.InstanceID); r != nil {
			return cmd, r
		}
	}
	return cmd, nil
}
