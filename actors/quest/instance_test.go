package quest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// Broker-free tests of the instance actor kind: its messages, its timer
// on the fake clock, and its supervised restart (see also
// TestPanicRestartsFromTheLastSnapshot).

func stateKey(id uuid.UUID) []byte { return changelog.Key(tn, changelogKind, id.String()) }

// types lists the status event types of a batch, and whether it carries
// the instance's state record (tombstone: a nil value).
func types(t testing.TB, b actortest.Batch, id uuid.UUID) (out []string, state bool, tombstone bool) {
	for _, r := range b.Records {
		switch {
		case r.Topic == messages.EventTopicPartyQuestStatus:
			out = append(out, decodeEvents(t, []rec{{key: r.Key, value: encode(t, r.Value)}})[0].Type)
		case r.Topic == messages.ChangelogTopicPartyQuest && string(r.Key) == string(stateKey(id)):
			state, tombstone = true, r.Value == nil
		}
	}
	return out, state, tombstone
}

// Each message of an instance commits its effects, its state record and
// its input in one batch: create (with the definition's record), join, an
// accepted command; a join of a character already in changes nothing and
// just completes its input; a refused command is dead-lettered without a
// state record; a state query is answered from the mailbox; shutdown
// destroys it in a batch of its own, ending with a tombstone.
func TestInstanceMessages(t *testing.T) {
	h := start(t)

	h.register(201, kerning, 9, 1)
	in := h.lastInput()
	a := h.created(1, kerning)
	b := h.batchOf(in)
	evs, state, _ := types(t, b, a)
	assert.Equal(t, []string{messages.TypeInstanceCreated, messages.TypeRegistrationOpened}, evs)
	assert.True(t, state, "create records the state")
	assert.Len(t, changelog.ByTenant(h.restored(), definitionKind)[tn.Key()], 1, "and the definition, once")

	for _, c := range []uint32{202, 203} {
		h.register(c, kerning, 9, 1)
		evs, state, _ = types(t, h.batchOf(h.lastInput()), a)
		assert.Equal(t, []string{messages.TypeCharacterRegistered}, evs)
		assert.True(t, state, "join records the state")
	}
	h.register(202, kerning, 9, 1) // already registered in a: nothing changes
	again := h.lastInput()
	assert.Empty(t, h.batchOf(again).Records)
	h.completedOnce(again)

	h.cmd(999, messages.TypeStart, a) // not a member
	refused := h.lastInput()
	assert.Equal(t, []dead{{Reason: "not_participant", Character: 999, Type: messages.TypeStart}}, h.waitDead(1))
	h.completedOnce(refused)

	h.cmd(201, messages.TypeStart, a)
	evs, state, _ = types(t, h.batchOf(h.lastInput()), a)
	assert.Equal(t, []string{messages.TypeStarted}, evs)
	assert.True(t, state)

	st := h.settle(a) // stateQuery
	assert.Equal(t, partyquest.StateActive, st.State)
	assert.Len(t, st.Characters, 3)

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	require.NoError(t, h.sub.Shutdown(ctx))
	timed := h.timerBatches(stateKey(a))
	require.Len(t, timed, 1, "shutdown emits without an input")
	evs, state, tomb := types(t, timed[0], a)
	assert.Equal(t, []string{messages.TypeInstanceDestroyed}, evs)
	assert.True(t, state && tomb, "destroyed: a tombstone")
	assert.Empty(t, changelog.ByTenant(h.restored(), changelogKind)[tn.Key()])
	assert.Len(t, h.allDead(), 1)
}

