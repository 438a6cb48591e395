package definition

import (
	"encoding/json"
	"time"
)

// Definition is one party quest, exactly as a definition file spells it.
type Definition struct {
	QuestID           string         `json:"questId"`
	Name              string         `json:"name"`
	FieldLock         string         `json:"fieldLock"`
	Duration          uint64         `json:"duration"` // global limit in seconds from START; 0 = none
	Registration      Registration   `json:"registration"`
	StartRequirements []Condition    `json:"startRequirements"`
	StartEvents       []EventTrigger `json:"startEvents"`
	FailRequirements  []Condition    `json:"failRequirements"`
	Exit              uint32         `json:"exit"`
	Stages            []Stage        `json:"stages"`
	Rewards           []Reward       `json:"rewards"`
}

// Registration says how players register.
type Registration struct {
	Type     string `json:"type"`     // party | individual
	Mode     string `json:"mode"`     // instant | timed
	Duration int64  `json:"duration"` // registration window in seconds (timed)
	MapID    uint32 `json:"mapId"`    // individual path: REGISTER.mapId must match unless either is 0
	Affinity string `json:"affinity,omitempty"`
}

// Condition is a start requirement, fail requirement or clear condition.
type Condition struct {
	Type        string `json:"type"`
	Operator    string `json:"operator"`
	Value       uint32 `json:"value"`
	ReferenceID uint32 `json:"referenceId"`
}

// EventTrigger is a start event. It is stored and carried, never executed:
// START itself warps the party to stage 0.
type EventTrigger struct {
	Type   string `json:"type"`
	Target string `json:"target"`
	Value  string `json:"value"`
}

// Stage is one stage of a quest.
type Stage struct {
	Index           uint32      `json:"index"`
	Name            string      `json:"name"`
	MapIDs          []uint32    `json:"mapIds"`
	Type            string      `json:"type"`
	Duration        uint64      `json:"duration"` // stage limit in seconds; 0 = none
	ClearConditions []Condition `json:"clearConditions"`
	Rewards         []Reward    `json:"rewards"`
	WarpType        string      `json:"warpType"`
	// Properties is free-form stage data kept as compact raw JSON (an object).
	// Only combinationLength/combinationRange are read (see Combination).
	Properties json.RawMessage `json:"properties,omitempty"`
}

// Reward is a quest or stage reward. Rewards are validated and carried; the
// contracts have no message that grants them.
type Reward struct {
	Type   string         `json:"type"`
	Amount uint32         `json:"amount,omitempty"`
	Items  []WeightedItem `json:"items,omitempty"`
}

// WeightedItem is one entry of an item or random_item reward.
type WeightedItem struct {
	TemplateID uint32 `json:"templateId"`
	Weight     uint32 `json:"weight"`
	Quantity   uint32 `json:"quantity"`
}

// Field locks.
const (
	FieldLockNone     = "none"
	FieldLockChannel  = "channel"
	FieldLockInstance = "instance"
)

// Registration types, modes and affinities.
const (
	RegistrationParty      = "party"
	RegistrationIndividual = "individual"
	ModeInstant            = "instant"
	ModeTimed              = "timed"
	AffinityNone           = "none"
	AffinityGuild          = "guild"
	AffinityParty          = "party"
)

// Condition types and operators.
const (
	ConditionItemCount   = "item_count"
	ConditionMonsterKill = "monster_kill"
	ConditionPartySize   = "party_size"
	ConditionLevelMin    = "level_min"
	ConditionLevelMax    = "level_max"

	OpEq  = "eq"
	OpGte = "gte"
	OpLte = "lte"
	OpGt  = "gt"
	OpLt  = "lt"
)

// Stage types and warp types.
const (
	StageItemCollection     = "item_collection"
	StageMonsterKilling     = "monster_killing"
	StageCombinationPuzzle  = "combination_puzzle"
	StageReactorTrigger     = "reactor_trigger"
	StageWarpPuzzle         = "warp_puzzle"
	StageSequenceMemoryGame = "sequence_memory_game"
	StageBonus              = "bonus"
	StageBoss               = "boss"

	WarpAll  = "all"
	WarpNone = "none"
)

// Reward types.
const (
	RewardExperience = "experience"
	RewardItem       = "item"
	RewardRandomItem = "random_item"
)

// MaxDurationSeconds bounds every duration in a file (7 days). Longer values
// are typos (or milliseconds), and the bound keeps seconds→time.Duration
// conversion far from overflow.
const MaxDurationSeconds = 7 * 24 * 60 * 60

// GlobalLimit is the global time limit (0 = none).
func (d Definition) GlobalLimit() time.Duration { return seconds(d.Duration) }

// Individual reports whether registration takes the individual path.
func (d Definition) Individual() bool { return d.Registration.Type == RegistrationIndividual }

// InstanceLocked reports whether each run gets its own field instances.
func (d Definition) InstanceLocked() bool { return d.FieldLock == FieldLockInstance }

// ChannelLocked reports whether at most one run may live per world and channel.
func (d Definition) ChannelLocked() bool { return d.FieldLock == FieldLockChannel }

// LastRegularStage is the index of the last non-bonus stage, or -1 when every
// stage is a bonus stage (such definitions fail Validate). Stages after it
// are the trailing bonus stages entered after COMPLETED.
func (d Definition) LastRegularStage() int {
	for i := len(d.Stages) - 1; i >= 0; i-- {
		if d.Stages[i].Type != StageBonus {
			return i
		}
	}
	return -1
}

// Window is the registration window (0 = none).
func (r Registration) Window() time.Duration {
	if r.Duration <= 0 {
		return 0
	}
	return seconds(uint64(r.Duration))
}

// Limit is the stage time limit (0 = none).
func (s Stage) Limit() time.Duration { return seconds(s.Duration) }

// seconds converts file seconds, saturating instead of overflowing for
// values Validate would have refused.
func seconds(s uint64) time.Duration {
	const maxSec = uint64(1<<63-1) / uint64(time.Second)
	if s > maxSec {
		s = maxSec
	}
	return time.Duration(s) * time.Second
}
