package definition

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// valid is a minimal definition that passes Validate with no warnings.
func valid() Definition {
	return Definition{
		QuestID:      "q",
		Name:         "Q",
		FieldLock:    FieldLockChannel,
		Duration:     600,
		Registration: Registration{Type: RegistrationParty, Mode: ModeInstant},
		Exit:         900,
		Stages: []Stage{
			{Index: 0, Name: "A", MapIDs: []uint32{100}, Type: StageItemCollection, WarpType: WarpAll},
			{Index: 1, Name: "B", MapIDs: []uint32{200}, Type: StageBonus, Duration: 60},
		},
	}
}

func marshal(t *testing.T, d Definition) []byte {
	t.Helper()
	b, err := json.Marshal(d)
	require.NoError(t, err)
	return b
}

func writeFile(t *testing.T, dir, name string, content []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), content, 0o600))
}
