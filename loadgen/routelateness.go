package loadgen

import (
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
)

// Departures knows every generated route's timetable, to tell how late a
// DEPARTED record was against the scheduled departure.
type Departures struct {
	byRoute map[uuid.UUID]*schedule.Timetable
	mu      sync.Mutex
	trips   map[tripDay][]schedule.Trip // a day's trips are computed once: the loadgen must not eat the service's CPU
}

type tripDay struct {
	route uuid.UUID
	day   time.Time
}

// NewDepartures indexes the plan's scheduled routes.
func NewDepartures(p Plan) *Departures {
	d := &Departures{byRoute: map[uuid.UUID]*schedule.Timetable{}, trips: map[tripDay][]schedule.Trip{}}
	for _, t := range p.Tenants {
		tt, _ := schedule.NewTimetable(t.Routes, nil)
		for _, id := range tt.RouteIDs() {
			d.byRoute[id] = tt
		}
	}
	return d
}

// Lateness is how long after its scheduled departure a DEPARTED record of
// route was stamped; false for an unknown route or a stamp before any
// departure of that day and the day before.
func (d *Departures) Lateness(route uuid.UUID, stamp time.Time) (time.Duration, bool) {
	tt, ok := d.byRoute[route]
	if !ok {
		return 0, false
	}
	for _, day := range []time.Time{stamp, stamp.Add(-24 * time.Hour)} {
		trips := d.tripsOf(tt, route, day)
		for j := len(trips) - 1; j >= 0; j-- {
			if !trips[j].Departure.After(stamp) {
				return stamp.Sub(trips[j].Departure), true
			}
		}
	}
	return 0, false
}

func (d *Departures) tripsOf(tt *schedule.Timetable, route uuid.UUID, at time.Time) []schedule.Trip {
	key := tripDay{route, at.UTC().Truncate(24 * time.Hour)}
	d.mu.Lock()
	defer d.mu.Unlock()
	trips, ok := d.trips[key]
	if !ok {
		trips = tt.Trips(route, at)
		d.trips[key] = trips
	}
	return trips
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
