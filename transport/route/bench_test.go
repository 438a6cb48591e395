package route

import (
	"testing"
)

// BenchmarkTick measures one transition: each iteration ticks the machine at
// its next deadline, walking the seeded boat's timetable day after day.
func BenchmarkTick(b *testing.B) {
	tt := boatTimetable(b)
	m, _ := New(tt, orbisEllinia.ID, testDay)
	b.ReportAllocs()
	for b.Loop() {
		d, _ := m.NextDeadline()
		m.Tick(d)
	}
}
