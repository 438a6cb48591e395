package kafka_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/kafka"
)

// ownJSON writes itself in a form encoding/json never would, so the test
// sees which encoder ran.
type ownJSON struct{}

func (ownJSON) AppendJSON(b []byte) ([]byte, error) { return append(b, `"own"`...), nil }

// TestEncodeValueUsesAValuesOwnAppendJSON: a value with AppendJSON is
// encoded by it (the events' fast path), anything else by encoding/json.
func TestEncodeValueUsesAValuesOwnAppendJSON(t *testing.T) {
	b, err := kafka.EncodeValue(ownJSON{})
	require.NoError(t, err)
	assert.Equal(t, `"own"`, string(b))
	b, err = kafka.EncodeValue(struct{ A int }{1})
	require.NoError(t, err)
	assert.Equal(t, `{"A":1}`, string(b))
}
