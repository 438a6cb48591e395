package definition

import (
	"fmt"
	"slices"
)

var (
	fieldLocks      = []string{"", FieldLockNone, FieldLockChannel, FieldLockInstance}
	regTypes        = []string{RegistrationParty, RegistrationIndividual}
	regModes        = []string{ModeInstant, ModeTimed}
	affinities      = []string{"", AffinityNone, AffinityGuild, AffinityParty}
	conditionTypes  = []string{ConditionItemCount, ConditionMonsterKill, ConditionPartySize, ConditionLevelMin, ConditionLevelMax}
	operators       = []string{OpEq, OpGte, OpLte, OpGt, OpLt}
	stageTypes      = []string{StageItemCollection, StageMonsterKilling, StageCombinationPuzzle, StageReactorTrigger, StageWarpPuzzle, StageSequenceMemoryGame, StageBonus, StageBoss}
	warpTypes       = []string{"", WarpAll, WarpNone}
	rewardTypes     = []string{RewardExperience, RewardItem, RewardRandomItem}
	ignoredPuzzleKs = []string{"digits", "positions"}
)

// Validate checks a decoded definition. Errors make the definition unusable
// (it is rejected at load); warnings are logged and the definition loads.
//
// Beyond the reference's checks (enums, sequential indexes, timed ⇒ window,
// random_item ⇒ items) it rejects what would misbehave at runtime: no stages
// (a zero-stage quest such as dragon_rider_pq could never start), only bonus
// stages (nothing to complete), a stage without maps or an exit map of 0
// (warps would have no target), an empty or unknown registration mode (the
// instance would wait in registering forever), durations beyond
// MaxDurationSeconds, and bad combination properties.
func Validate(d Definition) (errs, warnings []string) {
	e := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	w := func(format string, a ...any) { warnings = append(warnings, fmt.Sprintf(format, a...)) }

	if d.QuestID == "" {
		e("questId is empty")
	}
	if d.Name == "" {
		e("name is empty")
	}
	if !slices.Contains(fieldLocks, d.FieldLock) {
		e("fieldLock %q is not one of none|channel|instance", d.FieldLock)
	}
	if d.Duration > MaxDurationSeconds {
		e("duration %d exceeds %d seconds", d.Duration, MaxDurationSeconds)
	}
	validateRegistration(d.Registration, e, w)

	validateConditions("startRequirements", d.StartRequirements, e, w)
	for i, c := range d.StartRequirements {
		if c.Type == ConditionItemCount || c.Type == ConditionMonsterKill {
			w("startRequirements[%d]: %s is evaluated against empty counts at START", i, c.Type)
		}
	}
	validateConditions("failRequirements", d.FailRequirements, e, w)
	if len(d.FailRequirements) > 0 {
		w("failRequirements are not evaluated")
	}

	if len(d.Stages) == 0 {
		e("no stages: the quest could never start")
	} else {
		if d.Exit == 0 {
			e("exit is 0: every character would be warped to map 0 at the end")
		}
		if d.LastRegularStage() < 0 {
			e("every stage is a bonus stage: there is nothing to complete")
		}
	}
	for i, s := range d.Stages {
		validateStage(i, s, e, w)
	}
	validateRewards("rewards", d.Rewards, e, w)
	return errs, warnings
}

type report func(format string, a ...any)

func validateRegistration(r Registration, e, w report) {
	switch {
	case r.Type == "":
		e("registration.type is empty (party|individual)")
	case !slices.Contains(regTypes, r.Type):
		e("registration.type %q is not one of party|individual", r.Type)
	}
	if !slices.Contains(regModes, r.Mode) {
		e("registration.mode %q is not one of instant|timed", r.Mode)
	}
	if r.Duration < 0 || r.Duration > MaxDurationSeconds {
		e("registration.duration %d is outside 0..%d seconds", r.Duration, MaxDurationSeconds)
	}
	if r.Mode == ModeTimed && r.Duration <= 0 {
		e("registration.duration must be > 0 for timed registration")
	}
	if !slices.Contains(affinities, r.Affinity) {
		e("registration.affinity %q is not one of none|guild|party", r.Affinity)
	}
	if r.Type == RegistrationParty && r.Affinity != "" && r.Affinity != AffinityNone {
		w("registration.affinity %q is ignored for party registration", r.Affinity)
	}
}

func validateConditions(where string, cs []Condition, e, w report) {
	for i, c := range cs {
		if !slices.Contains(conditionTypes, c.Type) {
			e("%s[%d].type %q is not one of %v", where, i, c.Type, conditionTypes)
		}
		if !slices.Contains(operators, c.Operator) {
			e("%s[%d].operator %q is not one of eq|gte|lte|gt|lt", where, i, c.Operator)
		}
		switch c.Type {
		case ConditionItemCount, ConditionMonsterKill:
			if c.ReferenceID == 0 {
				w("%s[%d]: %s with referenceId 0", where, i, c.Type)
			}
		case ConditionLevelMin, ConditionLevelMax:
			w("%s[%d]: %s is checked only when character levels are known, otherwise skipped", where, i, c.Type)
		}
	}
}

func validateStage(i int, s Stage, e, w report) {
	at := fmt.Sprintf("stages[%d]", i)
	if s.Index != uint32(i) {
		e("%s.index is %d, want %d (indexes must be sequential from 0)", at, s.Index, i)
	}
	if s.Name == "" {
		w("%s.name is empty", at)
	}
	if len(s.MapIDs) == 0 {
		e("%s.mapIds is empty", at)
	}
	if slices.Contains(s.MapIDs, 0) {
		e("%s.mapIds contains 0", at)
	}
	if !slices.Contains(stageTypes, s.Type) {
		e("%s.type %q is not a stage type", at, s.Type)
	}
	if s.Duration > MaxDurationSeconds {
		e("%s.duration %d exceeds %d seconds", at, s.Duration, MaxDurationSeconds)
	}
	if !slices.Contains(warpTypes, s.WarpType) {
		e("%s.warpType %q is not one of all|none", at, s.WarpType)
	}
	validateConditions(at+".clearConditions", s.ClearConditions, e, w)
	validateRewards(at+".rewards", s.Rewards, e, w)

	props, err := s.propertyMap()
	if err != nil {
		e("%s: %v", at, err)
		return
	}
	if s.Type == StageCombinationPuzzle {
		if _, err := s.Combination(); err != nil {
			e("%s: %v", at, err)
		}
		for _, k := range ignoredPuzzleKs {
			if _, ok := props[k]; ok {
				w("%s.properties.%s is ignored; use %s/%s", at, k, PropCombinationLength, PropCombinationRange)
			}
		}
	}
}

func validateRewards(where string, rs []Reward, e, w report) {
	for i, r := range rs {
		at := fmt.Sprintf("%s[%d]", where, i)
		if !slices.Contains(rewardTypes, r.Type) {
			e("%s.type %q is not one of experience|item|random_item", at, r.Type)
		}
		if r.Type == RewardRandomItem && len(r.Items) == 0 {
			e("%s: random_item needs at least one item", at)
		}
		if r.Type == RewardItem && len(r.Items) == 0 {
			w("%s: item reward without items", at)
		}
		if r.Type == RewardExperience && r.Amount == 0 {
			w("%s: experience reward of 0", at)
		}
		var weight uint64
		for j, it := range r.Items {
			if it.TemplateID == 0 {
				e("%s.items[%d].templateId is 0", at, j)
			}
			weight += uint64(it.Weight)
		}
		if r.Type == RewardRandomItem && len(r.Items) > 0 && weight == 0 {
			w("%s: every item weight is 0; draws would be uniform", at)
		}
	}
}
