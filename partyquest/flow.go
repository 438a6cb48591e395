package partyquest

import (
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
)

// start leaves registering: the start requirements are checked, then the
// party enters stage 0. A failing start ends the instance.
func (m *Machine) start(out []messages.Record, now time.Time) []messages.Record {
	def := m.s.Definition
	m.s.RegistrationEndsAt = time.Time{}
	// A zero-stage definition cannot pass Validate; if one slips through it
	// fails like an unmet requirement instead of idling in registering.
	if len(def.Stages) == 0 || !m.evaluate(def.StartRequirements, &StageState{}, "startRequirements") {
		return m.fail(out, messages.FailStartRequirements)
	}
	m.s.StartedAt = now
	limit := def.GlobalLimit()
	if limit <= 0 {
		limit = SafetyLimit
	}
	m.s.RunEndsAt = now.Add(limit)
	out = m.enterStage(out, 0, now)
	return append(out, m.stageEvent(messages.TypeStarted, 0))
}

// enterStage makes stage i current and active with a fresh stage state, arms
// its limit and warps the party to its first map (unless warpType is none).
func (m *Machine) enterStage(out []messages.Record, i uint32, now time.Time) []messages.Record {
	st := &m.s.Definition.Stages[i]
	m.s.State = StateActive
	m.s.CurrentStageIndex = i
	m.s.StageStartedAt = now
	m.s.StageState = StageState{}
	if st.Type == definition.StageCombinationPuzzle {
		m.s.StageState.Combination = m.combination(st)
	}
	m.s.StageEndsAt = time.Time{}
	if lim := st.Limit(); lim > 0 {
		m.s.StageEndsAt = now.Add(lim)
	}
	if st.WarpType != definition.WarpNone && len(st.MapIDs) > 0 {
		out = m.warpAll(out, st.MapIDs[0], m.fieldInstance(i))
	}
	return out
}

// combination draws a fresh secret. Bad properties cannot pass Validate; if
// they slip through, the defaults are used rather than panicking.
func (m *Machine) combination(st *definition.Stage) []uint32 {
	c, err := st.Combination()
	if err != nil {
		c = definition.Combination{Length: definition.DefaultCombinationLength, Range: definition.DefaultCombinationRange}
		m.notes = append(m.notes, "bad combination properties, defaults used: "+err.Error())
	}
	out := make([]uint32, c.Length)
	for j := range out {
		out[j] = uint32(m.rnd.IntN(c.Range))
	}
	return out
}

// advance moves past the current stage (STAGE_ADVANCE from clearing, or the
// stage limit). Leaving the last non-bonus stage emits COMPLETED (once per
// run); trailing bonus stages are then entered with STAGE_ADVANCED, and
// leaving the last stage ends the run.
func (m *Machine) advance(out []messages.Record, now time.Time) []messages.Record {
	cur := int(m.s.CurrentStageIndex)
	if cur >= m.last && !m.s.CompletedEmitted {
		m.s.CompletedEmitted = true
		out = append(out, status(m, messages.TypeCompleted, messages.Empty{}))
	}
	next := cur + 1
	if next >= len(m.s.Definition.Stages) {
		m.s.State = StateCompleted
		return m.destroy(out)
	}
	out = m.enterStage(out, uint32(next), now)
	return append(out, m.stageEvent(messages.TypeStageAdvanced, uint32(next)))
}

// end finishes the run for a reason that is a failure unless the quest was
// already completed (a run is completed or failed, never both): then it is
// just destroyed.
func (m *Machine) end(out []messages.Record, reason string) []messages.Record {
	if m.s.CompletedEmitted {
		m.s.State = StateCompleted
		return m.destroy(out)
	}
	return m.fail(out, reason)
}

func (m *Machine) fail(out []messages.Record, reason string) []messages.Record {
	m.s.State = StateFailed
	out = append(out, status(m, messages.TypeFailed, messages.FailedBody{Reason: reason}))
	return m.destroy(out)
}

// destroy warps everyone to the exit map and emits INSTANCE_DESTROYED.
func (m *Machine) destroy(out []messages.Record) []messages.Record {
	out = m.warpAll(out, m.s.Definition.Exit, uuid.Nil)
	out = append(out, status(m, messages.TypeInstanceDestroyed, messages.Empty{}))
	m.s.Destroyed = true
	m.s.RegistrationEndsAt, m.s.RunEndsAt, m.s.StageEndsAt = time.Time{}, time.Time{}, time.Time{}
	return out
}

// inTrailingBonus reports a bonus stage after the last non-bonus stage: its
// limit ends the run instead of advancing.
func (m *Machine) inTrailingBonus() bool { return int(m.s.CurrentStageIndex) > m.last }
