package partyquest

import (
	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// status builds a status event of this instance, keyed by instance id.
func status[E any](m *Machine, typ string, body E) messages.Record {
	return messages.PartyQuestStatus(m.s.WorldID, m.s.ID, m.s.QuestID, typ, body)
}

// stageEvent is STARTED or STAGE_ADVANCED for stage i.
func (m *Machine) stageEvent(typ string, i uint32) messages.Record {
	return status(m, typ, messages.StageBody{StageIndex: i, MapIDs: nonNil(m.s.Definition.Stages[i].MapIDs)})
}

// warpAll sends every character to mapID in field instance inst, each on its
// own world and channel, portal 0.
func (m *Machine) warpAll(out []messages.Record, mapID uint32, inst uuid.UUID) []messages.Record {
	for _, c := range m.s.Characters {
		out = append(out, messages.ChangeMap(c.WorldID, c.ID, messages.ChangeMapBody{
			ChannelID: c.ChannelID, MapID: mapID, Instance: inst, PortalID: 0,
		}))
	}
	return out
}

// fieldInstance is stage i's field instance (nil unless the lock is "instance").
func (m *Machine) fieldInstance(i uint32) uuid.UUID {
	if int(i) < len(m.s.FieldInstances) {
		return m.s.FieldInstances[i]
	}
	return uuid.Nil
}

// clearedFieldInstances lists stage i's field instance once per map, aligned
// with mapIds as the channel service reads them; [] without instance lock.
func (m *Machine) clearedFieldInstances(i uint32, maps int) []uuid.UUID {
	inst := m.fieldInstance(i)
	if inst == uuid.Nil {
		return []uuid.UUID{}
	}
	out := make([]uuid.UUID, maps)
	for j := range out {
		out[j] = inst
	}
	return out
}

// nonNil makes an absent map list serialize as [] rather than null.
func nonNil(ids []uint32) []uint32 {
	if ids == nil {
		return []uint32{}
	}
	return ids
}
