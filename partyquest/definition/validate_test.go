package definition

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidDefinitionHasNoFindings(t *testing.T) {
	errs, warnings := Validate(valid())
	require.Empty(t, errs)
	require.Empty(t, warnings)
}

func TestValidateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *Definition)
		want string
	}{
		{"questId", func(d *Definition) { d.QuestID = "" }, "questId is empty"},
		{"name", func(d *Definition) { d.Name = "" }, "name is empty"},
		{"fieldLock", func(d *Definition) { d.FieldLock = "world" }, `fieldLock "world"`},
		{"duration bound", func(d *Definition) { d.Duration = MaxDurationSeconds + 1 }, "duration 604801 exceeds"},
		{"registration type empty", func(d *Definition) { d.Registration.Type = "" }, "registration.type is empty"},
		{"registration type", func(d *Definition) { d.Registration.Type = "solo" }, `registration.type "solo"`},
		{"registration mode empty", func(d *Definition) { d.Registration.Mode = "" }, `registration.mode ""`},
		{"registration mode", func(d *Definition) { d.Registration.Mode = "later" }, `registration.mode "later"`},
		{"timed needs window", func(d *Definition) { d.Registration.Mode = ModeTimed }, "must be > 0 for timed"},
		{"negative window", func(d *Definition) { d.Registration.Duration = -1 }, "registration.duration -1"},
		{"affinity", func(d *Definition) { d.Registration.Affinity = "clan" }, `registration.affinity "clan"`},
		{"condition type", func(d *Definition) {
			d.StartRequirements = []Condition{{Type: "item", Operator: "gte"}}
		}, `startRequirements[0].type "item"`},
		{"condition operator", func(d *Definition) {
			d.Stages[0].ClearConditions = []Condition{{Type: ConditionItemCount, Operator: ">=", ReferenceID: 1}}
		}, `stages[0].clearConditions[0].operator ">="`},
		{"no stages", func(d *Definition) { d.Stages = nil }, "no stages"},
		{"only bonus", func(d *Definition) { d.Stages[0].Type = StageBonus }, "every stage is a bonus stage"},
		{"exit", func(d *Definition) { d.Exit = 0 }, "exit is 0"},
		{"index", func(d *Definition) { d.Stages[1].Index = 5 }, "stages[1].index is 5, want 1"},
		{"mapIds empty", func(d *Definition) { d.Stages[0].MapIDs = nil }, "stages[0].mapIds is empty"},
		{"mapIds zero", func(d *Definition) { d.Stages[0].MapIDs = []uint32{0} }, "stages[0].mapIds contains 0"},
		{"stage type", func(d *Definition) { d.Stages[0].Type = "dance" }, `stages[0].type "dance"`},
		{"stage duration", func(d *Definition) { d.Stages[0].Duration = MaxDurationSeconds + 1 }, "stages[0].duration"},
		{"warpType", func(d *Definition) { d.Stages[0].WarpType = "some" }, `stages[0].warpType "some"`},
		{"reward type", func(d *Definition) { d.Rewards = []Reward{{Type: "gold"}} }, `rewards[0].type "gold"`},
		{"random_item without items", func(d *Definition) {
			d.Stages[0].Rewards = []Reward{{Type: RewardRandomItem, Amount: 1}}
		}, "random_item needs at least one item"},
		{"templateId", func(d *Definition) {
			d.Rewards = []Reward{{Type: RewardItem, Items: []WeightedItem{{TemplateID: 0, Weight: 1}}}}
		}, "rewards[0].items[0].templateId is 0"},
		{"combination length 0", func(d *Definition) { puzzle(d, `{"combinationLength":0}`) }, "combinationLength must be an integer in 1..16"},
		{"combination length big", func(d *Definition) { puzzle(d, `{"combinationLength":17}`) }, "combinationLength must be an integer in 1..16"},
		{"combination length fraction", func(d *Definition) { puzzle(d, `{"combinationLength":2.5}`) }, "combinationLength must be an integer"},
		{"combination range 0", func(d *Definition) { puzzle(d, `{"combinationRange":0}`) }, "combinationRange must be an integer in 1..100"},
		{"combination range big", func(d *Definition) { puzzle(d, `{"combinationRange":101}`) }, "combinationRange must be an integer in 1..100"},
		{"combination range negative", func(d *Definition) { puzzle(d, `{"combinationRange":-3}`) }, "combinationRange must be an integer"},
		{"combination range string", func(d *Definition) { puzzle(d, `{"combinationRange":"4"}`) }, "combinationRange must be a JSON number"},
		{"properties not object", func(d *Definition) { d.Stages[0].Properties = json.RawMessage(`[1]`) }, "properties must be a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := valid()
			tc.edit(&d)
			errs, _ := Validate(d)
			require.NotEmpty(t, errs)
			require.Contains(t, strings.Join(errs, "\n"), tc.want)
		})
	}
}

