package quest

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
)

// Shutdown destroys every live instance, registering ones included: warps
// to exit and INSTANCE_DESTROYED, no FAILED, committed before it returns.
func TestShutdownDestroysEveryInstance(t *testing.T) {
	h := start(t)
	h.register(201, kerning, 9, 1)
	active := h.created(1, kerning)
	for i, c := range []uint32{202, 203} {
		h.register(c, kerning, 9, 1)
		h.waitEvent(i+1, func(e event) bool { return e.Instance == active && e.Type == messages.TypeCharacterRegistered })
	}
	h.cmd(201, messages.TypeStart, active)
	h.waitType(active, messages.TypeStarted)
	h.register(301, kerning, 10, 2)
	waiting := h.created(2, kerning)
	h.settle(waiting)

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	require.NoError(t, h.sub.Shutdown(ctx))

	// Committed already: a read_committed reader sees it on its next polls.
	h.waitType(active, messages.TypeInstanceDestroyed)
	h.waitType(waiting, messages.TypeInstanceDestroyed)
	last := func(id uuid.UUID) []string {
		var out []string
		for _, e := range h.events(id) {
			out = append(out, e.Type)
		}
		return out[len(out)-2:]
	}
	assert.Equal(t, []string{"STARTED", "INSTANCE_DESTROYED"}, last(active), "no FAILED")
	assert.Equal(t, []string{"REGISTRATION_OPENED", "INSTANCE_DESTROYED"}, last(waiting))
	for _, c := range []uint32{201, 202, 203} {
		assert.Equal(t, []warp{{Character: c, Channel: 1, Map: 103000800}, {Character: c, Channel: 1, Map: 103000890}}, h.waitWarps(c, 2))
	}
	assert.Equal(t, []warp{{Character: 301, Channel: 2, Map: 103000890}}, h.waitWarps(301, 1))

	all, err := h.sub.Instances(ctx, tn)
	require.NoError(t, err)
	assert.Empty(t, all)
	h.cmd(201, messages.TypeForfeit, active)
	assert.Equal(t, []dead{{Reason: "unknown_target", Character: 201, Type: messages.TypeForfeit}}, h.waitDead(1))
	assert.Empty(t, h.allDead()[1:])
}
