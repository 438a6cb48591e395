package partyquest

import (
	"encoding/json"
	"testing"

	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/stretchr/testify/require"
)

// puzzleDef starts directly in a combination puzzle with the given properties.
func puzzleDef(props string) definition.Definition {
	def := testDef()
	def.Stages[0].Type = definition.StageCombinationPuzzle
	def.Stages[0].ClearConditions = nil
	def.Stages[0].Properties = json.RawMessage(props)
	return def
}

func TestCombinationRespectsLengthAndRange(t *testing.T) {
	for _, tc := range []struct {
		props         string
		length, rng   int
		wantDistinctN int // with enough seeds every value of the range shows up
	}{
		{`{}`, 3, 3, 3},
		{`{"combinationLength":5,"combinationRange":4}`, 5, 4, 4},
		{`{"combinationLength":1,"combinationRange":1}`, 1, 1, 1},
		{`{"combinationLength":16,"combinationRange":100}`, 16, 100, 100},
	} {
		seen := map[uint32]bool{}
		for seed := range uint64(200) {
			m, _ := New(instID, ptr(puzzleDef(tc.props)), Registration{Characters: []Character{alice}}, NewSeededRandom(seed), t0)
			c := m.State().StageState.Combination
			require.Len(t, c, tc.length, tc.props)
			for _, v := range c {
				require.Less(t, v, uint32(tc.rng), tc.props)
				seen[v] = true
			}
		}
		require.Len(t, seen, tc.wantDistinctN, tc.props)
	}
}

func TestCombinationIsDeterministicPerSeed(t *testing.T) {
	def := puzzleDef(`{"combinationLength":6,"combinationRange":10}`)
	a, _ := New(instID, &def, Registration{Characters: []Character{alice}}, NewSeededRandom(42), t0)
	b, _ := New(instID, &def, Registration{Characters: []Character{alice}}, NewSeededRandom(42), t0)
	require.Equal(t, a.State().StageState.Combination, b.State().StageState.Combination)
}

func TestBadCombinationPropertiesFallBackInsteadOfPanicking(t *testing.T) {
	// Validate rejects these at load; a machine handed one must still not panic.
	for _, props := range []string{`{"combinationRange":0}`, `{"combinationLength":-1}`, `{"combinationLength":1e9}`, `{"combinationRange":"x"}`} {
		m, _ := New(instID, ptr(puzzleDef(props)), Registration{Characters: []Character{alice}}, &stepRandom{}, t0)
		require.Len(t, m.State().StageState.Combination, definition.DefaultCombinationLength, props)
		require.NotEmpty(t, m.TakeNotes())
	}
}
