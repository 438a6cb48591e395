package jsonbytes

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestAppendStringWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, s := range []string{"", "command", "a\"b", `back\slash`, "<tag>&", "ü", "tab\there", "\x01"} {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(AppendString(nil, s)), s)
	}
}

func TestAppendUUIDIsTheCanonicalForm(t *testing.T) {
	for range 100 {
		id := uuid.New()
		require.Equal(t, id.String(), string(AppendUUID(nil, id)))
		want, _ := json.Marshal(id)
		require.Equal(t, string(want), string(AppendQuotedUUID([]byte{}, id)))
	}
}
