package quest

import (
	"encoding/json"
	"fmt"
	"sort"

	"go.uber.org/zap"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// changelogKind names instance records in the party-quest changelog; the
// record id is the instance id.
const changelogKind = "instance"

// withState appends the instance's changelog record to an operation's
// effects, so state, effects and the input's offset commit in one
// transaction: the state once destroyed is a tombstone.
func (a *instanceActor) withState(recs []messages.Record) []messages.Record {
	var state any
	if !a.m.Done() {
		state = a.m.State()
	}
	r, err := changelog.Record(messages.ChangelogTopicPartyQuest, a.tenant, changelogKind, a.id.String(), state)
	if err != nil {
		a.deps.Log.Error("party-quest state not recorded", zap.Stringer("instance", a.id), zap.Error(err))
		return recs
	}
	return append(recs, r)
}

// restoredInstances decodes one tenant's restored instance states, oldest
// registration first (the registrar's join search prefers the oldest).
// States that Restore could not run safely are skipped and reported.
func restoredInstances(entries []changelog.Entry) ([]partyquest.State, []error) {
	out := make([]partyquest.State, 0, len(entries))
	var errs []error
	for _, e := range entries {
		var st partyquest.State
		if err := json.Unmarshal(e.State, &st); err != nil {
			errs = append(errs, fmt.Errorf("party-quest state %q: %w", e.ID, err))
			continue
		}
		if err := st.Check(); err != nil {
			errs = append(errs, fmt.Errorf("party-quest state %q: %w", e.ID, err))
			continue
		}
		if st.ID.String() != e.ID {
			errs = append(errs, fmt.Errorf("party-quest state %q holds instance %s", e.ID, st.ID))
			continue
		}
		if !st.Destroyed {
			out = append(out, st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RegisteredAt.Before(out[j].RegisteredAt) })
	return out, errs
}
