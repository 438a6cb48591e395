package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeededRoutes uses the real seed values of spec §8.1.
func TestSeededRoutes(t *testing.T) {
	tests := []struct {
		name        string
		w, p, tr, c int
		trips       int
		lastOpen    time.Time
		lastArrival time.Time
	}{
		{"boat-orbis-ellinia", 4, 1, 10, 15, 95, at(23, 30, 0), at(23, 45, 0)},
		{"boat-ellinia-orbis", 4, 1, 10, 15, 95, at(23, 30, 0), at(23, 45, 0)},
		{"train-orbis-ludibrium", 4, 1, 5, 10, 143, at(23, 40, 0), at(23, 50, 0)},
		{"train-ludibrium-orbis", 4, 1, 5, 10, 143, at(23, 40, 0), at(23, 50, 0)},
		{"cabin-orbis-leafre", 4, 1, 5, 10, 143, at(23, 40, 0), at(23, 50, 0)},
		{"cabin-leafre-orbis", 4, 1, 5, 10, 143, at(23, 40, 0), at(23, 50, 0)},
		{"genie-orbis-ariant", 4, 1, 5, 10, 143, at(23, 40, 0), at(23, 50, 0)},
		{"genie-ariant-orbis", 4, 1, 5, 10, 143, at(23, 40, 0), at(23, 50, 0)},
		{"airplane-kc-cbd", 4, 1, 1, 6, 239, at(23, 48, 0), at(23, 54, 0)},
		{"airplane-cbd-kc", 4, 1, 1, 6, 239, at(23, 48, 0), at(23, 54, 0)},
	}
	var routes []Route
	for _, tc := range tests {
		routes = append(routes, minutesRoute(tc.name, tc.w, tc.p, tc.tr, tc.c))
	}
	tt, errs := NewTimetable(routes, nil)
	require.Empty(t, errs)

	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := routes[i].ID
			trips := tt.Trips(id, at(13, 7, 9))
			require.Len(t, trips, tc.trips)
			assert.Equal(t, tc.trips, tt.TripsPerDay(id))
			first, last := trips[0], trips[len(trips)-1]
			assert.Equal(t, testDay, first.BoardingOpen)
			assert.Equal(t, testDay.Add(time.Duration(tc.w)*time.Minute), first.BoardingClosed)
			assert.Equal(t, testDay.Add(time.Duration(tc.w+tc.p)*time.Minute), first.Departure)
			assert.Equal(t, testDay.Add(time.Duration(tc.w+tc.p+tc.tr)*time.Minute), first.Arrival)
			assert.Equal(t, tc.lastOpen, last.BoardingOpen)
			assert.Equal(t, tc.lastArrival, last.Arrival)
			for j := 1; j < len(trips); j++ {
				assert.Equal(t, time.Duration(tc.c)*time.Minute, trips[j].BoardingOpen.Sub(trips[j-1].BoardingOpen))
			}

			// C == W+P+T: never awaiting_return during the day (§8.1).
			for m := 0; m < 24*60; m++ {
				now := testDay.Add(time.Duration(m) * time.Minute)
				s, _ := tt.StateAt(id, now)
				switch {
				case !now.Before(tc.lastArrival):
					require.Equal(t, OutOfService, s, now)
				case m%tc.c < tc.w:
					require.Equal(t, OpenEntry, s, now)
				case m%tc.c < tc.w+tc.p:
					require.Equal(t, LockedEntry, s, now)
				default:
					require.Equal(t, InTransit, s, now)
				}
			}
		})
	}
}

