package schedule

import (
	"time"

	"github.com/google/uuid"
)

const day = 24 * time.Hour

// plan is one route's daily timetable as an arithmetic progression: trip i
// (0 <= i < n) opens boarding at offset + i*step after 00:00 UTC. Independent
// routes and both legs of a shared vessel fit this shape, which lets every
// query be O(1) arithmetic, identical for every day.
type plan struct {
	offset time.Duration // boarding open of trip 0, after midnight
	step   time.Duration // between consecutive boarding opens
	closed time.Duration // boarding closed, after boarding open
	depart time.Duration // departure, after boarding open
	arrive time.Duration // arrival, after boarding open
	n      int           // trips per day
}

// newPlan keeps the trips whose arrival is strictly before midnight. Kept
// trips are always a prefix because arrivals increase with i.
func newPlan(r Route, offset, step time.Duration) plan {
	p := plan{
		offset: offset,
		step:   step,
		closed: r.BoardingWindow,
		depart: addSat(r.BoardingWindow, r.PreDeparture),
		arrive: r.TripLength(),
	}
	last := addSat(offset, p.arrive) // arrival of trip 0
	if last < day {
		// largest i with offset + arrive + i*step <= day - 1ns
		p.n = int((day-1-last)/step) + 1
	}
	return p
}

// independentPlan opens at 00:00 and every CycleInterval after.
func independentPlan(r Route) plan {
	return newPlan(r, 0, r.CycleInterval)
}

// vesselPlans alternates a then b from 00:00; one A+B round takes both trip
// lengths plus two turnarounds.
func vesselPlans(a, b Route, turnaround time.Duration) (plan, plan) {
	la, lb := a.TripLength(), b.TripLength()
	step := addSat(addSat(la, lb), addSat(turnaround, turnaround))
	return newPlan(a, 0, step), newPlan(b, addSat(la, turnaround), step)
}

// open is trip i's boarding open after midnight; callers keep i < n, which
// keeps the result below one day (no overflow).
func (p *plan) open(i int) time.Duration {
	return p.offset + time.Duration(i)*p.step
}

// trip materialises trip i of the day starting at midnight d.
func (p *plan) trip(routeID uuid.UUID, d time.Time, i int) Trip {
	o := d.Add(p.open(i))
	return Trip{
		ID:             TripID(routeID, o),
		RouteID:        routeID,
		BoardingOpen:   o,
		BoardingClosed: o.Add(p.closed),
		Departure:      o.Add(p.depart),
		Arrival:        o.Add(p.arrive),
	}
}

// stateAt is the state at x after midnight (0 <= x < day) and the index of
// the trip it refers to (-1 when out of service). A trip in transit wins over
// any later trip's boarding: with cycle < trip length that boarding stays
// hidden, as in the reference; with several trips in transit the latest
// departure wins. Otherwise the next trip to depart decides.
func (p *plan) stateAt(x time.Duration) (State, int) {
	if p.n == 0 {
		return OutOfService, -1
	}
	next := 0
	if y := x - p.offset - p.depart; y >= 0 {
		// i is the last trip that has departed by x.
		i := min(int(y/p.step), p.n-1)
		if x < p.open(i)+p.arrive {
			return InTransit, i
		}
		next = i + 1
	}
	if next >= p.n {
		return OutOfService, -1
	}
	switch o := p.open(next); {
	case x < o:
		return AwaitingReturn, next
	case x < o+p.closed:
		return OpenEntry, next
	default:
		return LockedEntry, next
	}
}

// eventKey orders a route's transitions: by instant, then by the boarding
// open of the trip they belong to (earlier trip first). Both are durations
// after the same midnight. It is unique per route because a trip has at most
// one event at any instant (all its durations are positive).
type eventKey struct {
	at, open time.Duration
}

func (k eventKey) less(o eventKey) bool {
	return k.at < o.at || (k.at == o.at && k.open < o.open)
}

// event is a located transition within a day: its key, kind and trip index.
type event struct {
	key  eventKey
	kind TransitionKind
	trip int
}

// nextEvent finds the first event of the day whose key is greater than
// after. It checks each kind's progression (one division each) and the
// DayStarted event, so it is O(1).
func (p *plan) nextEvent(after eventKey) (event, bool) {
	var best event
	found := false
	consider := func(e event) {
		if after.less(e.key) && (!found || e.key.less(best.key)) {
			best, found = e, true
		}
	}
	if p.n == 0 {
		return best, false
	}
	if p.offset > 0 {
		// The state jumps from out_of_service to awaiting_return at
		// midnight without any trip event; report it so walkers see every
		// state change. It refers to the day's first trip.
		consider(event{key: eventKey{0, p.offset}, kind: DayStarted, trip: 0})
	}
	for _, k := range [...]struct {
		kind  TransitionKind
		delay time.Duration
	}{
		{BoardingOpened, 0},
		{BoardingClosed, p.closed},
		{Departed, p.depart},
		{Arrived, p.arrive},
	} {
		// Smallest i whose event instant is >= after.at ...
		i := 0
		if z := after.at - p.offset - k.delay; z > 0 {
			i = int(z / p.step)
			if time.Duration(i)*p.step < z {
				i++
			}
		}
		if i >= p.n {
			continue
		}
		// ... then skip it if it is at after.at but not after it in order.
		e := event{key: eventKey{p.open(i) + k.delay, p.open(i)}, kind: k.kind, trip: i}
		if !after.less(e.key) {
			i++
			if i >= p.n {
				continue
			}
			e = event{key: eventKey{p.open(i) + k.delay, p.open(i)}, kind: k.kind, trip: i}
		}
		consider(e)
	}
	return best, found
}

// firstEvent is the day's first event: DayStarted at midnight when the first
// trip opens later, else the first trip's boarding open at midnight.
func (p *plan) firstEvent() event {
	if p.offset > 0 {
		return event{key: eventKey{0, p.offset}, kind: DayStarted}
	}
	return event{key: eventKey{0, 0}, kind: BoardingOpened}
}
