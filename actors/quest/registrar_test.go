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
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
)

// Broker-free tests of the registrar actor kind: its messages, how its
// index follows the instances' timers (it has none of its own), and its
// supervised restart.

// The registrar's messages: a REGISTER creates an instance, joins a
// registering one or is refused; other commands go to the live instance
// they name or are refused when it is not live; the ended report frees the
// instance's characters; state queries are answered by the instance
// actors.
func TestRegistrarMessages(t *testing.T) {
	h := start(t) // no parties service: members join with their own REGISTER
	ctx := context.Background()

	h.register(201, kerning, 9, 1)
	in := h.lastInput()
	a := h.created(1, kerning)
	h.completedOnce(in)
	h.register(202, kerning, 9, 1) // same party, registering: joins
	h.waitEvent(1, func(e event) bool {
		return e.Instance == a && e.Type == messages.TypeCharacterRegistered && e.Body == `{"characterId":202}`
	})
	h.clk.Advance(time.Second)      // registered later than a
	h.register(301, kerning, 10, 2) // another party: its own instance
	b := h.created(2, kerning)
	require.NotEqual(t, a, b)

	h.cmd(201, messages.TypeForfeit, uuid.New()) // forwarded nowhere
	h.register(202, kerning, 10, 2)              // already in a
	assert.Equal(t, []dead{
		{Reason: "unknown_target", Character: 201, Type: messages.TypeForfeit},
		{Reason: "conflict", Character: 202, Type: messages.TypeRegister},
	}, h.waitDead(2))

	all, err := h.sub.Instances(ctx, tn)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, []uuid.UUID{a, b}, []uuid.UUID{all[0].ID, all[1].ID}, "oldest registration first")
	st, err := h.sub.InstanceOfCharacter(ctx, tn, 202)
	require.NoError(t, err)
	assert.Equal(t, a, st.ID)

	h.cmd(301, messages.TypeForfeit, b) // forwarded: b ends and reports it
	h.waitType(b, messages.TypeInstanceDestroyed)
	h.eventually("the registrar forgot b", func() bool {
		_, err := h.sub.InstanceOfCharacter(ctx, tn, 301)
		return err == ErrNotFound
	})
	h.register(301, kerning, 10, 2) // free again
	c := h.created(3, kerning)
	assert.NotEqual(t, b, c)
	_, err = h.sub.Instance(ctx, tn, b)
	assert.ErrorIs(t, err, ErrNotFound)

	assert.Len(t, h.allDead(), 2, "every command completed once; nothing else refused")
}

// The registrar has no timer: the instances' timers move it, through
// their started and ended reports. A party whose instance started is not
// joined any more (a new instance is created); an instance that the global
// limit destroyed frees its characters.
func TestRegistrarFollowsInstanceTimers(t *testing.T) {
	_, timed := any(&registrar{}).(actors.Timed)
	require.False(t, timed, "the registrar has no timer of its own")
	h := start(t)
	ctx := context.Background()

	for _, c := range []uint32{201, 202, 203} {
		h.register(c, kerning, 9, 1)
	}
	a := h.created(1, kerning)
	h.waitEvent(2, func(e event) bool { return e.Instance == a && e.Type == messages.TypeCharacterRegistered })
	h.settle(a)
	h.clk.Advance(180 * time.Second) // the members' window ends: a starts
	h.waitType(a, messages.TypeStarted)
	// a's started report rode with STARTED; settle waits until the
	// registrar handled it, so the REGISTER below is decided after it.
	h.settle(a)

	h.register(204, kerning, 9, 2) // channel 1 is locked by a
	b := h.created(2, kerning)
	assert.NotEqual(t, a, b, "a started instance is not joined")
	assert.Equal(t, 0.0, testutil.ToFloat64(h.m.ActorRestarts.WithLabelValues(kindRegistrar)))
	// b arms its window's timer after emitting INSTANCE_CREATED: armed
	// after the Advance, it would be due already and fire only at a next
	// clock move. settle answers from b's mailbox once the create re-armed.
	h.settle(b)

	h.clk.Advance(1800 * time.Second) // a's run limit; b's window too
	h.waitType(a, messages.TypeInstanceDestroyed)
	h.waitType(b, messages.TypeInstanceDestroyed)
	h.eventually("the registrar forgot both", func() bool {
		all, err := h.sub.Instances(ctx, tn)
		return err == nil && len(all) == 0
	})
	for _, c := range []uint32{201, 204} {
		_, err := h.sub.InstanceOfCharacter(ctx, tn, c)
		assert.ErrorIs(t, err, ErrNotFound, "character %d freed", c)
	}
	h.register(201, kerning, 9, 1)
	assert.NotContains(t, []uuid.UUID{a, b}, h.created(3, kerning))
	assert.Empty(t, h.allDead())
}

