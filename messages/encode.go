package messages

import (
	"strconv"

	"github.com/gamehost/transitquest/jsonbytes"
)

// The service writes an event or a warp for almost every command; these
// AppendJSON methods (jsonbytes.Appender) write the same bytes encoding/json
// writes for the envelopes and bodies it emits, without its reflection,
// which was half of the JSON encoding under load. The encoding tests hold
// every one of them to encoding/json's output.

func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

// AppendJSON appends c as encoding/json writes it.
func (c Command[E]) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"worldId":`...)
	b = appendUint(b, uint64(c.WorldID))
	b = append(b, `,"characterId":`...)
	b = appendUint(b, uint64(c.CharacterID))
	return appendTypeAndBody(b, c.Type, c.Body)
}

// AppendJSON appends e as encoding/json writes it.
func (e CharacterEvent[E]) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"transactionId":`...)
	b = jsonbytes.AppendQuotedUUID(b, e.TransactionID)
	b = append(b, `,"worldId":`...)
	b = appendUint(b, uint64(e.WorldID))
	b = append(b, `,"characterId":`...)
	b = appendUint(b, uint64(e.CharacterID))
	return appendTypeAndBody(b, e.Type, e.Body)
}

// AppendJSON appends e as encoding/json writes it.
func (e TransportStatusEvent[E]) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"routeId":`...)
	b = jsonbytes.AppendQuotedUUID(b, e.RouteID)
	return appendTypeAndBody(b, e.Type, e.Body)
}

// AppendJSON appends e as encoding/json writes it.
func (e PartyQuestStatusEvent[E]) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"worldId":`...)
	b = appendUint(b, uint64(e.WorldID))
	b = append(b, `,"instanceId":`...)
	b = jsonbytes.AppendQuotedUUID(b, e.InstanceID)
	b = append(b, `,"questId":`...)
	b = jsonbytes.AppendString(b, e.QuestID)
	return appendTypeAndBody(b, e.Type, e.Body)
}

// appendTypeAndBody ends every envelope: its type, its body, the brace.
func appendTypeAndBody[E any](b []byte, typ string, body E) ([]byte, error) {
	b = append(b, `,"type":`...)
	b = jsonbytes.AppendString(b, typ)
	b = append(b, `,"body":`...)
	b, err := jsonbytes.AppendValue(b, body)
	return append(b, '}'), err
}

// AppendJSON appends m as encoding/json writes it.
func (m MapBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"mapId":`...)
	return append(appendUint(b, uint64(m.MapID)), '}'), nil
}

// AppendJSON appends r as encoding/json writes it.
func (r RideBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"routeId":`...)
	b = jsonbytes.AppendQuotedUUID(b, r.RouteID)
	b = append(b, `,"instanceId":`...)
	return append(jsonbytes.AppendQuotedUUID(b, r.InstanceID), '}'), nil
}

// AppendJSON appends r as encoding/json writes it.
func (r RideCancelledBody) AppendJSON(b []byte) ([]byte, error) {
	b, _ = RideBody{RouteID: r.RouteID, InstanceID: r.InstanceID}.AppendJSON(b)
	b = append(b[:len(b)-1], `,"reason":`...)
	return append(jsonbytes.AppendString(b, r.Reason), '}'), nil
}

// AppendJSON appends c as encoding/json writes it.
func (c ChangeMapBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"channelId":`...)
	b = appendUint(b, uint64(c.ChannelID))
	b = append(b, `,"mapId":`...)
	b = appendUint(b, uint64(c.MapID))
	b = append(b, `,"instance":`...)
	b = jsonbytes.AppendQuotedUUID(b, c.Instance)
	b = append(b, `,"portalId":`...)
	return append(appendUint(b, uint64(c.PortalID)), '}'), nil
}

// appendIDs appends map ids, nil as [] (see StageBody.MarshalJSON).
func appendIDs(b []byte, ids []uint32) []byte {
	if ids == nil {
		return append(b, "[]"...)
	}
	return jsonbytes.AppendArray(b, ids, func(b []byte, id uint32) []byte { return appendUint(b, uint64(id)) })
}

// AppendJSON appends s as its MarshalJSON writes it.
func (s StageBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"stageIndex":`...)
	b = appendUint(b, uint64(s.StageIndex))
	b = append(b, `,"mapIds":`...)
	return append(appendIDs(b, s.MapIDs), '}'), nil
}

// AppendJSON appends s as its MarshalJSON writes it.
func (s StageClearedBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"stageIndex":`...)
	b = appendUint(b, uint64(s.StageIndex))
	b = append(b, `,"channelId":`...)
	b = appendUint(b, uint64(s.ChannelID))
	b = append(b, `,"mapIds":`...)
	b = appendIDs(b, s.MapIDs)
	b = append(b, `,"fieldInstances":`...)
	if s.FieldInstances == nil {
		b = append(b, "[]"...)
	} else {
		b = jsonbytes.AppendArray(b, s.FieldInstances, jsonbytes.AppendQuotedUUID)
	}
	return append(b, '}'), nil
}

// AppendJSON appends i as encoding/json writes it.
func (i InstanceCreatedBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"partyId":`...)
	b = appendUint(b, uint64(i.PartyID))
	b = append(b, `,"channelId":`...)
	return append(appendUint(b, uint64(i.ChannelID)), '}'), nil
}

// AppendJSON appends r as encoding/json writes it.
func (r RegistrationOpenedBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"duration":`...)
	return append(strconv.AppendInt(b, r.Duration, 10), '}'), nil
}

// AppendJSON appends c as encoding/json writes it.
func (c CharacterRegisteredBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"characterId":`...)
	return append(appendUint(b, uint64(c.CharacterID)), '}'), nil
}

// AppendJSON appends f as encoding/json writes it.
func (f FailedBody) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"reason":`...)
	return append(jsonbytes.AppendString(b, f.Reason), '}'), nil
}

// AppendJSON appends {}, as encoding/json writes Empty.
func (Empty) AppendJSON(b []byte) ([]byte, error) { return append(b, "{}"...), nil }
