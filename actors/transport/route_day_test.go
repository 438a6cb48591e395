package transport_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
)

// Real §8.1 boat plus a shared vessel alternating two routes, driven through
// a whole UTC day and into the next on a controlled clock. Every transport
// status record of the day is checked against the timetable, and characters
// placed through map-status events are warped at the right transitions.
func TestScheduledRoutesWholeDayOnControlledClock(t *testing.T) {
	for _, bk := range []backend{recorder, broker} {
		t.Run(string(bk), func(t *testing.T) { wholeDay(t, bk) })
	}
}

func wholeDay(t *testing.T, bk backend) {
	boat := schedule.Route{ID: uuid.MustParse("c0a80101-0000-4000-8000-000000000001"), Name: "boat-orbis-ellinia",
		StartMapID: 200000111, StagingMapID: 200000112, EnRouteMapIDs: []uint32{200090000, 200090001},
		DestinationMapID: 101000300, ObservationMapID: 200000111,
		BoardingWindow: 4 * time.Minute, PreDeparture: time.Minute, Travel: 10 * time.Minute, CycleInterval: 15 * time.Minute}
	a := schedule.Route{ID: uuid.MustParse("c0a80101-0000-4000-8000-00000000000a"), Name: "ferry-a",
		StartMapID: 200000100, StagingMapID: 200000113, EnRouteMapIDs: []uint32{200090002}, DestinationMapID: 101000301,
		ObservationMapID: 200000100, BoardingWindow: 4 * time.Minute, PreDeparture: time.Minute, Travel: 10 * time.Minute, CycleInterval: time.Hour}
	b := a
	b.ID, b.Name, b.StartMapID, b.StagingMapID, b.EnRouteMapIDs, b.DestinationMapID, b.ObservationMapID =
		uuid.MustParse("c0a80101-0000-4000-8000-00000000000b"), "ferry-b", 101000300, 101000302, []uint32{200090012}, 200000101, 101000300
	vessel := schedule.SharedVessel{ID: uuid.MustParse("c0a80101-0000-4000-8000-0000000000ff"), Name: "ferry", RouteA: a.ID, RouteB: b.ID, Turnaround: time.Minute}
	tt, problems := schedule.NewTimetable([]schedule.Route{boat, a, b}, []schedule.SharedVessel{vessel})
	require.Empty(t, problems)

	// Start a second before midnight: every route is out of service, so
	// start-up announces nothing.
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	clk := clock.NewFake(day.Add(-time.Second))
	e := startOn(t, bk, clk, config.Tenant{Tenant: kafkatest.Tenant, Routes: []schedule.Route{boat, a, b}, Vessels: []schedule.SharedVessel{vessel}})
	status := e.reader(messages.EventTopicTransportStatus)
	warps := e.reader(messages.CommandTopicCharacter)

	// Every transition of the three routes, in time order, up to 00:30 next day.
	type due struct {
		at    time.Time
		route schedule.Route
		tr    schedule.Transition
	}
	var all []due
	end := day.Add(24*time.Hour + 30*time.Minute)
	for _, r := range []schedule.Route{boat, a, b} {
		tr, ok := tt.NextTransition(r.ID, clk.Now())
		for ok && !tr.At.After(end) {
			all = append(all, due{tr.At, r, tr})
			tr, ok = tt.NextAfter(tr)
		}
	}
	instants := map[time.Time]bool{}
	var expected []out
	for _, d := range all {
		instants[d.at] = true
	}
	var order []time.Time
	for at := range instants {
		order = append(order, at)
	}
	sortTimes(order)

	// Passenger 7 waits for the boat's first trip, passenger 8 for ferry B's.
	where := map[uint32]uint32{7: boat.StagingMapID, 8: b.StagingMapID}
	e.enter(7, 1, boat.StagingMapID, uuid.Nil)
	e.enter(8, 2, b.StagingMapID, uuid.Nil)
	e.consumed()
	// Warps expected at an instant: boarding and landing of 7 and 8.
	warpsAt := map[time.Time]int{
		day.Add(5 * time.Minute): 1, day.Add(15 * time.Minute): 1, // boat 00:00 trip
		day.Add(21 * time.Minute): 1, day.Add(31 * time.Minute): 1, // ferry B's first trip
	}
	statusSeen, warpsSeen := 0, 0
	for _, at := range order {
		// Each route actor has its timer armed before time moves.
		kafkatest.Eventually(t, 10*time.Second, "every route timer armed", func() bool { return clk.Pending() == 3 })
		clk.Set(at)
		for _, d := range all {
			if !d.at.Equal(at) {
				continue
			}
			switch d.tr.Kind {
			case schedule.BoardingOpened:
				expected = append(expected, out{Type: messages.TypeArrived, RouteID: d.route.ID})
			case schedule.Departed:
				expected = append(expected, out{Type: messages.TypeDeparted, RouteID: d.route.ID})
			}
		}
		if len(expected) > statusSeen {
			status.WaitCount(20*time.Second, len(expected))
			statusSeen = len(expected)
		}
		if n := warpsAt[at]; n > 0 {
			ws := decode(t, warps.WaitCount(10*time.Second, warpsSeen+n))
			e.follow(ws[warpsSeen:], where)
			warpsSeen += n
		}
	}
	// Every actor has handled the last instant; anything extra would be in
	// the stream by now.
	kafkatest.Eventually(t, 10*time.Second, "every route timer armed", func() bool { return clk.Pending() == 3 })
	got := decode(t, status.Drain(time.Second))
	require.Len(t, got, len(expected), "no ARRIVED or DEPARTED beyond the timetable's")
	perRoute := map[uuid.UUID][]string{}
	for _, o := range expected {
		perRoute[o.RouteID] = append(perRoute[o.RouteID], o.Type)
	}
	gotPerRoute := map[uuid.UUID][]string{}
	for _, o := range got {
		gotPerRoute[o.RouteID] = append(gotPerRoute[o.RouteID], o.Type)
		assert.Equal(t, []byte(o.RouteID.String()), o.Key)
		assert.Equal(t, kafkatest.Headers(kafkatest.Tenant), o.Headers)
	}
	assert.Equal(t, perRoute, gotPerRoute, "every ARRIVED and DEPARTED of the day, in order per route")
	boatDay := 0
	for _, o := range perRoute[boat.ID] {
		if o == messages.TypeDeparted {
			boatDay++
		}
	}
	assert.Equal(t, 95+2, boatDay, "95 departures on the day and two after midnight")

	// Passenger 7: aboard at 00:05, landed at 00:15; passenger 8: ferry B
	// first departs at 00:21 and lands at 00:31. Nobody was warped again.
	ws := decode(t, warps.Drain(time.Second))
	assert.Equal(t, []warp{{7, boat.EnRouteMapIDs[0]}, {7, boat.DestinationMapID}, {8, b.EnRouteMapIDs[0]}, {8, b.DestinationMapID}}, warpsOf(ws))
}

type warp struct {
	character uint32
	mapID     uint32
}

func warpsOf(os []out) []warp {
	var w []warp
	for _, o := range os {
		w = append(w, warp{o.Character, uint32(o.Body["mapId"].(float64))})
	}
	return w
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}
