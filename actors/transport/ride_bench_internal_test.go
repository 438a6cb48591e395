package transport

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// BenchmarkRideBookkeeping: one op is the ride actor's bookkeeping around
// one START that joins or creates an instance on a route that starts with
// the given number of full 6-seat instances (each op adds a rider, so the
// route keeps growing): changelog records from the changes plus the
// snapshot. "copies" is the former way (the route's instances copied before
// and after, and State as the snapshot), kept as the reference.
//
//	go test -run '^$' -bench RideBookkeeping -benchmem ./actors/transport/
func BenchmarkRideBookkeeping(b *testing.B) {
	route := ride.Route{ID: uuid.MustParse("9d7c1f0e-8a51-4f7e-b0a4-3c2a1d5e6f70"), Name: "bench",
		StartMapID: 1, TransitMapID: 2, DestinationMapID: 3,
		Capacity: 6, BoardingWindow: time.Hour, Travel: time.Hour}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, live := range []int{100, 1667} {
		fill := func() (*ride.Machine, *rideMirror, uint32) {
			m := ride.New(route, nil)
			c := uint32(1)
			for ; c <= uint32(live*6); c++ {
				m.Start(0, c, 1, now)
			}
			m.TakeChanges()
			return m, newMirror(m.Instances()), c
		}
		b.Run(fmt.Sprintf("changes/instances=%d", live), func(b *testing.B) {
			m, mirror, c := fill()
			var snap any
			b.ReportAllocs()
			for b.Loop() {
				m.Start(0, c, 1, now)
				c++
				changes := m.TakeChanges()
				mirror.apply(changes)
				if _, err := stateRecords(tenant.Tenant{}, route.ID, changes); err != nil {
					b.Fatal(err)
				}
				snap = mirror.copy
			}
			_ = snap
		})
		b.Run(fmt.Sprintf("copies/instances=%d", live), func(b *testing.B) {
			m, _, c := fill()
			var snap any
			b.ReportAllocs()
			for b.Loop() {
				before := map[uuid.UUID]int{}
				for _, in := range m.Instances() {
					before[in.ID] = len(in.Riders)
				}
				m.Start(0, c, 1, now)
				c++
				m.TakeChanges()
				for _, in := range m.Instances() {
					_ = before[in.ID]
				}
				snap = m.State()
			}
			_ = snap
		})
	}
}
