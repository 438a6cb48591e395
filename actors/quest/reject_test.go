package quest

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/tenant"
)

// Refused commands are dead-lettered with their reason and the partition
// keeps flowing: a valid command behind them on the same partition is
// handled and every offset is committed.
func TestRefusedCommandsAreDeadLettered(t *testing.T) { refusedCommandsAreDeadLettered(t) }

func refusedCommandsAreDeadLettered(t *testing.T, opts ...option) {
	url := partiesService(t, map[uint32][]member{7: {{101, 1, 25}, {102, 1, 27}, {103, 1, 22}}})
	h := start(t, append([]option{withParties(url)}, opts...)...)
	const c = 101 // every command keyed by 101: one partition, in order
	h.register(c, kerning, 7, 1)
	id := h.created(1, kerning)

	h.cmd(c, messages.TypeStageAdvance, uuid.New())                                  // no such instance
	h.cmd(c, messages.TypeStageAdvance, id)                                          // active, not clearing
	h.send(c, messages.TypeStageClearAttempt, messages.InstanceBody{InstanceID: id}) // valid from the member...
	h.produce(messages.IntKey(c),
		messages.Command[messages.InstanceBody]{WorldID: 1, CharacterID: 999, Type: messages.TypeForfeit,
			Body: messages.InstanceBody{InstanceID: id}}, tn) // ...but 999 is not in the party
	h.register(c, "dragon_rider_pq", 0, 1) // not defined
	h.register(c, kerning, 7, 1)           // already in a live instance
	h.produce(messages.IntKey(c), `{"type":"START","body":`, tn)
	other := tenant.Tenant{ID: uuid.New(), Region: "EMS", MajorVersion: 1}
	h.produce(messages.IntKey(c),
		messages.Command[messages.InstanceBody]{WorldID: 1, CharacterID: c, Type: messages.TypeStart,
			Body: messages.InstanceBody{InstanceID: id}}, other) // a tenant without party quests
	h.update(c, id, map[uint32]uint32{4001007: 10}, nil)
	h.cmd(c, messages.TypeStageClearAttempt, id)

	h.waitEvent(1, func(e event) bool { return e.Instance == id && e.Type == messages.TypeStageCleared })
	// Different actors refuse them (router, registrar, lookup, instance), so
	// the dead letters are not in input order; the commits still are.
	assert.ElementsMatch(t, []dead{
		{Reason: "unknown_target", Character: c, Type: messages.TypeStageAdvance},
		{Reason: "wrong_state", Character: c, Type: messages.TypeStageAdvance},
		{Reason: "not_participant", Character: 999, Type: messages.TypeForfeit},
		{Reason: "unknown_target", Character: c, Type: messages.TypeRegister},
		{Reason: "conflict", Character: c, Type: messages.TypeRegister},
		{Reason: "bad_json"},
		{Reason: "unknown_target", Character: c, Type: messages.TypeStart},
	}, h.waitDead(7))
	waitCommitted(t, h, c, 11)
	assert.Len(t, h.allDead(), 7, "nothing else refused")
	st := h.settle(id)
	assert.Equal(t, partyquest.StateClearing, st.State)
	assert.Equal(t, uint32(2), st.StageState.Attempts, "the early attempt without the items was accepted and only counted")
}
