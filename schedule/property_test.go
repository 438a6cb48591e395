package schedule

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// The property tests compare the O(1) arithmetic with a literal, slow
// implementation of the spec (§1.3 loops, §1.4 rule with half-open
// intervals) over random tenants with fixed seeds.

type genTenant struct {
	routes   []Route
	vessels  []SharedVessel
	overlaps map[uuid.UUID]bool // cycle shorter than the trip: boardings can hide
}

type gen struct{ rng *rand.Rand }

// dur is minute-aligned half the time (to provoke equal instants) and
// nanosecond-precise otherwise (to exercise the arithmetic).
func (g gen) dur(lo, hi time.Duration) time.Duration {
	if g.rng.Intn(2) == 0 {
		lm, hm := int(lo/time.Minute), int(hi/time.Minute)
		return time.Duration(lm+g.rng.Intn(hm-lm+1)) * time.Minute
	}
	return lo + time.Duration(g.rng.Int63n(int64(hi-lo)+1))
}

func (g gen) route(i int) Route {
	r := Route{
		ID:             uuid.NewSHA1(uuid.NameSpaceURL, fmt.Appendf(nil, "%d-%d", g.rng.Int63(), i)),
		Name:           fmt.Sprintf("route-%d", i),
		EnRouteMapIDs:  []uint32{uint32(i)},
		BoardingWindow: g.dur(time.Minute, 20*time.Minute),
		PreDeparture:   g.dur(time.Minute, 10*time.Minute),
		Travel:         g.dur(time.Minute, 60*time.Minute),
	}
	l := r.TripLength()
	switch g.rng.Intn(8) {
	case 0, 1, 2: // back to back, like every seeded route
		r.CycleInterval = l
	case 3, 4: // gap: awaiting_return between trips
		r.CycleInterval = l + g.dur(time.Minute, 60*time.Minute)
	case 5, 6: // overlap, kept >= 5 min so the oracle stays fast
		r.CycleInterval = l
		if l > 5*time.Minute {
			r.CycleInterval = g.dur(5*time.Minute, l)
		}
	default: // never fits in a day
		r.Travel = 25 * time.Hour
		r.CycleInterval = time.Hour
	}
	return r
}

func (g gen) tenant() genTenant {
	t := genTenant{overlaps: map[uuid.UUID]bool{}}
	for i := range 2 + g.rng.Intn(6) {
		r := g.route(i)
		t.routes = append(t.routes, r)
		t.overlaps[r.ID] = r.CycleInterval < r.TripLength()
	}
	for i := range g.rng.Intn(4) {
		a, b := g.route(100+2*i), g.route(101+2*i)
		t.routes = append(t.routes, a, b)
		t.overlaps[a.ID], t.overlaps[b.ID] = false, false
		t.vessels = append(t.vessels, SharedVessel{
			ID: uuid.New(), RouteA: a.ID, RouteB: b.ID,
			Turnaround: g.dur(time.Minute, 10*time.Minute),
		})
	}
	g.rng.Shuffle(len(t.routes), func(i, j int) { t.routes[i], t.routes[j] = t.routes[j], t.routes[i] })
	return t
}

// refTrip builds a trip the slow way, with uuid.NewSHA1 for the id.
func refTrip(r Route, open time.Time) Trip {
	data := make([]byte, tripIDDataLen)
	putTripIDData(data, open)
	closed := open.Add(r.BoardingWindow)
	dep := closed.Add(r.PreDeparture)
	return Trip{ID: uuid.NewSHA1(r.ID, data), RouteID: r.ID, BoardingOpen: open, BoardingClosed: closed, Departure: dep, Arrival: dep.Add(r.Travel)}
}

// refTrips is §1.3 literally: independent loop, or the vessel alternation.
func refTrips(tn genTenant, id uuid.UUID, d time.Time) []Trip {
	end := d.Add(24 * time.Hour)
	byID := map[uuid.UUID]Route{}
	for _, r := range tn.routes {
		byID[r.ID] = r
	}
	for _, v := range tn.vessels {
		if id != v.RouteA && id != v.RouteB {
			continue
		}
		var out []Trip
		cur := v.RouteA
		for t := d; t.Before(end); {
			tr := refTrip(byID[cur], t)
			if tr.Arrival.Before(end) && cur == id {
				out = append(out, tr)
			}
			t = tr.Arrival.Add(v.Turnaround)
			if cur == v.RouteA {
				cur = v.RouteB
			} else {
				cur = v.RouteA
			}
		}
		return out
	}
	r := byID[id]
	var out []Trip
	for t := d; t.Before(end); t = t.Add(r.CycleInterval) {
		if tr := refTrip(r, t); tr.Arrival.Before(end) {
			out = append(out, tr)
		}
	}
	return out
}