// The instance's timer runs on the fake clock: nothing before the members'
// window ends, STARTED at its end, the run limit then fails and destroys
// it; each firing commits its events and state without an input.
func TestInstanceTimers(t *testing.T) {
	_, timed := any(&instanceActor{}).(actors.Timed)
	require.True(t, timed)
	h := start(t)
	for _, c := range []uint32{201, 202, 203} {
		h.register(c, kerning, 9, 1)
	}
	a := h.created(1, kerning)
	h.waitEvent(2, func(e event) bool { return e.Instance == a && e.Type == messages.TypeCharacterRegistered })
	require.Equal(t, t0.Add(180*time.Second), h.settle(a).RegistrationEndsAt)

	h.clk.Advance(179 * time.Second)
	assert.Equal(t, partyquest.StateRegistering, h.settle(a).State, "not before the window ends")
	assert.Empty(t, h.timerBatches(stateKey(a)))

	h.clk.Advance(time.Second)
	h.waitType(a, messages.TypeStarted)
	st := h.settle(a)
	require.Equal(t, partyquest.StateActive, st.State)
	timedBatches := h.timerBatches(stateKey(a))
	require.Len(t, timedBatches, 1)
	evs, state, tomb := types(t, timedBatches[0], a)
	assert.Equal(t, []string{messages.TypeStarted}, evs)
	assert.True(t, state && !tomb)
	assert.Equal(t, partyquest.StateActive, h.restoredState(a).State, "the changelog holds what the timer did")

	h.clk.Advance(st.RunEndsAt.Sub(h.clk.Now()) - time.Second)
	assert.Equal(t, partyquest.StateActive, h.settle(a).State, "one second before the run limit")
	h.clk.Advance(time.Second)
	h.waitType(a, messages.TypeInstanceDestroyed)
	timedBatches = h.timerBatches(stateKey(a))
	require.Len(t, timedBatches, 2)
	evs, state, tomb = types(t, timedBatches[1], a)
	assert.Equal(t, []string{messages.TypeFailed, messages.TypeInstanceDestroyed}, evs)
	assert.True(t, state && tomb)
	assert.Empty(t, h.allDead())
}

// restoredState is the instance's state as the changelog holds it.
func (h *harness) restoredState(id uuid.UUID) partyquest.State {
	h.t.Helper()
	entries := h.restored()
	states, errs := restoredInstances(changelog.ByTenant(entries, changelogKind)[tn.Key()], changelog.ByTenant(entries, definitionKind)[tn.Key()])
	require.Empty(h.t, errs)
	for _, st := range states {
		if st.ID == id {
			return st.State
		}
	}
	h.t.Fatalf("instance %s not in the changelog", id)
	return partyquest.State{}
}

// fault makes a machine call panic: n > 0 times, or always when n < 0.
type fault struct{ n atomic.Int32 }

