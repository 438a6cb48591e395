package transport

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestRiderEntryAppendJSONWritesWhatEncodingJSONWrites holds the
// directory's fast changelog encoding to encoding/json's: claims nil,
// empty (both left out) or several, instance nil or set.
func TestRiderEntryAppendJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	rnd := rand.New(rand.NewPCG(2, 4))
	for range 2000 {
		e := riderEntry{Route: uuid.New(), Seq: rnd.Uint64()}
		if rnd.IntN(2) == 0 {
			e.Instance = uuid.New()
		}
		switch n := rnd.IntN(4); n {
		case 0:
		case 1:
			e.Claims = []uint64{}
		default:
			for range n {
				e.Claims = append(e.Claims, rnd.Uint64())
			}
		}
		want, err := json.Marshal(e)
		require.NoError(t, err)
		got, err := e.AppendJSON(nil)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	}
}