// TestSubwayRoutesInvalid: the seeded subways have pre-departure 0 (§7.2.2),
// so they are rejected while the other routes load.
func TestSubwayRoutesInvalid(t *testing.T) {
	kcNLC := minutesRoute("subway-kc-nlc", 1, 0, 4, 5)
	nlcKC := minutesRoute("subway-nlc-kc", 1, 0, 4, 5)
	boat := minutesRoute("boat-orbis-ellinia", 4, 1, 10, 15)
	tt, errs := NewTimetable([]Route{kcNLC, boat, nlcKC}, nil)
	require.Len(t, errs, 2)
	for k, want := range []struct {
		idx int
		id  uuid.UUID
	}{{0, kcNLC.ID}, {2, nlcKC.ID}} {
		var re *RecordError
		require.True(t, errors.As(errs[k], &re))
		assert.Equal(t, "route", re.Kind)
		assert.Equal(t, want.idx, re.Index)
		assert.Equal(t, want.id, re.ID)
		assert.True(t, errors.Is(errs[k], ErrPreDeparturePositive))
		assert.Contains(t, errs[k].Error(), "pre-departure duration must be positive")
	}
	assert.Equal(t, []uuid.UUID{boat.ID}, tt.RouteIDs())
	_, ok := tt.Route(kcNLC.ID)
	assert.False(t, ok)
	assert.Nil(t, tt.Trips(kcNLC.ID, testDay))
	s, trip := tt.StateAt(kcNLC.ID, at(12, 0, 0))
	assert.Equal(t, OutOfService, s)
	assert.Nil(t, trip)
	_, ok = tt.NextTransition(kcNLC.ID, testDay)
	assert.False(t, ok)
}

// TestVesselExample is the §1.3 example: A and B both 4/1/10, 60 s turnaround.
func TestVesselExample(t *testing.T) {
	a := minutesRoute("vessel-a", 4, 1, 10, 999)
	b := minutesRoute("vessel-b", 4, 1, 10, 1)
	v := SharedVessel{ID: uuid.New(), Name: "ferry", RouteA: a.ID, RouteB: b.ID, Turnaround: 60 * time.Second}
	tt, errs := NewTimetable([]Route{a, b}, []SharedVessel{v})
	require.Empty(t, errs)

	ta, tb := tt.Trips(a.ID, at(5, 0, 0)), tt.Trips(b.ID, at(5, 0, 0))
	require.Len(t, ta, 45)
	require.Len(t, tb, 45)
	assert.Equal(t, 90, len(ta)+len(tb))

	span := func(tr Trip) [2]time.Time { return [2]time.Time{tr.BoardingOpen, tr.Arrival} }
	assert.Equal(t, [2]time.Time{at(0, 0, 0), at(0, 15, 0)}, span(ta[0]))
	assert.Equal(t, [2]time.Time{at(0, 16, 0), at(0, 31, 0)}, span(tb[0]))
	assert.Equal(t, [2]time.Time{at(0, 32, 0), at(0, 47, 0)}, span(ta[1]))
	assert.Equal(t, [2]time.Time{at(23, 28, 0), at(23, 43, 0)}, span(ta[44]))
	assert.Equal(t, [2]time.Time{at(23, 44, 0), at(23, 59, 0)}, span(tb[44]))

	// Strict alternation: each leg opens turnaround after the other's arrival.
	for i := range ta {
		assert.Equal(t, ta[i].Arrival.Add(time.Minute), tb[i].BoardingOpen)
		if i+1 < len(ta) {
			assert.Equal(t, tb[i].Arrival.Add(time.Minute), ta[i+1].BoardingOpen)
		}
	}

	// B waits from midnight; the day ends out of service.
	s, trip := tt.StateAt(b.ID, at(0, 0, 0))
	assert.Equal(t, AwaitingReturn, s)
	require.NotNil(t, trip)
	assert.Equal(t, tb[0], *trip)
	s, _ = tt.StateAt(b.ID, at(0, 15, 0))
	assert.Equal(t, AwaitingReturn, s)
	s, _ = tt.StateAt(a.ID, at(0, 15, 0))
	assert.Equal(t, AwaitingReturn, s)
	s, _ = tt.StateAt(a.ID, at(23, 43, 0))
	assert.Equal(t, OutOfService, s)
	s, _ = tt.StateAt(b.ID, at(23, 58, 59))
	assert.Equal(t, InTransit, s)
	s, trip = tt.StateAt(b.ID, at(23, 59, 0))
	assert.Equal(t, OutOfService, s)
	assert.Nil(t, trip)
}

