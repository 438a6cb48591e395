package ride

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// rideLedger follows rides from the records alone and fails on any record
// that would break a ride's lifecycle: a second start, an end without a
// start, or a second warp at the end.
type rideLedger struct {
	t      testing.TB
	riding map[uint32]uuid.UUID
	starts int
	ends   int
	kinds  map[string]int
}

func (l *rideLedger) apply(out []messages.Record, ended []uint32) {
	l.t.Helper()
	warped := map[uint32]int{}
	var endedHere []uint32
	for kind, n := range countTypes(out) {
		l.kinds[kind] += n
	}
	for _, r := range out {
		switch v := r.Value.(type) {
		case messages.Command[messages.ChangeMapBody]:
			warped[v.CharacterID]++
			require.LessOrEqual(l.t, warped[v.CharacterID], 1, "character %d warped twice in one call", v.CharacterID)
		case messages.CharacterEvent[messages.RideBody]:
			if v.Type == messages.TypeStarted {
				_, dup := l.riding[v.CharacterID]
				require.False(l.t, dup, "character %d started twice", v.CharacterID)
				l.riding[v.CharacterID] = v.Body.InstanceID
				l.starts++
				continue
			}
			l.end(v.CharacterID, v.Body.InstanceID)
			endedHere = append(endedHere, v.CharacterID)
		case messages.CharacterEvent[messages.RideCancelledBody]:
			l.end(v.CharacterID, v.Body.InstanceID)
			if v.Body.Reason == messages.CancelStuck {
				endedHere = append(endedHere, v.CharacterID)
			}
		}
	}
	if ended != nil || endedHere != nil {
		require.Equal(l.t, endedHere, ended, "ended list matches the end events")
	}
}

func (l *rideLedger) end(character uint32, instance uuid.UUID) {
	l.t.Helper()
	got, ok := l.riding[character]
	require.True(l.t, ok, "character %d ended without riding", character)
	require.Equal(l.t, got, instance, "character %d ended another instance", character)
	delete(l.riding, character)
	l.ends++
}

// TestRandomOperations drives a machine with random inputs, checking the
// invariants after every call, following every ride through its records,
// and mirroring everything on a twin restored from JSON now and then, which
// must answer identically. A copy kept from TakeChanges alone must match
// the machine after every call.
func TestRandomOperations(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { randomRun(t, seed) })
	}
}

func randomRun(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	route := testRoute()
	route.Capacity = 1 + rng.Uint32N(4)
	route.BoardingWindow = time.Duration(5+rng.IntN(60)) * time.Second
	route.Travel = time.Duration(5+rng.IntN(60)) * time.Second
	gen := &idGen{}
	m := New(route, gen.next)
	var twin *Machine
	var twinGen idGen
	ledger := &rideLedger{t: t, riding: map[uint32]uuid.UUID{}, kinds: map[string]int{}}
	copied := &mirror{byID: map[uint64]Instance{}}
	now := t0

	for step := 0; step < 1500; step++ {
		if step%100 == 0 { // checkpoint: the twin restarts from the changelog
			if rng.IntN(4) == 0 {
				// Both restart under new durations (a config change), which
				// can leave arrivals beyond the lifetime: the stuck path.
				route.BoardingWindow = time.Duration(5+rng.IntN(60)) * time.Second
				route.Travel = time.Duration(5+rng.IntN(60)) * time.Second
				m = Restore(route, gen.next, roundTrip(t, m.State()))
			}
			twinGen = *gen
			twin = Restore(route, twinGen.next, roundTrip(t, m.State()))
			require.Equal(t, m.State(), twin.State())
		}
		character := 1 + rng.Uint32N(40)
		world, channel := byte(rng.IntN(3)), byte(rng.IntN(3))
		var got, want any
		switch op := rng.IntN(10); {
		case op < 4:
			b, out, err := m.Start(world, character, channel, now)
			require.NoError(t, err)
			_, already := ledger.riding[character]
			require.Equal(t, already, b.AlreadyRiding)
			ledger.apply(out, nil)
			b2, out2, err2 := twin.Start(world, character, channel, now)
			got, want = []any{b2, out2, err2}, []any{b, out, err}
		case op < 5:
			inst, _ := m.Riding(character)
			if rng.IntN(3) == 0 {
				inst = instanceID(uint64(rng.IntN(5)))
			}
			removed, out := m.Exit(world, character, inst, now)
			ledger.apply(out, nil)
			r2, out2 := twin.Exit(world, character, inst, now)
			got, want = []any{r2, out2}, []any{removed, out}
		case op < 6:
			removed, out := m.Logout(world, character, now)
			ledger.apply(out, nil)
			r2, out2 := twin.Logout(world, character, now)
			got, want = []any{r2, out2}, []any{removed, out}
		default:
			if at, ok := m.NextDeadline(); ok && op < 8 && !at.Before(now) {
				now = at // the actor's timer fires exactly at the deadline
			} else {
				now = now.Add(time.Duration(rng.IntN(20_000)) * time.Millisecond)
			}
			ended, out := m.Tick(now)
			ledger.apply(out, ended)
			e2, out2 := twin.Tick(now)
			got, want = []any{e2, out2}, []any{ended, out}
		}
		require.Equal(t, want, got, "twin diverged at step %d", step)
		checkInvariants(t, m)
		changes := m.TakeChanges()
		require.Equal(t, changes, twin.TakeChanges(), "twin's changes diverged at step %d", step)
		copied.apply(t, changes)
		require.Equal(t, m.Instances(), copied.instances(), "copy from changes diverged at step %d", step)
		require.Equal(t, len(ledger.riding), m.Riders())
	}
	t.Logf("starts %d, ends %d, by kind %v", ledger.starts, ledger.ends, ledger.kinds)

	ended, out := m.Shutdown()
	for _, c := range ended {
		_, ok := ledger.riding[c]
		require.True(t, ok)
		delete(ledger.riding, c)
		ledger.ends++
	}
	require.Len(t, out, len(ended))
	copied.apply(t, m.TakeChanges())
	require.Empty(t, copied.instances(), "every instance released")
	require.Empty(t, ledger.riding, "every ride ended")
	require.Equal(t, ledger.starts, ledger.ends, "every ride ended exactly once")
}
