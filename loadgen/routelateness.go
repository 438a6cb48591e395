package loadgen

import (
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
)

// Departures knows every generated route's timetable, to tell how late a
// DEPARTED record was against the scheduled departure.
type Departures struct {
	byRoute map[uuid.UUID]departures // read-only once built: safe for concurrent use
}

// departures is a route's daily departures as the arithmetic progression an
// independent route's timetable is (schedule.NewTimetable without vessels,
// as NewDepartures builds it): trip i of a UTC day departs depart + i*step
// after midnight, 0 <= i < n. Looking a departure up is then O(1) and needs
// no materialised trips: a day's trips of every route used to be built and
// kept (≈8,500 trips of 128 bytes per route and day, 2 GB and seconds of
// CPU for 2,000 routes), all to find one departure per DEPARTED record.
type departures struct {
	depart, step time.Duration
	n            int
}

// NewDepartures indexes the plan's scheduled routes.
func NewDepartures(p Plan) *Departures {
	d := &Departures{byRoute: map[uuid.UUID]departures{}}
	for _, t := range p.Tenants {
		tt, _ := schedule.NewTimetable(t.Routes, nil)
		for _, id := range tt.RouteIDs() {
			r, _ := tt.Route(id)
			d.byRoute[id] = departures{depart: r.BoardingWindow + r.PreDeparture, step: r.CycleInterval, n: tt.TripsPerDay(id)}
		}
	}
	return d
}

// Lateness is how long after its scheduled departure a DEPARTED record of
// route was stamped; false for an unknown route or a stamp before any
// departure of that day and the day before.
func (d *Departures) Lateness(route uuid.UUID, stamp time.Time) (time.Duration, bool) {
	p, ok := d.byRoute[route]
	if !ok || p.n == 0 || p.step <= 0 {
		return 0, false
	}
	midnight := stamp.UTC().Truncate(24 * time.Hour)
	for _, day := range []time.Time{midnight, midnight.Add(-24 * time.Hour)} {
		if dep, ok := p.lastBy(day, stamp); ok {
			return stamp.Sub(dep), true
		}
	}
	return 0, false
}

// lastBy is the last departure of the day starting at midnight that is not
// after stamp.
func (p departures) lastBy(midnight, stamp time.Time) (time.Time, bool) {
	y := stamp.Sub(midnight) - p.depart
	if y < 0 {
		return time.Time{}, false
	}
	i := min(int64(y/p.step), int64(p.n-1))
	return midnight.Add(p.depart + time.Duration(i)*p.step), true
}

// Observe records the lateness of a DEPARTED effect in late.
func (d *Departures) Observe(e Effect, late *Lateness) {
	if e.Topic != messages.EventTopicTransportStatus || e.Type != messages.TypeDeparted {
		return
	}
	if l, ok := d.Lateness(e.Route, e.Stamp); ok {
		late.Add(LateRouteDeparted, e.Seen, l)
	}
}