// TestFerryAwaitingReturn is the §8.2 ferry 4/1/15/40: a 20 min gap per cycle.
func TestFerryAwaitingReturn(t *testing.T) {
	f := minutesRoute("Orbis to Ellinia Ferry", 4, 1, 15, 40)
	f.ID = uuid.MustParse("24bb11dd-44aa-48c2-998e-a1f1644b9130")
	f.ObservationMapID = 0
	tt, errs := NewTimetable([]Route{f}, nil)
	require.Empty(t, errs)

	trips := tt.Trips(f.ID, testDay)
	require.Len(t, trips, 36)
	assert.Equal(t, at(23, 20, 0), trips[35].BoardingOpen)
	assert.Equal(t, at(23, 40, 0), trips[35].Arrival)

	for _, tc := range []struct {
		now  time.Time
		want State
		trip int
	}{
		{at(0, 0, 0), OpenEntry, 0},
		{at(0, 3, 59), OpenEntry, 0},
		{at(0, 4, 0), LockedEntry, 0},
		{at(0, 5, 0), InTransit, 0},
		{at(0, 19, 59), InTransit, 0},
		{at(0, 20, 0), AwaitingReturn, 1},
		{at(0, 39, 59), AwaitingReturn, 1},
		{at(0, 40, 0), OpenEntry, 1},
		{at(23, 39, 59), InTransit, 35},
		{at(23, 40, 0), OutOfService, -1},
	} {
		s, trip := tt.StateAt(f.ID, tc.now)
		assert.Equal(t, tc.want, s, tc.now)
		if tc.trip < 0 {
			assert.Nil(t, trip)
		} else if assert.NotNil(t, trip) {
			assert.Equal(t, trips[tc.trip], *trip, tc.now)
		}
	}
}

func TestTripsAreRecomputedPerDayWithStableIDs(t *testing.T) {
	boat := minutesRoute("boat", 4, 1, 10, 15)
	tt, _ := NewTimetable([]Route{boat}, nil)
	tt2, _ := NewTimetable([]Route{boat}, nil)
	today := tt.Trips(boat.ID, at(10, 0, 0))
	tomorrow := tt.Trips(boat.ID, at(10, 0, 0).Add(24*time.Hour))
	assert.Equal(t, today, tt2.Trips(boat.ID, at(23, 59, 59)), "a rebuilt timetable names the same trips")
	assert.Equal(t, testDay.AddDate(0, 0, 1), tomorrow[0].BoardingOpen)
	assert.NotEqual(t, today[0].ID, tomorrow[0].ID)

	// A non-UTC input means the UTC day containing that instant.
	east := time.FixedZone("UTC+9", 9*3600)
	assert.Equal(t, today, tt.Trips(boat.ID, time.Date(2026, 3, 15, 8, 0, 0, 0, east)))
	assert.Equal(t, time.UTC, today[0].BoardingOpen.Location())
}

