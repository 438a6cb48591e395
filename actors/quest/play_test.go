package quest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// A party resolved by the parties service plays the Kerning City sample to
// the end: every stage cleared and advanced, COMPLETED, the bonus stage's
// limit (fake clock) ends the run. Status events of the instance arrive in
// order on its partition; each member's warps in order on theirs.
func TestKerningPlayedToTheEnd(t *testing.T) { kerningPlayedToTheEnd(t) }

func kerningPlayedToTheEnd(t *testing.T, opts ...option) {
	url := partiesService(t, map[uint32][]member{7: {{101, 1, 25}, {102, 1, 27}, {103, 2, 22}}})
	h := start(t, append([]option{withParties(url)}, opts...)...)
	const leader = 101

	h.register(leader, kerning, 7, 1)
	id := h.created(1, kerning)
	h.waitType(id, messages.TypeStarted)

	ctx := context.Background()
	st, err := h.sub.InstanceOfCharacter(ctx, tn, 103)
	require.NoError(t, err)
	assert.Equal(t, id, st.ID)
	assert.Equal(t, partyquest.StateActive, st.State)
	assert.Equal(t, []partyquest.Character{
		{ID: 101, WorldID: 1, ChannelID: 1, Level: 25},
		{ID: 102, WorldID: 1, ChannelID: 1, Level: 27},
		{ID: 103, WorldID: 1, ChannelID: 2, Level: 22},
	}, st.Characters)

	// All from the leader, so the commands share a partition and keep order.
	h.update(leader, id, map[uint32]uint32{4001007: 10}, nil)
	h.cmd(leader, messages.TypeStageClearAttempt, id)
	h.cmd(leader, messages.TypeStageAdvance, id)
	for range 2 { // the two combination puzzles have no clear conditions
		h.cmd(leader, messages.TypeStageClearAttempt, id)
		h.cmd(leader, messages.TypeStageAdvance, id)
	}
	h.update(leader, id, map[uint32]uint32{4001008: 10}, map[uint32]uint32{9300003: 1})
	h.cmd(leader, messages.TypeStageClearAttempt, id)
	h.cmd(leader, messages.TypeStageAdvance, id)
	h.waitEvent(1, func(e event) bool {
		return e.Instance == id && e.Type == messages.TypeStageAdvanced && e.Body == `{"stageIndex":4,"mapIds":[103000805]}`
	})

	st = h.settle(id)
	require.Equal(t, uint32(4), st.CurrentStageIndex)
	require.Equal(t, t0.Add(60*time.Second), st.StageEndsAt, "bonus limit armed")
	h.clk.Advance(60 * time.Second)
	h.waitType(id, messages.TypeInstanceDestroyed)

	stage := func(i uint32, maps ...uint32) string {
		return body(t, messages.StageBody{StageIndex: i, MapIDs: maps})
	}
	cleared := func(i uint32, m uint32) string {
		return body(t, messages.StageClearedBody{StageIndex: i, ChannelID: 1, MapIDs: []uint32{m}, FieldInstances: []uuid.UUID{}})
	}
	want := []string{
		"INSTANCE_CREATED " + `{"partyId":7,"channelId":1}`,
		"STARTED " + stage(0, 103000800),
		"STAGE_CLEARED " + cleared(0, 103000800),
		"STAGE_ADVANCED " + stage(1, 103000801),
		"STAGE_CLEARED " + cleared(1, 103000801),
		"STAGE_ADVANCED " + stage(2, 103000802),
		"STAGE_CLEARED " + cleared(2, 103000802),
		"STAGE_ADVANCED " + stage(3, 103000804),
		"STAGE_CLEARED " + cleared(3, 103000804),
		"COMPLETED {}",
		"STAGE_ADVANCED " + stage(4, 103000805),
		"INSTANCE_DESTROYED {}",
	}
	var got []string
	for _, e := range h.events(id) {
		got = append(got, e.String())
		assert.Equal(t, id.String(), e.key, "status events are keyed by instance")
		assert.Equal(t, byte(1), e.World)
		assert.Equal(t, kerning, e.Quest)
	}
	assert.Equal(t, want, got)

	for _, m := range []member{{101, 1, 0}, {102, 1, 0}, {103, 2, 0}} {
		var maps []uint32
		for _, w := range h.waitWarps(m.id, 6) {
			assert.Equal(t, m.channel, w.Channel, "each member on the channel the parties service reports")
			assert.Equal(t, uuid.Nil, w.Instance)
			maps = append(maps, w.Map)
		}
		assert.Equal(t, []uint32{103000800, 103000801, 103000802, 103000804, 103000805, 103000890}, maps, "character %d", m.id)
	}

	// The registrar handled the ended report before this query, so the
	// instance is gone from the read API and its characters are free.
	all, err := h.sub.Instances(ctx, tn)
	require.NoError(t, err)
	assert.Empty(t, all)
	_, err = h.sub.InstanceOfCharacter(ctx, tn, leader)
	assert.ErrorIs(t, err, ErrNotFound)
	// All eleven inputs are committed, so a rejection would be in the stream.
	waitCommitted(t, h, leader, 11)
	assert.Empty(t, h.allDead(), "nothing rejected")
}

// waitCommitted waits until the partition of character c's commands has
// committed n inputs: each was completed exactly once.
// On the mock broker, which drops offsets sent to a transaction, it waits
// instead until every command produced was read and nothing is in flight:
// each one completed at least once.
func waitCommitted(t *testing.T, h *harness, c uint32, n int64) {
	t.Helper()
	if be, ok := h.be.(*brokerBackend); ok && !be.b.ExactlyOnce() {
		h.eventually("every command read, nothing in flight (at least once on the mock)", func() bool {
			return be.committedTotal() >= be.produced.Load()
		})
		return
	}
	h.eventually("committed offsets", func() bool { return h.committed(c) == n })
}

// waitAllCommitted waits until n inputs are committed over all partitions.
func waitAllCommitted(t *testing.T, h *harness, n int64) {
	t.Helper()
	h.eventually("committed offsets", func() bool { return h.be.committedTotal() == n })
}