// refState is §1.4 with half-open intervals: latest-departing trip in
// transit wins, else the next trip to depart decides.
func refState(trips []Trip, now time.Time) (State, *Trip) {
	var in *Trip
	for i := range trips {
		tr := &trips[i]
		if !now.Before(tr.Departure) && now.Before(tr.Arrival) && (in == nil || tr.Departure.After(in.Departure)) {
			in = tr
		}
	}
	if in != nil {
		return InTransit, in
	}
	var next *Trip
	for i := range trips {
		tr := &trips[i]
		if tr.Departure.After(now) && (next == nil || tr.Departure.Before(next.Departure)) {
			next = tr
		}
	}
	switch {
	case next == nil:
		return OutOfService, nil
	case now.Before(next.BoardingOpen):
		return AwaitingReturn, next
	case now.Before(next.BoardingClosed):
		return OpenEntry, next
	default:
		return LockedEntry, next
	}
}

// oracle returns the reference trips per day and a state function.
type oracle struct {
	tn    genTenant
	id    uuid.UUID
	cache map[time.Time][]Trip
}

func (o *oracle) trips(t time.Time) []Trip {
	d := time.Date(t.UTC().Year(), t.UTC().Month(), t.UTC().Day(), 0, 0, 0, 0, time.UTC)
	if tr, ok := o.cache[d]; ok {
		return tr
	}
	tr := refTrips(o.tn, o.id, d)
	o.cache[d] = tr
	return tr
}

func (o *oracle) state(t time.Time) (State, *Trip) { return refState(o.trips(t), t) }

// events lists every transition of days d and d+1 in the documented order.
func (o *oracle) events(d time.Time) []Transition {
	var out []Transition
	for day := range 2 {
		dd := d.AddDate(0, 0, day)
		trips := o.trips(dd)
		if len(trips) > 0 && !trips[0].BoardingOpen.Equal(dd) {
			out = append(out, Transition{At: dd, Kind: DayStarted, Trip: trips[0]})
		}
		for _, tr := range trips {
			out = append(out,
				Transition{At: tr.BoardingOpen, Kind: BoardingOpened, Trip: tr},
				Transition{At: tr.BoardingClosed, Kind: BoardingClosed, Trip: tr},
				Transition{At: tr.Departure, Kind: Departed, Trip: tr},
				Transition{At: tr.Arrival, Kind: Arrived, Trip: tr})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].Trip.BoardingOpen.Before(out[j].Trip.BoardingOpen)
	})
	for i := range out {
		out[i].From, _ = o.state(out[i].At.Add(-1))
		out[i].To, _ = o.state(out[i].At)
	}
	return out
}

func TestPropertyRandomTimetables(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	for seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			g := gen{rand.New(rand.NewSource(int64(seed) + 1000))}
			tn := g.tenant()
			tt, errs := NewTimetable(tn.routes, tn.vessels)
			require.Empty(t, errs)
			rebuilt, _ := NewTimetable(tn.routes, tn.vessels)
			// A random UTC day between 2000 and 2100.
			d := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rng.Intn(36500))
			for _, r := range tn.routes {
				checkRoute(t, g, tn, tt, rebuilt, r.ID, d)
			}
		})
	}
}

