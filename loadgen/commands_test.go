package loadgen

import (
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/gamehost/transitquest/messages"
)

// The correlation ids are the strings they always were (fmt's forms).
func TestCorrIDs(t *testing.T) {
	for _, c := range []uint32{0, 7, 4194305, 1<<32 - 1} {
		assert.Equal(t, fmt.Sprintf("ride/%d/%s", c, messages.TypeStarted), RideCorr(c, messages.TypeStarted))
		assert.Equal(t, fmt.Sprintf("pq/party/%d", c), PartyCorr(c))
	}
	for _, id := range []uuid.UUID{uuid.Nil, uuid.New(), uuid.MustParse("ffffffff-0000-4abc-8def-0123456789ab")} {
		for _, typ := range []string{messages.TypeStarted, messages.TypeInstanceDestroyed} {
			assert.Equal(t, fmt.Sprintf("pq/%s/%s", id, typ), QuestCorr(id, typ, 3))
		}
		for _, typ := range []string{messages.TypeStageCleared, messages.TypeStageAdvanced} {
			for _, st := range []uint32{0, 1, 12, 1<<32 - 1} {
				assert.Equal(t, fmt.Sprintf("pq/%s/%s/%d", id, typ, st), QuestCorr(id, typ, st))
			}
		}
	}
}

func BenchmarkQuestCorr(b *testing.B) {
	id := uuid.New()
	b.ReportAllocs()
	for b.Loop() {
		_ = QuestCorr(id, messages.TypeStageCleared, 2)
	}
}
