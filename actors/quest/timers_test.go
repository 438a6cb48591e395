package quest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// Without a parties service the first REGISTER of a party opens a window
// (Kerning has no registration duration: the 3-minute default) and the
// other members join with their own REGISTER. The window's end starts the
// run from the instance's timer; the global limit then fails it.
func TestAwaitedMembersAutoStartThenGlobalLimitFails(t *testing.T) {
	h := start(t) // no parties service
	id := h.awaitedParty()
	st := h.settle(id)
	require.Equal(t, partyquest.StateRegistering, st.State)
	require.Equal(t, t0.Add(partyquest.DefaultAwaitMembersWindow), st.RegistrationEndsAt)

	h.clk.Advance(179 * time.Second)
	h.settle(id)
	assert.Equal(t, partyquest.StateRegistering, h.settle(id).State, "not before the window ends")
	h.clk.Advance(time.Second)
	h.waitType(id, messages.TypeStarted)
	st = h.settle(id)
	require.Equal(t, partyquest.StateActive, st.State)
	require.Equal(t, t0.Add(180*time.Second+1800*time.Second), st.RunEndsAt)

	h.clk.Advance(1800 * time.Second)
	h.waitType(id, messages.TypeInstanceDestroyed)
	h.assertAwaitedMembersRun(id)
}

// With a lead, the global limit's fire is prepared a second ahead and
// released at the limit: nothing is seen before it, the instance is still
// live until then, and at the release it is destroyed and leaves the
// registry (OnRelease), once.
func TestGlobalLimitPreparedAheadEndsTheInstanceAtItsDeadline(t *testing.T) {
	h, ticks := startTicking(t, time.Second)
	id := h.awaitedParty()
	h.clk.Advance(180 * time.Second)
	h.waitType(id, messages.TypeStarted)
	st := h.settle(id)
	require.Equal(t, partyquest.StateActive, st.State)
	ticks.drain()

	h.clk.Set(st.RunEndsAt.Add(-time.Second))
	ticks.await(t, "the global limit's prepared fire")
	for _, e := range h.events(id) {
		require.NotEqual(t, messages.TypeInstanceDestroyed, e.Type, "nothing leaves ahead of the limit")
	}
	// Asked without a message, which would undo the prepared fire.
	assert.True(t, h.sub.parts.Has(instanceKey(tn, id)), "still in the registry until the release")
	h.clk.Set(st.RunEndsAt)
	h.waitType(id, messages.TypeInstanceDestroyed)
	h.eventually("the instance gone from the registry", func() bool {
		_, err := h.sub.Instance(context.Background(), tn, id)
		return errors.Is(err, ErrNotFound)
	})
	assert.Zero(t, testutil.ToFloat64(h.m.TimerCancels.WithLabelValues(kindInstance)))
	h.assertAwaitedMembersRun(id)
}

// assertAwaitedMembersRun checks the effects of a Kerning run by 201, 202
// and 203 (party 9, channel 1) that opened a window, started at its end
// and failed at the global limit: its events, each member's two warps, no
// dead letter.
func (h *harness) assertAwaitedMembersRun(id uuid.UUID) {
	t := h.t
	t.Helper()
	var got []string
	for _, e := range h.events(id) {
		got = append(got, e.String())
	}
	assert.Equal(t, []string{
		`INSTANCE_CREATED {"partyId":9,"channelId":1}`,
		`REGISTRATION_OPENED {"duration":180}`,
		`CHARACTER_REGISTERED {"characterId":202}`,
		`CHARACTER_REGISTERED {"characterId":203}`,
		`STARTED {"stageIndex":0,"mapIds":[103000800]}`,
		`FAILED {"reason":"time_expired"}`,
		`INSTANCE_DESTROYED {}`,
	}, got)
	for _, c := range []uint32{201, 202, 203} {
		assert.Equal(t, []warp{
			{Character: c, Channel: 1, Map: 103000800},
			{Character: c, Channel: 1, Map: 103000890},
		}, h.waitWarps(c, 2))
	}
	assert.Empty(t, h.allDead())
}

