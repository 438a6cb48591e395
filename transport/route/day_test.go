package route

import (
	"encoding/json"
	"testing"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBoatWholeDay drives the seeded boat through a whole UTC day and the
// first trips of the next one, checking every effect exactly.
func TestBoatWholeDay(t *testing.T) {
	tt := boatTimetable(t)
	m, start := New(tt, orbisEllinia.ID, testDay.Add(-10*60e9)) // 23:50 the day before
	assert.Empty(t, start, "out_of_service at start-up: nothing")

	next := testDay.AddDate(0, 0, 1)
	until := next.Add(20 * 60e9) // 00:20 of the next day
	got := drive(t, m, until)

	day := tt.Trips(orbisEllinia.ID, testDay)
	require.Len(t, day, 95)
	want := append(expectedRows(orbisEllinia, day, next), expectedRows(orbisEllinia, tt.Trips(orbisEllinia.ID, next), until)...)
	require.Equal(t, want, rows(got))

	// Per day: every trip announces, departs and delivers.
	var today []Effect
	for _, e := range got {
		if e.Transition.At.Before(next) {
			today = append(today, e)
		}
	}
	assert.Equal(t, count{arrived: 95, departed: 95, departSweeps: 95, arriveSweeps: 95}, tally(orbisEllinia, today))

	// The day's last arrival (23:45, into out_of_service) still delivers the
	// passengers: the reference's §7.2.1 defect is fixed.
	last := today[len(today)-1]
	assert.Equal(t, at(23, 45, 0), last.Transition.At)
	assert.Equal(t, schedule.Arrived, last.Transition.Kind)
	assert.Equal(t, schedule.OutOfService, last.Transition.To)
	assert.Equal(t, &Sweep{From: []uint32{200090000, 200090001}, To: 101000300}, last.Sweep)

	// Midnight: the next day opens at 00:00 with ARRIVED.
	first := got[len(today)]
	assert.Equal(t, next, first.Transition.At)
	assert.Equal(t, []messages.Record{arrived(orbisEllinia)}, first.Records)
}

// TestRecordShape pins the wire form of ARRIVED and DEPARTED.
func TestRecordShape(t *testing.T) {
	tt := boatTimetable(t)
	m, _ := New(tt, orbisEllinia.ID, testDay.Add(-1))
	effs, _ := m.Tick(at(0, 0, 0))
	more, _ := m.Tick(at(0, 5, 0))
	effs = append(effs, more...)
	require.Len(t, effs, 2)
	for i, typ := range []string{"ARRIVED", "DEPARTED"} {
		require.Len(t, effs[i].Records, 1)
		rec := effs[i].Records[0]
		assert.Equal(t, messages.EventTopicTransportStatus, rec.Topic)
		assert.Len(t, rec.Key, 36)
		assert.Equal(t, orbisEllinia.ID.String(), string(rec.Key))
		b, err := json.Marshal(rec.Value)
		require.NoError(t, err)
		assert.JSONEq(t, `{"routeId":"0b7e3c1a-5d2f-4a6b-9c8d-1e2f3a4b5c6d","type":"`+typ+`","body":{"mapId":200000111}}`, string(b))
	}
	// Departure: warps (Sweep) go before DEPARTED in the actor's transaction.
	assert.Equal(t, &Sweep{From: []uint32{200000112}, To: 200090000}, effs[1].Sweep)
}

// TestSharedVesselDay runs the two boats as one vessel (spec §1.3: A and B
// alternate from 00:00 with a 60 s turnaround; 45 trips each).
func TestSharedVesselDay(t *testing.T) {
	vessel := schedule.SharedVessel{
		ID: orbisEllinia.ID, Name: "orbis-ellinia-boat",
		RouteA: orbisEllinia.ID, RouteB: elliniaOrbis.ID, Turnaround: 60e9,
	}
	vessel.ID[0] ^= 0xff // any id other than the routes'
	tt := timetable(t, []schedule.Route{orbisEllinia, elliniaOrbis}, []schedule.SharedVessel{vessel})
	next := testDay.AddDate(0, 0, 1)

	for _, r := range []schedule.Route{orbisEllinia, elliniaOrbis} {
		m, start := New(tt, r.ID, testDay.Add(-1))
		assert.Empty(t, start)
		got := drive(t, m, next)
		trips := tt.Trips(r.ID, testDay)
		require.Len(t, trips, 45, r.Name)
		require.Equal(t, expectedRows(r, trips, next), rows(got), r.Name)
		assert.Equal(t, count{arrived: 45, departed: 45, departSweeps: 45, arriveSweeps: 45}, tally(r, got), r.Name)
	}

	// A: 00:00–00:15, then awaiting_return while B sails 00:16–00:31. The
	// arrival into awaiting_return warps (the only case the reference did).
	a, _ := New(tt, orbisEllinia.ID, at(0, 14, 0))
	effs, _ := a.Tick(at(0, 15, 0))
	require.Len(t, effs, 1)
	assert.Equal(t, schedule.AwaitingReturn, effs[0].Transition.To)
	assert.Equal(t, &Sweep{From: []uint32{200090000, 200090001}, To: 101000300}, effs[0].Sweep)
	assert.Equal(t, schedule.AwaitingReturn, a.State(at(0, 20, 0)))

	// B: DayStarted at 00:00 emits nothing; first ARRIVED at 00:16 with its
	// own observation map.
	b, _ := New(tt, elliniaOrbis.ID, testDay.Add(-1))
	d, _ := b.NextDeadline()
	assert.Equal(t, testDay, d)
	effs, skipped := b.Tick(testDay)
	assert.Empty(t, effs)
	assert.Empty(t, skipped)
	assert.Equal(t, schedule.AwaitingReturn, b.State(testDay))
	d, _ = b.NextDeadline()
	assert.Equal(t, at(0, 16, 0), d)
	effs, _ = b.Tick(d)
	require.Len(t, effs, 1)
	assert.Equal(t, []messages.Record{messages.TransportStatus(elliniaOrbis.ID, "ARRIVED", 101000300)}, effs[0].Records)
}