func TestNewTimetableVesselRules(t *testing.T) {
	a := minutesRoute("a", 4, 1, 10, 15)
	b := minutesRoute("b", 4, 1, 10, 15)
	c := minutesRoute("c", 4, 1, 10, 15)
	d := minutesRoute("d", 4, 1, 10, 15)
	indep := minutesRoute("independent", 4, 1, 10, 15)
	missing := uuid.New()
	good := SharedVessel{ID: uuid.New(), RouteA: a.ID, RouteB: b.ID, Turnaround: time.Minute}
	vessels := []SharedVessel{
		good,
		{ID: uuid.New(), RouteA: c.ID, RouteB: missing, Turnaround: time.Minute},  // missing route
		{ID: uuid.New(), RouteA: b.ID, RouteB: d.ID, Turnaround: time.Minute},     // b already taken
		{ID: good.ID, RouteA: c.ID, RouteB: d.ID, Turnaround: time.Minute},        // duplicate id
		{ID: uuid.New(), RouteA: d.ID, RouteB: c.ID, Turnaround: 0},               // invalid
		{ID: uuid.New(), RouteA: a.ID, RouteB: a.ID, Turnaround: time.Second * 5}, // same twice
	}
	dupRoute := a
	dupRoute.Name = "a again"
	tt, errs := NewTimetable([]Route{a, b, c, d, indep, dupRoute}, vessels)

	want := []struct {
		kind  string
		index int
		err   error
	}{
		{"route", 5, ErrDuplicateRouteID},
		{"vessel", 1, ErrRouteNotFound},
		{"vessel", 2, ErrRouteInTwoVessels},
		{"vessel", 3, ErrDuplicateVesselID},
		{"vessel", 4, ErrTurnaroundPositive},
		{"vessel", 5, ErrVesselSameRouteTwice},
	}
	require.Len(t, errs, len(want))
	for i, w := range want {
		var re *RecordError
		require.True(t, errors.As(errs[i], &re), errs[i])
		assert.Equal(t, w.kind, re.Kind, errs[i])
		assert.Equal(t, w.index, re.Index, errs[i])
		assert.True(t, errors.Is(errs[i], w.err), errs[i])
	}

	r, ok := tt.Route(a.ID)
	require.True(t, ok)
	assert.Equal(t, "a", r.Name, "first record wins")
	assert.Equal(t, 45, tt.TripsPerDay(a.ID))
	assert.Equal(t, 45, tt.TripsPerDay(b.ID))
	assert.Equal(t, 0, tt.TripsPerDay(c.ID), "named by a vessel with a missing route: out of service")
	assert.Equal(t, 0, tt.TripsPerDay(d.ID), "named only by rejected vessels: still never independent")
	assert.Equal(t, 95, tt.TripsPerDay(indep.ID))
	assert.Equal(t, 0, tt.TripsPerDay(uuid.New()))
	s, trip := tt.StateAt(c.ID, at(0, 0, 0))
	assert.Equal(t, OutOfService, s)
	assert.Nil(t, trip)
}

func TestTimetableDoesNotAliasInput(t *testing.T) {
	r := minutesRoute("boat", 4, 1, 10, 15)
	routes := []Route{r}
	tt, _ := NewTimetable(routes, nil)
	routes[0].EnRouteMapIDs[0] = 1
	got, _ := tt.Route(r.ID)
	assert.Equal(t, uint32(200090000), got.EnRouteMapIDs[0])
	got.EnRouteMapIDs[0] = 2
	again, _ := tt.Route(r.ID)
	assert.Equal(t, uint32(200090000), again.EnRouteMapIDs[0])
}

func TestRouteThatNeverFits(t *testing.T) {
	r := minutesRoute("long", 60, 60, 23*60, 30)
	tt, errs := NewTimetable([]Route{r}, nil)
	require.Empty(t, errs)
	assert.Equal(t, 0, tt.TripsPerDay(r.ID))
	s, _ := tt.StateAt(r.ID, at(1, 0, 0))
	assert.Equal(t, OutOfService, s)
	_, ok := tt.NextTransition(r.ID, testDay)
	assert.False(t, ok)

	// Exactly fits: arrival at 23:59:59.999999999 is kept, at 24:00 is not.
	r2 := minutesRoute("exact", 1, 1, 1, 1)
	r2.Travel = 24*time.Hour - 2*time.Minute - 1
	r3 := minutesRoute("too-long", 1, 1, 1, 1)
	r3.Travel = 24*time.Hour - 2*time.Minute
	tt, _ = NewTimetable([]Route{r2, r3}, nil)
	assert.Equal(t, 1, tt.TripsPerDay(r2.ID))
	assert.Equal(t, 0, tt.TripsPerDay(r3.ID))
	s, _ = tt.StateAt(r2.ID, testDay.Add(24*time.Hour-1))
	assert.Equal(t, OutOfService, s, "arrival instant belongs to the next state")
}
