package quest

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// Every state change is committed to the changelog with its effects. A
// process that dies without shutting down is replaced by one that resumes
// the live instances from it: same stage and counters, characters still
// indexed, timers re-armed; a destroyed instance left only a tombstone.
func TestCrashedProcessResumesFromTheChangelog(t *testing.T) {
	t.Run("running", func(t *testing.T) { crashedProcessResumesFromTheChangelog(t) })
	// Where instances may rest, they resume at rest: queries are answered
	// from the record, and the first input or deadline wakes them.
	t.Run("at rest", func(t *testing.T) {
		crashedProcessResumesFromTheChangelog(t, withDeps(func(d *Deps) { d.PassivateAfter = time.Hour }))
	})
}

func crashedProcessResumesFromTheChangelog(t *testing.T, opts ...option) {
	url := partiesService(t, map[uint32][]member{
		7: {{101, 1, 25}, {102, 1, 25}, {103, 1, 25}},
		8: {{111, 2, 25}, {112, 2, 25}, {113, 2, 25}},
	})
	h := start(t, append([]option{withParties(url)}, opts...)...)
	h.register(101, kerning, 7, 1)
	live := h.created(1, kerning)
	h.register(111, kerning, 8, 2)
	gone := h.created(2, kerning)
	h.update(101, live, map[uint32]uint32{4001007: 10}, nil)
	h.cmd(101, messages.TypeStageClearAttempt, live)
	h.cmd(101, messages.TypeStageAdvance, live) // stage 1: a 300 s limit
	h.update(101, live, nil, map[uint32]uint32{9300003: 2})
	h.cmd(111, messages.TypeForfeit, gone)
	h.waitType(gone, messages.TypeInstanceDestroyed)
	h.waitType(live, messages.TypeStageAdvanced)
	waitCommitted(t, h, 101, 5)
	before := h.settle(live)

	h.crash()
	entries := h.restored()
	instances := changelog.ByTenant(entries, changelogKind)[tn.Key()]
	require.Len(t, instances, 1, "the forfeited instance is a tombstone")
	assert.Equal(t, live.String(), instances[0].ID)
	assert.Len(t, changelog.ByTenant(entries, definitionKind)[tn.Key()], 1,
		"both runs share one definition record")

	h.boot(entries)
	ctx := context.Background()
	after, err := h.sub.Instance(ctx, tn, live)
	require.NoError(t, err)
	assert.Equal(t, before, after, "resumed exactly where it was committed")
	assert.Equal(t, map[uint32]uint32{9300003: 2}, after.StageState.MonsterKills, "a change without events is in the changelog too")
	st, err := h.sub.InstanceOfCharacter(ctx, tn, 103)
	require.NoError(t, err)
	assert.Equal(t, live, st.ID, "characters indexed again")
	all, err := h.sub.Instances(ctx, tn)
	require.NoError(t, err)
	assert.Len(t, all, 1)
	resting := func() float64 { return testutil.ToFloat64(h.m.RestingActors.WithLabelValues(kindInstance)) }
	if h.passivating() {
		assert.Equal(t, 1.0, resting(), "resumed at rest, and the queries did not wake it")
	} else {
		assert.Zero(t, resting())
	}

	h.register(102, kerning, 7, 1) // still in a live instance
	assert.Equal(t, []dead{{Reason: "conflict", Character: 102, Type: messages.TypeRegister}}, h.waitDead(1))
	h.clk.Advance(300 * time.Second) // the stage limit, armed again at restore
	h.waitEvent(1, func(e event) bool {
		return e.Instance == live && e.Type == messages.TypeStageAdvanced && e.Body == `{"stageIndex":2,"mapIds":[103000802]}`
	})
	assert.Equal(t, partyquest.StateActive, h.settle(live).State)
	assert.Len(t, h.events(live), 5, "the four events before the crash once each (no replay), then the timer's")
	assert.Zero(t, resting(), "its timer woke it")
}

// A rolling upgrade mixes the changelog's two forms: a replica that writes
// binary states resumes instances recorded as JSON, and one that writes JSON
// (CHANGELOG_FORMAT=json) resumes binary ones; each then records its own.
func TestChangelogFormsResumeEachOther(t *testing.T) {
	for _, jsonFirst := range []bool{true, false} {
		name := map[bool]string{true: "json then binary", false: "binary then json"}[jsonFirst]
		t.Run(name, func(t *testing.T) {
			url := partiesService(t, map[uint32][]member{7: {{101, 1, 25}, {102, 1, 25}, {103, 1, 25}}})
			h := start(t, withParties(url), withDeps(func(d *Deps) { d.JSONChangelog = jsonFirst }))
			h.register(101, kerning, 7, 1)
			live := h.created(1, kerning)
			h.update(101, live, map[uint32]uint32{4001007: 10}, map[uint32]uint32{9300003: 2})
			waitCommitted(t, h, 101, 2)
			before := h.settle(live)

			// resumed by a replica that writes the other form
			h.crash()
			entries := h.restored()
			instances := changelog.ByTenant(entries, changelogKind)[tn.Key()]
			require.Len(t, instances, 1)
			assert.Equal(t, !jsonFirst, instances[0].Binary, "recorded in the first replica's form")
			h.setup.deps = append(h.setup.deps, func(d *Deps) { d.JSONChangelog = !jsonFirst })
			h.boot(entries)
			after, err := h.sub.Instance(context.Background(), tn, live)
			require.NoError(t, err)
			assert.Equal(t, before, after, "resumed exactly where it was committed")

			// its next change is in its own form, and resumes as well
			h.update(101, live, map[uint32]uint32{4001007: 11}, nil)
			waitCommitted(t, h, 101, 3)
			before = h.settle(live)
			h.crash()
			entries = h.restored()
			instances = changelog.ByTenant(entries, changelogKind)[tn.Key()]
			require.Len(t, instances, 1)
			assert.Equal(t, jsonFirst, instances[0].Binary, "recorded in the second replica's form")
			h.boot(entries)
			after, err = h.sub.Instance(context.Background(), tn, live)
			require.NoError(t, err)
			assert.Equal(t, before, after)
			assert.Equal(t, uint32(21), after.StageState.ItemCounts[4001007], "counts add up")
		})
	}
}