// The Join race: the registrar decides a join while it still believes the
// instance is registering, but the instance's timer started it first. The
// instance refuses the join; its started report reached the registrar's
// partition before the refusal, so the registrar decides again: a new
// instance.
func TestJoinRaceDecidesAgain(t *testing.T) {
	const holder = 777 // a non-member whose command holds the instance's mailbox
	gate, entered := make(chan struct{}), make(chan struct{})
	h := start(t, withHook(func(_ *partyquest.Machine, msg any) {
		if c, ok := msg.(command); ok && c.cmd.CharacterID == holder {
			close(entered)
			<-gate
		}
	}))

	h.register(201, kerning, 9, 1)
	first := h.created(1, kerning)
	for i, c := range []uint32{202, 203} {
		h.register(c, kerning, 9, 1)
		h.waitEvent(i+1, func(e event) bool { return e.Instance == first && e.Type == messages.TypeCharacterRegistered })
	}
	h.settle(first) // the window's timer is armed

	h.cmd(holder, messages.TypeStart, first)
	<-entered
	// The window's end queues behind the held command; the registrar still
	// sees "registering", so a join queues there too.
	h.clk.Advance(180 * time.Second)
	h.register(204, kerning, 9, 2)
	h.eventually("the join queued behind the held command", func() bool {
		return len(h.relayed(msgJoin)) == 3 // 202, 203, 204
	})
	close(gate)

	second := h.created(2, kerning)
	// The tap keeps an internal record once its handler returned, which
	// may be after what the handler told an actor has run to its end.
	h.eventually("the refusal's handler returned", func() bool { return len(h.relayed(msgJoinRefused)) > 0 })
	require.Len(t, h.relayed(msgJoinRefused), 1, "decided again after the refusal")
	require.NotEqual(t, first, second)
	h.waitType(first, messages.TypeStarted)
	assert.Equal(t, `{"partyId":9,"channelId":2}`, h.waitType(second, messages.TypeInstanceCreated).Body)
	st, err := h.sub.InstanceOfCharacter(context.Background(), tn, 204)
	require.NoError(t, err)
	assert.Equal(t, second, st.ID, "indexed in the instance it really joined")
	assert.Len(t, h.settle(first).Characters, 3)
	assert.Equal(t, []dead{{Reason: "not_participant", Character: holder, Type: messages.TypeStart}}, h.waitDead(1))
}

// A start prepared ahead and then undone by a message is decided again
// before its instant: the machine's notes of the start (the members'
// levels are unknown) are logged once, with the fire that is released.
func TestNotesOfAnUndonePreparedFireAreLoggedOnce(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	h, ticks := startTicking(t, time.Second, func(d *Deps) { d.Log = zap.New(core) })
	id := h.awaitedParty()
	st := h.settle(id)
	ticks.drain()

	h.clk.Set(st.RegistrationEndsAt.Add(-time.Second))
	ticks.await(t, "the prepared start")
	require.Equal(t, partyquest.StateRegistering, h.settle(id).State, "a message undoes the prepared start")
	h.clk.Advance(0) // the fake clock's timers at Now fire at its next move
	ticks.await(t, "the start prepared again")
	h.clk.Set(st.RegistrationEndsAt)
	h.waitType(id, messages.TypeStarted)
	assert.Equal(t, 1.0, testutil.ToFloat64(h.m.TimerCancels.WithLabelValues(kindInstance)))
	seen := map[string]int{}
	for _, e := range logs.FilterMessage("party-quest note").All() {
		seen[e.ContextMap()["note"].(string)]++
	}
	require.NotEmpty(t, seen, "the start has notes")
	for note, n := range seen {
		assert.Equal(t, 1, n, "logged %d times: %s", n, note)
	}
}

// awaitedParty registers 201, 202 and 203 for Kerning as party 9 on
// channel 1, with no parties service: the first REGISTER opens a window
// (Kerning has no registration duration: the 3-minute default) and the
// others join it. It returns the instance.
func (h *harness) awaitedParty() uuid.UUID {
	t := h.t
	t.Helper()
	h.register(201, kerning, 9, 1)
	id := h.created(1, kerning)
	opened := h.waitType(id, messages.TypeRegistrationOpened)
	assert.Equal(t, `{"duration":180}`, opened.Body)
	for _, c := range []uint32{202, 203} {
		h.register(c, kerning, 9, 1)
		h.waitEvent(1, func(e event) bool {
			return e.Instance == id && e.Type == messages.TypeCharacterRegistered && e.Body == body(t, messages.CharacterRegisteredBody{CharacterID: c})
		})
	}
	return id
}

// ticks hears of every Tick of a harness's instances (see startTicking).
type ticks chan struct{}

// startTicking starts a harness whose instances prepare their fires lead
// ahead of their deadlines, with deps applied too, and the channel that
// hears of every Tick.
func startTicking(t *testing.T, lead time.Duration, deps ...func(*Deps)) (*harness, ticks) {
	tk := make(ticks, 16)
	h := start(t, withDeps(func(d *Deps) {
		d.TimerLead = lead
		for _, f := range deps {
			f(d)
		}
	}), withHook(func(_ *partyquest.Machine, msg any) {
		if msg == nil { // a Tick
			tk <- struct{}{}
		}
	}))
	return h, tk
}

// drain forgets the Ticks so far.
func (tk ticks) drain() {
	for len(tk) > 0 {
		<-tk
	}
}

// await waits for the next Tick: the fire named what was run.
func (tk ticks) await(t *testing.T, what string) {
	t.Helper()
	select {
	case <-tk:
	case <-time.After(wait):
		t.Fatalf("%s did not run", what)
	}
}