func checkRoute(t *testing.T, g gen, tn genTenant, tt, rebuilt *Timetable, id uuid.UUID, d time.Time) {
	o := &oracle{tn: tn, id: id, cache: map[time.Time][]Trip{}}
	next := d.AddDate(0, 0, 1)

	// Trips match the literal loops; none crosses midnight.
	for _, day := range []time.Time{d, next} {
		want := o.trips(day)
		got := tt.Trips(id, day.Add(time.Duration(g.rng.Int63n(int64(24*time.Hour)))))
		require.Equal(t, len(want), len(got))
		require.Equal(t, len(want), tt.TripsPerDay(id))
		for i := range want {
			require.Equal(t, want[i], got[i], "trip %d", i)
			tr := got[i]
			require.True(t, tr.BoardingOpen.Before(tr.BoardingClosed) && tr.BoardingClosed.Before(tr.Departure) && tr.Departure.Before(tr.Arrival))
			require.True(t, !tr.BoardingOpen.Before(day) && tr.Arrival.Before(day.Add(24*time.Hour)), "inside its day")
		}
	}

	// Walking NextTransition then NextAfter over two days (alternating
	// between two equal timetables) yields exactly the oracle's list.
	want := o.events(d)
	var got []Transition
	tr, ok := tt.NextTransition(id, d.Add(-1))
	for i := 0; ok && tr.At.Before(next.AddDate(0, 0, 1)); i++ {
		got = append(got, tr)
		if i%2 == 0 {
			tr, ok = tt.NextAfter(tr)
		} else {
			tr, ok = rebuilt.NextAfter(tr)
		}
	}
	if len(want) == 0 {
		require.False(t, ok)
		require.Empty(t, got)
		s, trip := tt.StateAt(id, d.Add(time.Hour))
		require.Equal(t, OutOfService, s)
		require.Nil(t, trip)
		return
	}
	require.Equal(t, len(want), len(got))
	for i := range want {
		require.Equal(t, want[i], got[i], "transition %d", i)
	}
	require.Equal(t, next.AddDate(0, 0, 1), tr.At, "the walk continues onto the third day")

	// Exactly one open -> closed -> departed -> arrived per trip, in order.
	seen := map[uuid.UUID]TransitionKind{}
	for i, x := range got {
		if i > 0 {
			require.True(t, got[i-1].Before(x), "strict order at %d", i)
			if got[i-1].At.Equal(x.At) {
				require.Equal(t, got[i-1].From, x.From)
				require.Equal(t, got[i-1].To, x.To)
			} else {
				require.Equal(t, got[i-1].To, x.From, "states are contiguous")
			}
		}
		if x.Kind == DayStarted {
			require.Equal(t, OutOfService, x.From)
			require.Equal(t, AwaitingReturn, x.To)
			continue
		}
		require.Equal(t, seen[x.Trip.ID]+1, x.Kind, "trip %s", x.Trip.ID)
		seen[x.Trip.ID] = x.Kind
		if !tn.overlaps[id] {
			switch x.Kind {
			case BoardingOpened:
				require.Equal(t, OpenEntry, x.To)
			case BoardingClosed:
				require.Equal(t, LockedEntry, x.To)
			case Departed:
				require.Equal(t, InTransit, x.To)
			case Arrived:
				require.Contains(t, []State{AwaitingReturn, OutOfService, OpenEntry}, x.To)
			}
		}
	}
	require.Equal(t, len(o.trips(d))+len(o.trips(next)), len(seen))
	for _, k := range seen {
		require.Equal(t, Arrived, k)
	}

	// Midnight: the day ends out of service with an arrival, the next
	// starts at 00:00 sharp.
	for i := 1; i < len(got); i++ {
		if !got[i].At.Before(next) {
			require.Equal(t, next, got[i].At)
			require.Equal(t, Arrived, got[i-1].Kind)
			require.Equal(t, OutOfService, got[i-1].To)
			require.Equal(t, OutOfService, got[i].From)
			break
		}
	}

	// StateAt agrees with the oracle and with the walked transitions,
	// at random instants and right at / around every transition.
	check := func(now time.Time) {
		ws, wt := o.state(now)
		s, trip := tt.StateAt(id, now)
		require.Equal(t, ws, s, "state at %v", now)
		if wt == nil {
			require.Nil(t, trip)
		} else {
			require.NotNil(t, trip)
			require.Equal(t, *wt, *trip, "trip at %v", now)
		}
		// The last walked transition at or before now predicts the state.
		k := sort.Search(len(got), func(i int) bool { return got[i].At.After(now) })
		if k > 0 {
			require.Equal(t, got[k-1].To, s, "walk vs StateAt at %v", now)
		}
		// NextTransition(now) is the first walked transition after now.
		if k < len(got) {
			nt, ok := tt.NextTransition(id, now)
			require.True(t, ok)
			require.Equal(t, got[k], nt, "NextTransition(%v)", now)
		}
	}
	for range 300 {
		check(d.Add(time.Duration(g.rng.Int63n(int64(48 * time.Hour)))))
	}
	for i, x := range got {
		if i%7 == 0 || x.At.Equal(next) {
			check(x.At)
			check(x.At.Add(-1))
			check(x.At.Add(1))
		}
	}
}
