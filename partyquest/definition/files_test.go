package definition

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateFiles(t *testing.T) {
	kerningFile, err := os.ReadFile("../testdata/kerning_city_pq.json")
	require.NoError(t, err)
	res := ValidateFiles([][]byte{
		kerningFile,
		[]byte(`{"questId":`),
		[]byte(`{"questId":"empty_pq","name":"Empty","registration":{"type":"party","mode":"instant"},"exit":1,"stages":[]}`),
		kerningFile,
	})
	require.Len(t, res, 4)
	assert.True(t, res[0].Valid)
	assert.Equal(t, kerning, res[0].QuestID)
	assert.Equal(t, "Kerning City Party Quest", res[0].Name)
	assert.NotEmpty(t, res[0].Warnings, "level conditions are only checked when levels are known")

	assert.False(t, res[1].Valid)
	assert.Empty(t, res[1].QuestID)
	assert.Contains(t, res[1].Errors[0], "failed to parse JSON")

	assert.False(t, res[2].Valid)
	assert.Equal(t, "empty_pq", res[2].QuestID)
	assert.Contains(t, res[2].Errors, "no stages: the quest could never start")

	assert.False(t, res[3].Valid)
	assert.Contains(t, res[3].Errors, `duplicate questId "kerning_city_pq" (first in file #0)`)
}

// Only a loadable file claims its questId: an invalid first file does not
// make a later valid one a duplicate.
func TestValidateFilesInvalidDoesNotClaimQuestID(t *testing.T) {
	bad := valid()
	bad.Name = ""
	res := ValidateFiles([][]byte{marshal(t, bad), marshal(t, valid()), marshal(t, valid())})
	require.Len(t, res, 3)
	assert.False(t, res[0].Valid)
	assert.True(t, res[1].Valid, "%v", res[1].Errors)
	assert.False(t, res[2].Valid)
	assert.Equal(t, []string{`duplicate questId "q" (first in file #1)`}, res[2].Errors)
	assert.Empty(t, ValidateFiles(nil))
}

// The JSON shape is the reference's validate response entry.
func TestValidationResultJSON(t *testing.T) {
	b, err := json.Marshal(ValidationResult{Valid: true, QuestID: "q", Name: "Q"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"valid":true,"questId":"q","name":"Q"}`, string(b))
	b, err = json.Marshal(ValidationResult{QuestID: "q", Errors: []string{"e"}, Warnings: []string{"w"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"valid":false,"questId":"q","name":"","errors":["e"],"warnings":["w"]}`, string(b))
}
