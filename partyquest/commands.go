package partyquest

import (
	"time"

	"github.com/gamehost/transitquest/messages"
)

// Join adds a character that REGISTERed for this instance while it is
// registering (CHARACTER_REGISTERED). A character already registered is a
// no-op in any live state, so a redelivered REGISTER changes nothing.
func (m *Machine) Join(c Character, now time.Time) ([]messages.Record, error) {
	if m.s.Destroyed {
		return nil, messages.Reject(messages.ReasonWrongState, "instance %s is destroyed", m.s.ID)
	}
	if c.ID == 0 {
		return nil, messages.Reject(messages.ReasonMissingField, "characterId is zero")
	}
	if m.member(c.ID) {
		return nil, nil
	}
	if m.s.State != StateRegistering {
		return nil, messages.Reject(messages.ReasonWrongState, "instance %s is %s, not registering", m.s.ID, m.s.State)
	}
	m.s.Characters = append(m.s.Characters, c)
	return []messages.Record{status(m, messages.TypeCharacterRegistered, messages.CharacterRegisteredBody{CharacterID: c.ID})}, nil
}

// Handle applies START, STAGE_CLEAR_ATTEMPT, STAGE_ADVANCE, FORFEIT or
// UPDATE_STAGE_STATE. The sender must be registered in the instance and the
// state must allow the command:
//
//	START               registering
//	STAGE_CLEAR_ATTEMPT active
//	STAGE_ADVANCE       clearing
//	UPDATE_STAGE_STATE  active
//	FORFEIT             any live state
//
// A refusal is a *messages.Rejection and changes nothing. A clear attempt
// whose conditions fail is accepted: it only counts the attempt.
func (m *Machine) Handle(cmd messages.PartyQuestCommand, now time.Time) ([]messages.Record, error) {
	if err := m.admit(&cmd); err != nil {
		return nil, err
	}
	now = now.UTC()
	switch cmd.Type {
	case messages.TypeStart:
		if m.s.State != StateRegistering {
			return nil, m.wrongState(cmd.Type)
		}
		return m.start(nil, now), nil
	case messages.TypeStageClearAttempt:
		if m.s.State != StateActive {
			return nil, m.wrongState(cmd.Type)
		}
		return m.clearAttempt(), nil
	case messages.TypeStageAdvance:
		if m.s.State != StateClearing {
			return nil, m.wrongState(cmd.Type)
		}
		return m.advance(nil, now), nil
	case messages.TypeForfeit:
		return m.end(nil, messages.FailForfeit), nil
	default: // UPDATE_STAGE_STATE; admit refused every other type
		if m.s.State != StateActive {
			return nil, m.wrongState(cmd.Type)
		}
		return nil, m.updateStageState(cmd.StageState)
	}
}

// admit checks what every command needs: a known type with its body, a live
// instance, the right target, and a registered sender.
func (m *Machine) admit(cmd *messages.PartyQuestCommand) error {
	switch cmd.Type {
	case messages.TypeStart, messages.TypeStageClearAttempt, messages.TypeStageAdvance, messages.TypeForfeit:
		if cmd.Instance == nil {
			return messages.Reject(messages.ReasonMissingField, "%s: body is missing", cmd.Type)
		}
	case messages.TypeUpdateStageState:
		if cmd.StageState == nil {
			return messages.Reject(messages.ReasonMissingField, "%s: body is missing", cmd.Type)
		}
	case messages.TypeRegister:
		return messages.Reject(messages.ReasonUnknownType, "REGISTER is decided by the registrar, not an instance")
	default:
		return messages.Reject(messages.ReasonUnknownType, "type %q", cmd.Type)
	}
	if m.s.Destroyed {
		return messages.Reject(messages.ReasonWrongState, "%s: instance %s is destroyed", cmd.Type, m.s.ID)
	}
	if id := cmd.InstanceID(); id != m.s.ID {
		return messages.Reject(messages.ReasonUnknownTarget, "%s: instance %s is not %s", cmd.Type, id, m.s.ID)
	}
	if !m.member(cmd.CharacterID) {
		return messages.Reject(messages.ReasonNotMember, "%s: character %d is not registered in %s", cmd.Type, cmd.CharacterID, m.s.ID)
	}
	return nil
}

func (m *Machine) wrongState(typ string) error {
	return messages.Reject(messages.ReasonWrongState, "%s: instance %s is %s", typ, m.s.ID, m.s.State)
}

// clearAttempt counts the attempt and, when the clear conditions hold, moves
// to clearing with STAGE_CLEARED.
func (m *Machine) clearAttempt() []messages.Record {
	st := m.stage()
	if st == nil { // unreachable with a checked State
		return nil
	}
	m.s.StageState.Attempts = satAdd(m.s.StageState.Attempts, 1)
	if !m.evaluate(st.ClearConditions, &m.s.StageState, "clearConditions") {
		return nil
	}
	m.s.State = StateClearing
	i := m.s.CurrentStageIndex
	return []messages.Record{status(m, messages.TypeStageCleared, messages.StageClearedBody{
		StageIndex:     i,
		ChannelID:      m.s.ChannelID,
		MapIDs:         nonNil(st.MapIDs),
		FieldInstances: m.clearedFieldInstances(i, len(st.MapIDs)),
	})}
}

// updateStageState adds the deltas to the current stage's counters,
// saturating at the uint32 maximum. It allocates only when a map is created
// or grows, so the hot path is allocation-free.
func (m *Machine) updateStageState(b *messages.UpdateStageStateBody) error {
	ss := &m.s.StageState
	if tooMany(ss.ItemCounts, b.ItemCounts) || tooMany(ss.MonsterKills, b.MonsterKills) {
		return messages.Reject(messages.ReasonOversized, "%s: a stage records at most %d distinct ids per counter", messages.TypeUpdateStageState, MaxStageCounters)
	}
	ss.ItemCounts = addAll(ss.ItemCounts, b.ItemCounts)
	ss.MonsterKills = addAll(ss.MonsterKills, b.MonsterKills)
	return nil
}

// tooMany reports whether adding delta's keys would exceed MaxStageCounters.
func tooMany(cur, delta map[uint32]uint32) bool {
	if len(cur)+len(delta) <= MaxStageCounters {
		return false // fast path: cannot exceed even if every key is new
	}
	n := len(cur)
	for k, v := range delta {
		if _, ok := cur[k]; !ok && v != 0 {
			n++
		}
	}
	return n > MaxStageCounters
}

func addAll(cur, delta map[uint32]uint32) map[uint32]uint32 {
	for k, v := range delta {
		if v == 0 {
			continue // a zero delta must not create an entry
		}
		if cur == nil {
			cur = make(map[uint32]uint32, len(delta))
		}
		cur[k] = satAdd(cur[k], v)
	}
	return cur
}

func satAdd(a, b uint32) uint32 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint32(0)
}