func (f *fault) fire() bool {
	for {
		n := f.n.Load()
		if n == 0 {
			return false
		}
		if n < 0 || f.n.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// A timer firing that panics after the machine changed is rolled back to
// the last snapshot and retried: the change applies once. One that panics
// every time is given up after three attempts, rolled back, and parks the
// timer until the next message re-arms it.
func TestInstanceTimerRestart(t *testing.T) {
	_, snap := any(&instanceActor{}).(actors.Snapshotter)
	require.True(t, snap, "an instance rolls back on a panic")
	var tick fault
	h := start(t, withHook(func(m *partyquest.Machine, msg any) {
		if msg == nil && tick.fire() {
			panic("injected: tick")
		}
	}))
	restarts := func() float64 { return testutil.ToFloat64(h.m.ActorRestarts.WithLabelValues(kindInstance)) }

	// Two parties, two instances, each with its members' window.
	for _, c := range []uint32{201, 202, 203} {
		h.register(c, kerning, 9, 1)
	}
	for _, c := range []uint32{301, 302, 303} {
		h.register(c, kerning, 10, 2)
	}
	a, b := h.created(1, kerning), h.created(2, kerning)
	h.waitEvent(4, func(e event) bool { return e.Type == messages.TypeCharacterRegistered })
	h.settle(a)
	h.settle(b)

	// Both windows end in one Advance: the first of the two firings panics
	// once, the other never.
	tick.n.Store(1)
	h.clk.Advance(180 * time.Second)
	h.waitType(a, messages.TypeStarted)
	h.waitType(b, messages.TypeStarted)
	assert.Equal(t, 1.0, restarts())
	for _, id := range []uuid.UUID{a, b} {
		assert.Len(t, h.timerBatches(stateKey(id)), 1, "the firing applied once")
		assert.Equal(t, partyquest.StateActive, h.settle(id).State)
	}

	// The run limit of both: every firing panics. Each instance gives up
	// after three attempts, rolled back to active.
	tick.n.Store(-1)
	before := h.settle(a)
	h.clk.Advance(before.RunEndsAt.Sub(h.clk.Now()))
	h.eventually("both instances gave up", func() bool { return restarts() == 7 })
	assert.Equal(t, before, h.settle(a), "rolled back: the half-done firing left nothing")
	assert.Equal(t, partyquest.StateActive, h.settle(b).State)
	assert.Len(t, h.timerBatches(stateKey(a)), 1, "nothing emitted by the given-up firings")

	// The state queries above were messages: they re-armed the timers, due
	// already, so the next clock step fires them; without the fault they
	// end the runs. A query re-arms after it answered: a second one to each
	// is answered once the first re-armed (a re-arm at the same instant
	// changes nothing).
	h.settle(a)
	h.settle(b)
	tick.n.Store(0)
	h.clk.Advance(0)
	h.waitType(a, messages.TypeInstanceDestroyed)
	h.waitType(b, messages.TypeInstanceDestroyed)
	assert.Equal(t, 7.0, restarts())
	assert.Equal(t, 0.0, testutil.ToFloat64(h.m.ActorRestarts.WithLabelValues(kindRegistrar)))
	assert.Empty(t, h.allDead())
}

// A create that panics on every attempt is dead-lettered with reason
// panic and the registrar forgets the instance, so its characters can
// register again; a join that does is dead-lettered and undone, the
// instance keeping its state from before it.
func TestInstanceCreateAndJoinGivenUp(t *testing.T) {
	var creates, joins fault
	h := start(t, withHook(func(_ *partyquest.Machine, msg any) {
		switch msg.(type) {
		case create:
			if creates.fire() {
				panic("injected: create")
			}
		case join:
			if joins.fire() {
				panic("injected: join")
			}
		}
	}))
	ctx := context.Background()
	restarts := func() float64 { return testutil.ToFloat64(h.m.ActorRestarts.WithLabelValues(kindInstance)) }

	creates.n.Store(-1)
	h.register(201, kerning, 9, 1)
	in := h.lastInput()
	assert.Equal(t, []dead{{Reason: "panic", Character: 201, Type: messages.TypeRegister}}, h.waitDead(1))
	h.completedOnce(in)
	assert.Equal(t, 3.0, restarts())
	h.be.quiet() // the registrar handled the ended report
	_, err := h.sub.InstanceOfCharacter(ctx, tn, 201)
	require.ErrorIs(t, err, ErrNotFound)
	assert.Empty(t, h.be.seen(messages.EventTopicPartyQuestStatus), "a create given up emits nothing")

	creates.n.Store(0)
	h.register(201, kerning, 9, 1)
	a := h.created(1, kerning)
	before := h.settle(a)

	joins.n.Store(-1)
	h.register(202, kerning, 9, 1)
	in = h.lastInput()
	assert.Equal(t, dead{Reason: "panic", Character: 202, Type: messages.TypeRegister}, h.waitDead(2)[1])
	h.completedOnce(in)
	assert.Equal(t, 6.0, restarts())
	h.be.quiet() // the registrar handled the unjoin report
	_, err = h.sub.InstanceOfCharacter(ctx, tn, 202)
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, before, h.settle(a), "rolled back")

	joins.n.Store(1) // once: retried and applied once
	h.register(202, kerning, 9, 1)
	h.waitEvent(1, func(e event) bool { return e.Instance == a && e.Type == messages.TypeCharacterRegistered })
	h.completedOnce(h.lastInput())
	assert.Equal(t, 7.0, restarts())
	assert.Len(t, h.settle(a).Characters, 2)
	assert.Len(t, h.allDead(), 2)
}