func puzzle(d *Definition, props string) {
	d.Stages[0].Type = StageCombinationPuzzle
	d.Stages[0].Properties = json.RawMessage(props)
}

func TestValidateWarnings(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *Definition)
		want string
	}{
		{"stage name", func(d *Definition) { d.Stages[0].Name = "" }, "stages[0].name is empty"},
		{"level skipped", func(d *Definition) {
			d.StartRequirements = []Condition{{Type: ConditionLevelMin, Operator: OpGte, Value: 21}}
		}, "checked only when character levels are known"},
		{"item at start", func(d *Definition) {
			d.StartRequirements = []Condition{{Type: ConditionItemCount, Operator: OpGte, Value: 1, ReferenceID: 5}}
		}, "evaluated against empty counts"},
		{"referenceId 0", func(d *Definition) {
			d.Stages[0].ClearConditions = []Condition{{Type: ConditionMonsterKill, Operator: OpGte, Value: 1}}
		}, "monster_kill with referenceId 0"},
		{"failRequirements", func(d *Definition) {
			d.FailRequirements = []Condition{{Type: ConditionPartySize, Operator: OpLt, Value: 2}}
		}, "failRequirements are not evaluated"},
		{"party affinity", func(d *Definition) { d.Registration.Affinity = AffinityGuild }, "ignored for party registration"},
		{"reference puzzle keys", func(d *Definition) { puzzle(d, `{"digits":4,"positions":3}`) }, "properties.digits is ignored"},
		{"experience 0", func(d *Definition) { d.Rewards = []Reward{{Type: RewardExperience}} }, "experience reward of 0"},
		{"weights 0", func(d *Definition) {
			d.Rewards = []Reward{{Type: RewardRandomItem, Items: []WeightedItem{{TemplateID: 1}}}}
		}, "every item weight is 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := valid()
			tc.edit(&d)
			errs, warnings := Validate(d)
			require.Empty(t, errs)
			require.Contains(t, strings.Join(warnings, "\n"), tc.want)
		})
	}
}

func TestCombinationDefaultsAndValues(t *testing.T) {
	c, err := Stage{}.Combination()
	require.NoError(t, err)
	require.Equal(t, Combination{Length: 3, Range: 3}, c)
	c, err = Stage{Properties: json.RawMessage(`{"combinationLength":4,"combinationRange":10.0,"combinationSum":12}`)}.Combination()
	require.NoError(t, err)
	require.Equal(t, Combination{Length: 4, Range: 10}, c)
	c, err = Stage{Properties: json.RawMessage(`{"combinationLength":null}`)}.Combination()
	require.NoError(t, err)
	require.Equal(t, 3, c.Length)
}

func TestDurations(t *testing.T) {
	d := valid()
	require.Equal(t, "10m0s", d.GlobalLimit().String())
	require.Equal(t, "1m0s", d.Stages[1].Limit().String())
	require.Zero(t, d.Registration.Window())
	d.Registration.Duration = 180
	require.Equal(t, "3m0s", d.Registration.Window().String())
	require.Positive(t, seconds(^uint64(0)), "saturates instead of overflowing")
	require.Equal(t, 0, d.LastRegularStage())
}