// panicky is the registrar's random source with a fault switch: while
// armed, a new instance id panics (before the registrar's index changes).
// armed > 0 counts the panics left; armed < 0 panics every time.
type panicky struct {
	partyquest.Random
	armed *atomic.Int32
}

func (p panicky) UUID() uuid.UUID {
	for {
		n := p.armed.Load()
		if n == 0 {
			return p.Random.UUID()
		}
		if n < 0 || p.armed.CompareAndSwap(n, n-1) {
			panic("injected: registrar")
		}
	}
}

// withRegistrarFault gives the (single) registrar a panicky random
// source; instances get ordinary ones. The registrar takes the first
// source, in its Start.
func withRegistrarFault(armed *atomic.Int32) option {
	return withDeps(func(d *Deps) {
		var taken atomic.Bool
		d.NewRandom = func() partyquest.Random {
			if taken.CompareAndSwap(false, true) {
				return panicky{Random: partyquest.NewRandom(), armed: armed}
			}
			return partyquest.NewRandom()
		}
	})
}

// A registrar that panics is restarted with its live state kept (it is
// not a Snapshotter): its index and the instance actors it spawned before
// survive, and the message is retried, completing its input once. A
// message that panics on every attempt is dead-lettered with reason panic
// after three attempts; the registrar carries on.
func TestRegistrarRestartKeepsItsState(t *testing.T) {
	_, snap := any(&registrar{}).(actors.Snapshotter)
	require.False(t, snap, "documented: the registrar keeps its live state across a restart")
	var armed atomic.Int32
	h := start(t, withRegistrarFault(&armed))
	ctx := context.Background()
	restarts := func() float64 { return testutil.ToFloat64(h.m.ActorRestarts.WithLabelValues(kindRegistrar)) }

	h.register(201, kerning, 9, 1)
	a := h.created(1, kerning)
	h.register(202, kerning, 9, 1)
	h.waitEvent(1, func(e event) bool { return e.Instance == a && e.Type == messages.TypeCharacterRegistered })

	armed.Store(1)
	h.register(301, kerning, 10, 2) // panics once, retried after the restart
	once := h.lastInput()
	b := h.created(2, kerning)
	h.completedOnce(once)
	assert.Equal(t, 1.0, restarts())
	assert.NotEqual(t, a, b)

	st, err := h.sub.InstanceOfCharacter(ctx, tn, 202)
	require.NoError(t, err, "the index survived the restart")
	assert.Equal(t, a, st.ID)
	h.register(203, kerning, 9, 1) // joins a: its actor's PID survived too
	h.waitEvent(2, func(e event) bool { return e.Instance == a && e.Type == messages.TypeCharacterRegistered })

	armed.Store(-1)
	h.register(401, kerning, 11, 3) // panics on every attempt
	always := h.lastInput()
	assert.Equal(t, []dead{{Reason: "panic", Character: 401, Type: messages.TypeRegister}}, h.waitDead(1))
	h.completedOnce(always)
	assert.Equal(t, 4.0, restarts(), "1 retry + 3 attempts")
	armed.Store(0)

	_, err = h.sub.InstanceOfCharacter(ctx, tn, 401)
	assert.ErrorIs(t, err, ErrNotFound, "the given-up REGISTER left nothing behind")
	h.register(401, kerning, 11, 3)
	h.created(3, kerning)
	assert.Len(t, h.settle(a).Characters, 3)
	assert.Equal(t, 0.0, testutil.ToFloat64(h.m.ActorRestarts.WithLabelValues(kindInstance)), "instances never noticed")
	assert.Len(t, h.allDead(), 1)
}
