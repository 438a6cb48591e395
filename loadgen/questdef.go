package loadgen

import (
	"fmt"
	"time"

	"github.com/gamehost/transitquest/partyquest/definition"
)

// QuestID is the generated party quest's id.
const QuestID = "loadgen_pq"

// QuestItem is the item template every command-driven stage counts.
const QuestItem = 4001007

// QuestDefinition is the generated quest and the shape the scenario follows.
type QuestDefinition struct {
	Definition definition.Definition
	Wait       time.Duration // stage 0's limit: it advances by timer
	Stages     int           // command-driven stages after stage 0
}

// NewQuestDefinition builds the quest: party registration that waits for
// its members (so REGISTER with a partyId correlates with INSTANCE_CREATED),
// stage 0 advancing by its timer after wait (whole seconds, at least one),
// then stages that clear once one QuestItem is counted.
func NewQuestDefinition(wait time.Duration, stages int) QuestDefinition {
	secs := max(uint64(1), uint64(wait.Round(time.Second)/time.Second))
	d := definition.Definition{
		QuestID: QuestID, Name: "Load generator quest", FieldLock: definition.FieldLockNone, Duration: 3600,
		Registration: definition.Registration{Type: definition.RegistrationParty, Mode: definition.ModeTimed, Duration: 600},
		Exit:         910000999,
		Stages: []definition.Stage{{Index: 0, Name: "Wait", MapIDs: []uint32{910000000}, Type: definition.StageWarpPuzzle,
			Duration: secs, WarpType: definition.WarpAll}},
	}
	for i := 1; i <= stages; i++ {
		d.Stages = append(d.Stages, definition.Stage{
			Index: uint32(i), Name: fmt.Sprintf("Collect %d", i), MapIDs: []uint32{910000000 + uint32(i)},
			Type: definition.StageItemCollection, Duration: 600, WarpType: definition.WarpAll,
			ClearConditions: []definition.Condition{{Type: definition.ConditionItemCount, Operator: definition.OpGte, Value: 1, ReferenceID: QuestItem}},
		})
	}
	return QuestDefinition{Definition: d, Wait: time.Duration(secs) * time.Second, Stages: stages}
}
