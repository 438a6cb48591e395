package definition

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDecodeIgnoresUnknownKeysAndCompactsProperties(t *testing.T) {
	d, err := Decode([]byte(`{"questId":"q","name":"Q","extra":{"x":1},
		"stages":[{"index":0,"mapIds":[1],"properties":{ "npcId" : 9020001,
		"combinationLength" : 3 }}]}`))
	require.NoError(t, err)
	require.Equal(t, `{"npcId":9020001,"combinationLength":3}`, string(d.Stages[0].Properties))

	var again Definition
	require.NoError(t, json.Unmarshal(marshal(t, d), &again))
	require.Equal(t, d, again, "a decoded definition survives a JSON round trip")
}

func TestDecodeRejects(t *testing.T) {
	for name, in := range map[string]string{
		"not json":          `{"questId":`,
		"comment":           "// c\n{}",
		"negative uint":     `{"questId":"q","duration":-5}`,
		"string for number": `{"questId":"q","exit":"103000890"}`,
		"array properties":  `{"stages":[{"properties":[1,2]}]}`,
		"trailing data":     `{} {}`,
	} {
		_, err := Decode([]byte(in))
		require.Error(t, err, name)
		require.Contains(t, err.Error(), "failed to parse JSON", name)
	}
	d, err := Decode([]byte(`{"stages":[{"properties":null}]}`))
	require.NoError(t, err)
	require.Nil(t, d.Stages[0].Properties)
}

func TestParseValidates(t *testing.T) {
	_, _, err := Parse(marshal(t, valid()))
	require.NoError(t, err)

	bad := valid()
	bad.Exit = 0
	bad.Registration.Mode = "later"
	_, _, err = Parse(marshal(t, bad))
	require.ErrorContains(t, err, "exit is 0")
	require.ErrorContains(t, err, `registration.mode "later"`)

	warn := valid()
	warn.Stages[0].Name = ""
	_, warnings, err := Parse(marshal(t, warn))
	require.NoError(t, err)
	require.Equal(t, []string{"stages[0].name is empty"}, warnings)
}
