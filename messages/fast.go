package messages

import (
	"math"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/jsonbytes"
)

// The two hot commands (a ride's START, every party-quest command) are
// decoded at ingress and again by their actor; through encoding/json that
// was a tenth of the service's Go CPU under load. These fast paths read the
// records peers write — exact field names, each once, plain values — with
// jsonbytes.Reader and give up on anything else, which the encoding/json
// decoder then decodes, accepts or rejects as before. A fast path only
// accepts an input the slow path accepts with the same result; the parity
// tests hold it to that.

// knownType returns the constant among types equal to t, so the decoded
// type is not a fresh string per record.
func knownType(t []byte, types []string) (string, bool) {
	for _, k := range types {
		if string(t) == k {
			return k, true
		}
	}
	return "", false
}

// seen tracks the fields of one object: a repeated field (encoding/json
// keeps the last) is left to the slow path.
type seen uint8

func (s *seen) once(r *jsonbytes.Reader, bit seen) {
	if *s&bit != 0 {
		r.Fail()
	}
	*s |= bit
}

// fastPartyQuestCommand is DecodePartyQuestCommand's fast path; ok is
// false when the slow path must decide.
func fastPartyQuestCommand(b []byte) (cmd PartyQuestCommand, ok bool) {
	r := jsonbytes.NewReader(b)
	var body []byte
	var fields seen
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		switch string(key) {
		case "worldId":
			fields.once(r, 1)
			cmd.WorldID = byte(r.Uint(math.MaxUint8))
		case "characterId":
			fields.once(r, 2)
			cmd.CharacterID = uint32(r.Uint(math.MaxUint32))
		case "type":
			fields.once(r, 4)
			typ, known := knownType(r.String(), pqCommandTypes)
			if !known {
				r.Fail()
			}
			cmd.Type = typ
		case "body":
			fields.once(r, 8)
			body = r.Skip() // its shape depends on the type, which may come later
		default:
			r.Fail()
		}
	}
	if !r.End() || cmd.Type == "" || cmd.CharacterID == 0 || body == nil {
		return PartyQuestCommand{}, false
	}
	br := jsonbytes.NewReader(body)
	switch cmd.Type {
	case TypeRegister:
		cmd.Register = fastRegisterBody(br)
	case TypeUpdateStageState:
		cmd.StageState = fastStageStateBody(br)
	default:
		cmd.Instance = fastInstanceBody(br)
	}
	if !br.End() || (cmd.Type != TypeRegister && cmd.InstanceID() == uuid.Nil) {
		return PartyQuestCommand{}, false
	}
	return cmd, true
}

func fastRegisterBody(r *jsonbytes.Reader) *RegisterBody {
	var v RegisterBody
	var fields seen
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		switch string(key) {
		case "questId":
			fields.once(r, 1)
			v.QuestID = string(r.String())
		case "partyId":
			fields.once(r, 2)
			v.PartyID = uint32(r.Uint(math.MaxUint32))
		case "channelId":
			fields.once(r, 4)
			v.ChannelID = byte(r.Uint(math.MaxUint8))
		case "mapId":
			fields.once(r, 8)
			v.MapID = uint32(r.Uint(math.MaxUint32))
		default:
			r.Fail()
		}
	}
	if v.QuestID == "" {
		r.Fail()
	}
	return &v
}

func fastInstanceBody(r *jsonbytes.Reader) *InstanceBody {
	var v InstanceBody
	var fields seen
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		switch string(key) {
		case "instanceId":
			fields.once(r, 1)
			v.InstanceID = r.UUID()
		default:
			r.Fail()
		}
	}
	return &v
}

func fastStageStateBody(r *jsonbytes.Reader) *UpdateStageStateBody {
	var v UpdateStageStateBody
	var fields seen
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		switch string(key) {
		case "instanceId":
			fields.once(r, 1)
			v.InstanceID = r.UUID()
		case "itemCounts":
			fields.once(r, 2)
			v.ItemCounts = fastCounts(r)
		case "monsterKills":
			fields.once(r, 4)
			v.MonsterKills = fastCounts(r)
		default:
			r.Fail()
		}
	}
	return &v
}

// fastCounts reads a map of decimal-string ids to counts; null and {} are
// nil, as DecodePartyQuestCommand makes them.
func fastCounts(r *jsonbytes.Reader) map[uint32]uint32 {
	if r.Null() {
		return nil
	}
	var m map[uint32]uint32
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		id, ok := decimal(key)
		if !ok {
			r.Fail()
			return nil
		}
		if m == nil {
			m = make(map[uint32]uint32, 4)
		}
		m[id] = uint32(r.Uint(math.MaxUint32)) // a repeated id: the last, as encoding/json
	}
	return m
}

// decimal reads a map key as a uint32 in its plain form: no sign, no
// leading zero (encoding/json takes "01"; the slow path can have it).
func decimal(s []byte) (uint32, bool) {
	if len(s) == 0 || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return uint32(v), v <= math.MaxUint32
}

// fastStartTransport is DecodeStartTransport's fast path; ok is false when
// the slow path must decide.
func fastStartTransport(b []byte) (cmd CharacterEvent[StartTransportBody], ok bool) {
	r := jsonbytes.NewReader(b)
	var fields seen
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		switch string(key) {
		case "transactionId":
			fields.once(r, 1)
			cmd.TransactionID = r.UUID()
		case "worldId":
			fields.once(r, 2)
			cmd.WorldID = byte(r.Uint(math.MaxUint8))
		case "characterId":
			fields.once(r, 4)
			cmd.CharacterID = uint32(r.Uint(math.MaxUint32))
		case "type":
			fields.once(r, 8)
			if string(r.String()) != TypeStart {
				r.Fail()
			}
			cmd.Type = TypeStart
		case "body":
			fields.once(r, 16)
			cmd.Body = fastStartTransportBody(r)
		default:
			r.Fail()
		}
	}
	if !r.End() || fields&(8|16) != 8|16 || cmd.CharacterID == 0 || cmd.Body.RouteID == uuid.Nil {
		return CharacterEvent[StartTransportBody]{}, false
	}
	return cmd, true
}

func fastStartTransportBody(r *jsonbytes.Reader) StartTransportBody {
	var v StartTransportBody
	var fields seen
	obj := r.Object()
	for key, more := obj.Next(); more; key, more = obj.Next() {
		switch string(key) {
		case "routeId":
			fields.once(r, 1)
			v.RouteID = r.UUID()
		case "channelId":
			fields.once(r, 2)
			v.ChannelID = byte(r.Uint(math.MaxUint8))
		default:
			r.Fail()
		}
	}
	return v
}
