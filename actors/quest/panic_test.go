package quest

import (
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// A machine call that panics once, after it changed the machine: the actor
// restarts from the snapshot taken before the command, the command is
// retried and applies once. A command that panics every time is given up
// after three attempts and dead-lettered; the instance lives on with its
// state. Sibling instances never notice.
func TestPanicRestartsFromTheLastSnapshot(t *testing.T) {
	url := partiesService(t, map[uint32][]member{
		7: {{101, 1, 25}, {102, 1, 25}, {103, 1, 25}},
		8: {{111, 2, 25}, {112, 2, 25}, {113, 2, 25}},
	})
	var updatePanics atomic.Int32
	h := start(t, withParties(url), withHook(func(_ *partyquest.Machine, msg any) {
		c, ok := msg.(command)
		if !ok {
			return
		}
		if c.cmd.Type == messages.TypeUpdateStageState && c.cmd.CharacterID == 101 && updatePanics.Add(1) == 1 {
			panic("injected: once, after the update was applied")
		}
		if c.cmd.Type == messages.TypeForfeit {
			panic("injected: always")
		}
	}))
	h.register(101, kerning, 7, 1)
	a := h.created(1, kerning)
	h.register(111, kerning, 8, 2)
	b := h.created(2, kerning)
	h.waitType(a, messages.TypeStarted)
	h.waitType(b, messages.TypeStarted)

	h.update(101, a, map[uint32]uint32{4001007: 5}, nil) // panics once, retried
	h.cmd(102, messages.TypeForfeit, a)                  // panics on every attempt
	h.update(111, b, map[uint32]uint32{4001007: 10}, nil)
	h.cmd(111, messages.TypeStageClearAttempt, b)
	h.waitType(b, messages.TypeStageCleared)

	assert.Equal(t, []dead{{Reason: "panic", Character: 102, Type: messages.TypeForfeit}}, h.waitDead(1))
	h.update(101, a, map[uint32]uint32{4001007: 5}, nil)
	h.cmd(101, messages.TypeStageClearAttempt, a)
	h.waitType(a, messages.TypeStageCleared)

	st := h.settle(a)
	assert.Equal(t, map[uint32]uint32{4001007: 10}, st.StageState.ItemCounts, "5+5: the retried update applied once")
	assert.Equal(t, partyquest.StateClearing, st.State, "the given-up FORFEIT changed nothing")
	assert.Equal(t, int32(3), updatePanics.Load(), "first update, its retry, second update")
	assert.Equal(t, 4.0, testutil.ToFloat64(h.m.ActorRestarts.WithLabelValues(kindInstance)), "1 retry + 3 attempts at FORFEIT")
	assert.Equal(t, 0.0, testutil.ToFloat64(h.m.ActorRestarts.WithLabelValues(kindRegistrar)))

	var types []string
	for _, e := range h.events(a) {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{"INSTANCE_CREATED", "STARTED", "STAGE_CLEARED"}, types, "nothing emitted twice or by the given-up command")
	stB := h.settle(b)
	require.Equal(t, partyquest.StateClearing, stB.State)
	assert.Equal(t, uint32(1), stB.StageState.Attempts)
}
