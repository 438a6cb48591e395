package partyquest

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
)

// InstanceState is the lifecycle state of an instance.
type InstanceState string

// Instance states. Completed and Failed are reached only on the way to
// destruction: after it the machine is Done and State keeps the final value.
const (
	StateRegistering InstanceState = "registering"
	StateActive      InstanceState = "active"
	StateClearing    InstanceState = "clearing"
	StateCompleted   InstanceState = "completed"
	StateFailed      InstanceState = "failed"
)

// State is the whole state of one instance: the machine is a function of it
// and the Random. It round-trips unchanged through JSON and through its
// binary form (AppendBinary; times in UTC, no monotonic reading), so the
// actor can save it to a changelog and Restore it after a crash.
type State struct {
	ID      uuid.UUID `json:"id"`
	QuestID string    `json:"questId"`
	// Definition is the definition the run started with (nil: none yet,
	// as in a changelog record, which names it instead). It is shared by
	// every instance of the run definition and never written through: 248
	// bytes of header a copy each would cost every live instance.
	Definition *definition.Definition `json:"definition,omitzero"`
	WorldID    byte                   `json:"worldId"`
	ChannelID  byte                   `json:"channelId"`
	PartyID    uint32                 `json:"partyId"`
	AffinityID uint32                 `json:"affinityId"`
	Characters []Character            `json:"characters"`
	State      InstanceState          `json:"state"`
	Destroyed  bool                   `json:"destroyed"`

	CurrentStageIndex uint32    `json:"currentStageIndex"`
	RegisteredAt      time.Time `json:"registeredAt"`
	StartedAt         time.Time `json:"startedAt"`
	StageStartedAt    time.Time `json:"stageStartedAt"`

	// FieldInstances holds one field-instance UUID per stage when the field
	// lock is "instance" (empty otherwise).
	FieldInstances   []uuid.UUID `json:"fieldInstances"`
	StageState       StageState  `json:"stageState"`
	CompletedEmitted bool        `json:"completedEmitted"`

	// Deadlines; the zero time means none. The run deadline is the global
	// limit (or SafetyLimit when the definition has none).
	RegistrationEndsAt time.Time `json:"registrationEndsAt,omitzero"`
	RunEndsAt          time.Time `json:"runEndsAt,omitzero"`
	StageEndsAt        time.Time `json:"stageEndsAt,omitzero"`
}

// StageState is what the current stage has accumulated. It is reset on every
// stage change.
type StageState struct {
	ItemCounts   map[uint32]uint32 `json:"itemCounts"`
	MonsterKills map[uint32]uint32 `json:"monsterKills"`
	Combination  []uint32          `json:"combination"`
	Attempts     uint32            `json:"attempts"` // accepted STAGE_CLEAR_ATTEMPTs in this stage
}

// Check reports a state that Restore could not run safely: an unknown state
// value or a stage index outside the definition. Run it on changelog input.
func (s State) Check() error {
	switch s.State {
	case StateRegistering, StateActive, StateClearing, StateCompleted, StateFailed:
	default:
		return fmt.Errorf("unknown state %q", s.State)
	}
	if s.ID == uuid.Nil {
		return fmt.Errorf("instance id is nil")
	}
	if s.Definition == nil {
		return fmt.Errorf("instance %s has no definition", s.ID)
	}
	if !s.Destroyed && s.State != StateRegistering && int(s.CurrentStageIndex) >= len(s.Definition.Stages) {
		return fmt.Errorf("stage index %d outside %d stages", s.CurrentStageIndex, len(s.Definition.Stages))
	}
	return nil
}

// clone deep-copies everything the machine mutates. The definition is
// immutable and shared.
func (s State) clone() State {
	c := s
	c.Characters = slices.Clone(s.Characters)
	c.FieldInstances = slices.Clone(s.FieldInstances)
	c.StageState.ItemCounts = maps.Clone(s.StageState.ItemCounts)
	c.StageState.MonsterKills = maps.Clone(s.StageState.MonsterKills)
	c.StageState.Combination = slices.Clone(s.StageState.Combination)
	return c
}
