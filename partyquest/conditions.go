package partyquest

import (
	"fmt"

	"github.com/gamehost/transitquest/partyquest/definition"
)

// evaluate reports whether every condition holds (an empty list holds).
// Level conditions whose levels are unknown are skipped with a note.
func (m *Machine) evaluate(cs []definition.Condition, ss *StageState, where string) bool {
	for i := range cs {
		c := &cs[i]
		actual, known, valid := m.actual(c, ss)
		if !valid {
			// Unknown types cannot pass Validate; fail closed if one slips through.
			m.notes = append(m.notes, fmt.Sprintf("%s: unknown condition type %q", where, c.Type))
			return false
		}
		if !known {
			m.notes = append(m.notes, fmt.Sprintf("%s: %s skipped (levels unknown)", where, c.Type))
			continue
		}
		if !compare(actual, c.Operator, c.Value) {
			return false
		}
	}
	return true
}

// actual is the measured value a condition compares. known is false only for
// level conditions without every character's level; valid is false for an
// unknown condition type.
func (m *Machine) actual(c *definition.Condition, ss *StageState) (v uint32, known, valid bool) {
	switch c.Type {
	case definition.ConditionItemCount:
		return ss.ItemCounts[c.ReferenceID], true, true
	case definition.ConditionMonsterKill:
		return ss.MonsterKills[c.ReferenceID], true, true
	case definition.ConditionPartySize:
		return uint32(len(m.s.Characters)), true, true
	case definition.ConditionLevelMin, definition.ConditionLevelMax:
		// level_min compares the lowest level, level_max the highest, so
		// "level_min gte 21" means everyone is at least 21.
		if len(m.s.Characters) == 0 {
			return 0, false, true
		}
		lo, hi := ^uint32(0), uint32(0)
		for _, ch := range m.s.Characters {
			if ch.Level == 0 {
				return 0, false, true
			}
			lo, hi = min(lo, ch.Level), max(hi, ch.Level)
		}
		if c.Type == definition.ConditionLevelMin {
			return lo, true, true
		}
		return hi, true, true
	}
	return 0, false, false
}

func compare(actual uint32, op string, value uint32) bool {
	switch op {
	case definition.OpEq:
		return actual == value
	case definition.OpGte:
		return actual >= value
	case definition.OpLte:
		return actual <= value
	case definition.OpGt:
		return actual > value
	case definition.OpLt:
		return actual < value
	}
	return false
}
