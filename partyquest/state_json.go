package partyquest

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/gamehost/transitquest/jsonbytes"
)

// AppendJSON appends the state as encoding/json writes it (the same bytes,
// so records written either way restore alike), without reflection: the
// actor writes it after every change, and encoding/json spent 6.8 µs and
// 21 allocations on it (BenchmarkStateJSON). A state that still holds its
// definition goes through encoding/json.
func (s State) AppendJSON(b []byte) ([]byte, error) {
	if s.Definition != nil {
		raw, err := json.Marshal(s)
		return append(b, raw...), err
	}
	if b == nil {
		b = make([]byte, 0, 768) // a state with three members is ~700 bytes
	}
	b = append(b, `{"id":`...)
	b = jsonbytes.AppendQuotedUUID(b, s.ID)
	b = append(b, `,"questId":`...)
	b = jsonbytes.AppendString(b, s.QuestID)
	b = append(b, `,"worldId":`...)
	b = strconv.AppendUint(b, uint64(s.WorldID), 10)
	b = append(b, `,"channelId":`...)
	b = strconv.AppendUint(b, uint64(s.ChannelID), 10)
	b = append(b, `,"partyId":`...)
	b = strconv.AppendUint(b, uint64(s.PartyID), 10)
	b = append(b, `,"affinityId":`...)
	b = strconv.AppendUint(b, uint64(s.AffinityID), 10)
	b = append(b, `,"characters":`...)
	b = jsonbytes.AppendArray(b, s.Characters, appendCharacter)
	b = append(b, `,"state":`...)
	b = jsonbytes.AppendString(b, string(s.State))
	b = append(b, `,"destroyed":`...)
	b = strconv.AppendBool(b, s.Destroyed)
	b = append(b, `,"currentStageIndex":`...)
	b = strconv.AppendUint(b, uint64(s.CurrentStageIndex), 10)
	b, err := appendTimes(b, false, timeField{`,"registeredAt":`, s.RegisteredAt},
		timeField{`,"startedAt":`, s.StartedAt}, timeField{`,"stageStartedAt":`, s.StageStartedAt})
	if err != nil {
		return b, err
	}
	b = append(b, `,"fieldInstances":`...)
	b = jsonbytes.AppendArray(b, s.FieldInstances, jsonbytes.AppendQuotedUUID)
	b = append(b, `,"stageState":{"itemCounts":`...)
	b = appendCounts(b, s.StageState.ItemCounts)
	b = append(b, `,"monsterKills":`...)
	b = appendCounts(b, s.StageState.MonsterKills)
	b = append(b, `,"combination":`...)
	b = jsonbytes.AppendArray(b, s.StageState.Combination, func(b []byte, v uint32) []byte { return strconv.AppendUint(b, uint64(v), 10) })
	b = append(b, `,"attempts":`...)
	b = strconv.AppendUint(b, uint64(s.StageState.Attempts), 10)
	b = append(b, `},"completedEmitted":`...)
	b = strconv.AppendBool(b, s.CompletedEmitted)
	b, err = appendTimes(b, true, timeField{`,"registrationEndsAt":`, s.RegistrationEndsAt},
		timeField{`,"runEndsAt":`, s.RunEndsAt}, timeField{`,"stageEndsAt":`, s.StageEndsAt})
	if err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// appendCharacter appends one member as Character's JSON tags say.
func appendCharacter(b []byte, c Character) []byte {
	b = append(b, `{"characterId":`...)
	b = strconv.AppendUint(b, uint64(c.ID), 10)
	b = append(b, `,"worldId":`...)
	b = strconv.AppendUint(b, uint64(c.WorldID), 10)
	b = append(b, `,"channelId":`...)
	b = strconv.AppendUint(b, uint64(c.ChannelID), 10)
	if c.Level != 0 { // omitempty
		b = append(b, `,"level":`...)
		b = strconv.AppendUint(b, uint64(c.Level), 10)
	}
	return append(b, '}')
}

// timeField is a time member: its `,"name":` prefix and its value.
type timeField struct {
	prefix string
	t      time.Time
}

// appendTimes appends each member; omitZero leaves zero times out, as the
// omitzero tag does.
func appendTimes(b []byte, omitZero bool, fields ...timeField) ([]byte, error) {
	var err error
	for _, f := range fields {
		if omitZero && f.t.IsZero() {
			continue
		}
		b = append(b, f.prefix...)
		if b, err = jsonbytes.AppendTime(b, f.t); err != nil {
			return b, err
		}
	}
	return b, nil
}

// appendCounts writes a count map with its keys in encoding/json's order
// (decimal strings, sorted as strings).
func appendCounts(b []byte, m map[uint32]uint32) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, strconv.FormatUint(uint64(k), 10))
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, `":`...)
		n, _ := strconv.ParseUint(k, 10, 32)
		b = strconv.AppendUint(b, uint64(m[uint32(n)]), 10)
	}
	return append(b, '}')
}
