package schedule

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
)

// benchTimetable is one tenant with 1,000 routes: seeded-style independent
// routes and a quarter of them paired into shared vessels.
func benchTimetable(b *testing.B) (*Timetable, []uuid.UUID) {
	b.Helper()
	shapes := [][4]int{{4, 1, 10, 15}, {4, 1, 5, 10}, {4, 1, 1, 6}, {4, 1, 15, 40}}
	var routes []Route
	var vessels []SharedVessel
	for i := range 1000 {
		s := shapes[i%len(shapes)]
		routes = append(routes, minutesRoute(fmt.Sprintf("r%d", i), s[0], s[1], s[2], s[3]))
		if i%8 == 7 {
			vessels = append(vessels, SharedVessel{ID: uuid.New(), RouteA: routes[i-1].ID, RouteB: routes[i].ID, Turnaround: time.Minute})
		}
	}
	tt, errs := NewTimetable(routes, vessels)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	return tt, tt.RouteIDs()
}

func BenchmarkNextTransition(b *testing.B) {
	tt, ids := benchTimetable(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		after := testDay.Add(time.Duration(i%172800) * time.Second) // sweep two days
		if _, ok := tt.NextTransition(ids[i%len(ids)], after); !ok {
			b.Fatal("no transition")
		}
	}
}

func BenchmarkNextAfter(b *testing.B) {
	tt, ids := benchTimetable(b)
	cur := make([]Transition, len(ids))
	for i, id := range ids {
		cur[i], _ = tt.NextTransition(id, testDay)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(ids)
		cur[k], _ = tt.NextAfter(cur[k])
	}
}

func BenchmarkStateAt(b *testing.B) {
	tt, ids := benchTimetable(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tt.StateAt(ids[i%len(ids)], testDay.Add(time.Duration(i%86400)*time.Second))
	}
}

func BenchmarkTrips(b *testing.B) {
	tt, ids := benchTimetable(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tt.Trips(ids[i%len(ids)], testDay)
	}
}
