package quest

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// An instance that rests between its inputs plays exactly as one that
// stays in memory: its timers wake it (the registration window's end, the
// global limit), a query wakes it with its state, and its events and
// warps are the same. Rests are seen in the gauge, wakes in the counter.
func TestRestingInstancePlaysLikeARunningOne(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []option
	}{
		{"recorder", nil},
		{"broker", []option{throughBroker()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const period = time.Second
			h := start(t, append(tc.opts, withDeps(func(d *Deps) { d.PassivateAfter = period }))...)
			resting := func() float64 { return testutil.ToFloat64(h.m.RestingActors.WithLabelValues(kindInstance)) }
			wakes := func() float64 { return testutil.ToFloat64(h.m.ActorWakes.WithLabelValues(kindInstance)) }
			restNow := func() {
				t.Helper()
				h.be.quiet()
				// Enough sweeps for a patience of up to 8: an instance
				// woken at once after resting waits longer each time.
				h.clk.Advance(10 * period)
				h.eventually("the instance resting", func() bool { return resting() == 1 })
			}

			h.register(201, kerning, 9, 1)
			id := h.created(1, kerning)
			h.waitType(id, messages.TypeRegistrationOpened)
			restNow()
			for _, c := range []uint32{202, 203} {
				h.register(c, kerning, 9, 1) // a join wakes it
				h.waitEvent(1, func(e event) bool {
					return e.Instance == id && e.Type == messages.TypeCharacterRegistered && e.Body == body(t, messages.CharacterRegisteredBody{CharacterID: c})
				})
				restNow()
			}
			require.Equal(t, 2.0, wakes())
			st := h.settle(id)
			require.Equal(t, []uint32{201, 202, 203}, characterIDs(st), "a query is answered from the record")
			require.Equal(t, 2.0, wakes(), "without waking it")

			// The window's end, 180 s after the first REGISTER, wakes it.
			h.clk.Set(t0.Add(180 * time.Second))
			h.waitType(id, messages.TypeStarted)
			st = h.settle(id)
			require.Equal(t, partyquest.StateActive, st.State)
			require.Len(t, st.Characters, 3, "woken with every member it had")
			restNow()
			woken := wakes()

			h.clk.Advance(1800 * time.Second) // the global limit
			h.waitType(id, messages.TypeInstanceDestroyed)
			assert.Greater(t, wakes(), woken, "the limit woke it")
			h.assertAwaitedMembersRun(id)
			h.eventually("nothing left running or resting", func() bool {
				return resting() == 0 && testutil.ToFloat64(h.m.LiveActors.WithLabelValues(kindInstance)) == 0
			})
		})
	}
}

func characterIDs(st partyquest.State) []uint32 {
	out := make([]uint32, 0, len(st.Characters))
	for _, c := range st.Characters {
		out = append(out, c.ID)
	}
	return out
}

// The end-of-service drain wakes a resting instance and destroys it as a
// running one: warp to exit, INSTANCE_DESTROYED, no FAILED.
func TestShutdownDestroysARestingInstance(t *testing.T) {
	const period = time.Second
	h := start(t, withDeps(func(d *Deps) { d.PassivateAfter = period }))
	h.register(301, kerning, 10, 2)
	id := h.created(1, kerning)
	h.waitType(id, messages.TypeRegistrationOpened)
	h.be.quiet()
	h.clk.Advance(2 * period)
	h.eventually("the instance resting", func() bool {
		return testutil.ToFloat64(h.m.RestingActors.WithLabelValues(kindInstance)) == 1
	})

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	require.NoError(t, h.sub.Shutdown(ctx))
	h.waitType(id, messages.TypeInstanceDestroyed)
	var got []string
	for _, e := range h.events(id) {
		got = append(got, e.Type)
	}
	assert.Equal(t, []string{"INSTANCE_CREATED", "REGISTRATION_OPENED", "INSTANCE_DESTROYED"}, got)
	assert.Equal(t, []warp{{Character: 301, Channel: 2, Map: 103000890}}, h.waitWarps(301, 1))
	assert.Equal(t, 1.0, testutil.ToFloat64(h.m.ActorWakes.WithLabelValues(kindInstance)), "woken to end")
}
