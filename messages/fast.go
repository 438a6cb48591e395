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

// The members of each command and body.
var (
	pqCommandKeys      = []string{"worldId", "characterId", "type", "body"}
	registerKeys       = []string{"questId", "partyId", "channelId", "mapId"}
	instanceKeys       = []string{"instanceId"}
	stageStateKeys     = []string{"instanceId", "itemCounts", "monsterKills"}
	startTransportKeys = []string{"transactionId", "worldId", "characterId", "type", "body"}
	startBodyKeys      = []string{"routeId", "channelId"}
)

// fastPartyQuestCommand is DecodePartyQuestCommand's fast path; ok is
// false when the slow path must decide.
func fastPartyQuestCommand(b []byte) (cmd PartyQuestCommand, ok bool) {
	r := jsonbytes.NewReader(b)
	var body []byte
	r.Members(pqCommandKeys, func(key string) {
		switch key {
		case "worldId":
			cmd.WorldID = byte(r.Uint(math.MaxUint8))
		case "characterId":
			cmd.CharacterID = uint32(r.Uint(math.MaxUint32))
		case "type":
			typ, known := knownType(r.String(), pqCommandTypes)
			if !known {
				r.Fail()
			}
			cmd.Type = typ
		case "body":
			body = r.Skip() // its shape depends on the type, which may come later
		}
	})
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
		cmd.Instance = &InstanceBody{}
		br.Members(instanceKeys, func(string) { cmd.Instance.InstanceID = br.UUID() })
	}
	if !br.End() || (cmd.Type != TypeRegister && cmd.InstanceID() == uuid.Nil) {
		return PartyQuestCommand{}, false
	}
	return cmd, true
}

func fastRegisterBody(r *jsonbytes.Reader) *RegisterBody {
	v := new(RegisterBody)
	r.Members(registerKeys, func(key string) {
		switch key {
		case "questId":
			v.QuestID = string(r.String())
		case "partyId":
			v.PartyID = uint32(r.Uint(math.MaxUint32))
		case "channelId":
			v.ChannelID = byte(r.Uint(math.MaxUint8))
		case "mapId":
			v.MapID = uint32(r.Uint(math.MaxUint32))
		}
	})
	if v.QuestID == "" {
		r.Fail()
	}
	return v
}

func fastStageStateBody(r *jsonbytes.Reader) *UpdateStageStateBody {
	v := new(UpdateStageStateBody)
	r.Members(stageStateKeys, func(key string) {
		switch key {
		case "instanceId":
			v.InstanceID = r.UUID()
		case "itemCounts":
			v.ItemCounts = fastCounts(r)
		case "monsterKills":
			v.MonsterKills = fastCounts(r)
		}
	})
	return v
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
		// A key is read as a plain number too: "01" or "+1", which
		// encoding/json takes, are the slow path's.
		kr := jsonbytes.NewReader(key)
		id := uint32(kr.Uint(math.MaxUint32))
		if !kr.End() {
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

// fastStartTransport is DecodeStartTransport's fast path; ok is false when
// the slow path must decide.
func fastStartTransport(b []byte) (cmd CharacterEvent[StartTransportBody], ok bool) {
	r := jsonbytes.NewReader(b)
	r.Members(startTransportKeys, func(key string) {
		switch key {
		case "transactionId":
			cmd.TransactionID = r.UUID()
		case "worldId":
			cmd.WorldID = byte(r.Uint(math.MaxUint8))
		case "characterId":
			cmd.CharacterID = uint32(r.Uint(math.MaxUint32))
		case "type":
			if string(r.String()) != TypeStart {
				r.Fail()
			}
			cmd.Type = TypeStart
		case "body":
			r.Members(startBodyKeys, func(key string) {
				if key == "routeId" {
					cmd.Body.RouteID = r.UUID()
				} else {
					cmd.Body.ChannelID = byte(r.Uint(math.MaxUint8))
				}
			})
		}
	})
	// A nil routeId is also a missing body: the slow path names either.
	if !r.End() || cmd.Type == "" || cmd.CharacterID == 0 || cmd.Body.RouteID == uuid.Nil {
		return CharacterEvent[StartTransportBody]{}, false
	}
	return cmd, true
}
