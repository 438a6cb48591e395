package partyquest

import (
	"testing"

	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/stretchr/testify/require"
)

func TestCompareOperators(t *testing.T) {
	for _, tc := range []struct {
		actual uint32
		op     string
		value  uint32
		want   bool
	}{
		{3, "eq", 3, true}, {2, "eq", 3, false},
		{3, "gte", 3, true}, {2, "gte", 3, false},
		{3, "lte", 3, true}, {4, "lte", 3, false},
		{4, "gt", 3, true}, {3, "gt", 3, false},
		{2, "lt", 3, true}, {3, "lt", 3, false},
		{3, ">=", 3, false}, // the reference's spelling is not an operator here
	} {
		require.Equal(t, tc.want, compare(tc.actual, tc.op, tc.value), "%d %s %d", tc.actual, tc.op, tc.value)
	}
}

func TestStartRequirements(t *testing.T) {
	req := func(typ, op string, v uint32) definition.Condition {
		return definition.Condition{Type: typ, Operator: op, Value: v}
	}
	for _, tc := range []struct {
		name  string
		conds []definition.Condition
		party []Character
		start bool
	}{
		{"party size met", []definition.Condition{req("party_size", "eq", 2)}, []Character{alice, bob}, true},
		{"party size unmet", []definition.Condition{req("party_size", "eq", 3)}, []Character{alice, bob}, false},
		{"lowest level too low", []definition.Condition{req("level_min", "gte", 23)}, []Character{alice, carol}, false},
		{"lowest level ok", []definition.Condition{req("level_min", "gte", 22)}, []Character{alice, carol}, true},
		{"highest level too high", []definition.Condition{req("level_max", "lte", 26)}, []Character{alice, bob}, false},
		{"highest level ok", []definition.Condition{req("level_max", "lte", 27)}, []Character{alice, bob}, true},
		{"unknown level skipped", []definition.Condition{req("level_min", "gte", 99)}, []Character{alice, dave}, true},
		{"item counts are empty at start", []definition.Condition{{Type: "item_count", Operator: "gte", Value: 1, ReferenceID: 1}}, []Character{alice}, false},
		{"unknown type fails closed", []definition.Condition{req("weather", "eq", 0)}, []Character{alice}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def := testDef()
			def.StartRequirements = tc.conds
			m, _ := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, Characters: tc.party}, &stepRandom{}, t0)
			require.Equal(t, tc.start, m.Phase() == StateActive)
			require.Equal(t, !tc.start, m.Done())
		})
	}
}

func TestClearConditionsUseStageCounters(t *testing.T) {
	def := testDef()
	def.Stages[0].ClearConditions = []definition.Condition{
		{Type: "item_count", Operator: "gte", Value: 2, ReferenceID: 4001},
		{Type: "monster_kill", Operator: "eq", Value: 1, ReferenceID: 9300},
		{Type: "party_size", Operator: "gte", Value: 2},
	}
	m := newActive(t, def)
	accept(t, m, update(alice.ID, map[uint32]uint32{4001: 2}, nil), t0)
	require.Nil(t, accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0), "kill missing")
	accept(t, m, update(alice.ID, nil, map[uint32]uint32{9300: 1}), t0)
	require.Len(t, accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0), 1)
}
