package demo

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/transport/ride"
)

// changeMap answers a CHANGE_MAP as a channel server does: the character
// leaves its map (CHARACTER_EXIT) and enters the target (CHARACTER_ENTER).
func (d *Demo) changeMap(ctx context.Context, cmd messages.Command[messages.ChangeMapBody]) {
	c := cmd.CharacterID
	from := d.at[c]
	d.walk(ctx, c, cmd.Body.ChannelID, cmd.Body.MapID, cmd.Body.Instance)
	d.count(func(s *Stats) { s.MapChanges++ })
	if t, ok := d.travellers[c]; ok {
		d.travellerWarped(ctx, t, from.mapID, cmd.Body.MapID)
	}
}

// Traveller states.
const (
	idle    = "idle"
	waiting = "waiting"
	riding  = "riding"
)

// traveller rides scheduled routes one after another. Commuters ride the
// route with the shortest cycle again and again, so arrivals come quickly;
// wanderers move from route to route.
type traveller struct {
	id       uint32
	route    *schedule.Route
	commuter bool
	state    string
	since    time.Time
}

// fastest is the scheduled route with the shortest cycle (nil without routes).
func (d *Demo) fastest() *schedule.Route {
	var best *schedule.Route
	for i := range d.tenant.Routes {
		r := &d.tenant.Routes[i]
		if best == nil || r.BoardingWindow+r.PreDeparture+r.Travel < best.BoardingWindow+best.PreDeparture+best.Travel {
			best = r
		}
	}
	return best
}

func (d *Demo) startTravellers(ctx context.Context) {
	fast := d.fastest()
	if fast == nil {
		return
	}
	add := func(r *schedule.Route, commuter bool, delay time.Duration) {
		t := &traveller{id: d.character(), route: r, commuter: commuter, state: idle}
		d.travellers[t.id] = t
		d.walk(ctx, t.id, channel, r.StartMapID, uuid.Nil)
		d.later(delay, func() { d.goToStaging(ctx, t) })
	}
	for i := range 3 {
		add(fast, true, d.think(time.Duration(2+3*i)*time.Second))
	}
	for i := range d.tenant.Routes {
		if r := &d.tenant.Routes[i]; r != fast {
			add(r, false, d.think(time.Duration(3+d.rnd.IntN(20))*time.Second))
		}
	}
}

func (d *Demo) goToStaging(ctx context.Context, t *traveller) {
	d.walk(ctx, t.id, channel, t.route.StagingMapID, uuid.Nil)
	t.state, t.since = waiting, time.Now()
	d.log.Info("traveller walks into the waiting room", zap.Uint32("character", t.id), zap.String("route", t.route.Name),
		d.mapField("map", t.route.StagingMapID))
}

// travellerWarped follows a traveller through a departure (staging → en
// route) and an arrival (en route → destination).
func (d *Demo) travellerWarped(ctx context.Context, t *traveller, from, to uint32) {
	if t.state == riding && slices.Contains(t.route.EnRouteMapIDs, to) {
		return // from one en-route map to the next
	}
	if t.state == waiting {
		for i := range d.tenant.Routes {
			r := &d.tenant.Routes[i]
			// Routes may share a waiting room: whichever departs first takes the traveller.
			if r.StagingMapID == from && slices.Contains(r.EnRouteMapIDs, to) {
				t.route, t.state, t.since = r, riding, time.Now()
				d.count(func(s *Stats) { s.Boarded++ })
				d.log.Info("traveller boarded", zap.Uint32("character", t.id), zap.String("route", r.Name))
				return
			}
		}
	}
	if t.state == riding && to == t.route.DestinationMapID {
		d.count(func(s *Stats) { s.Arrived++ })
		d.log.Info("traveller arrived at the route's destination", zap.Uint32("character", t.id), zap.String("route", t.route.Name),
			d.mapField("map", to), zap.Duration("ride", time.Since(t.since).Round(time.Second)))
	} else {
		d.log.Info("traveller warped elsewhere", zap.Uint32("character", t.id), zap.String("route", t.route.Name),
			zap.String("state", t.state), d.mapField("map", to))
	}
	t.state = idle
	d.later(d.think(10*time.Second), func() { d.moveOn(ctx, t) })
}

// moveOn sends a traveller to its next route: commuters take theirs again,
// wanderers prefer a route that starts where they are.
func (d *Demo) moveOn(ctx context.Context, t *traveller) {
	if t.state != idle {
		return
	}
	if !t.commuter {
		fast := d.fastest()
		var here, others []*schedule.Route
		for i := range d.tenant.Routes {
			r := &d.tenant.Routes[i]
			if r == fast || r == t.route {
				continue
			}
			if r.StartMapID == d.at[t.id].mapID {
				here = append(here, r)
			} else {
				others = append(others, r)
			}
		}
		switch {
		case len(here) > 0:
			t.route = here[d.rnd.IntN(len(here))]
		case len(others) > 0:
			t.route = others[d.rnd.IntN(len(others))]
		}
	}
	d.walk(ctx, t.id, channel, t.route.StartMapID, uuid.Nil)
	d.later(d.think(3*time.Second), func() { d.goToStaging(ctx, t) })
}

// routeEvent checks, a little after a departure, that nobody was left in the
// waiting room: one who was (its ENTER lost, say) walks in again.
func (d *Demo) routeEvent(ctx context.Context, id uuid.UUID, typ string) {
	if typ != messages.TypeDeparted {
		return
	}
	var route *schedule.Route
	for i := range d.tenant.Routes {
		if d.tenant.Routes[i].ID == id {
			route = &d.tenant.Routes[i]
		}
	}
	if route == nil {
		return
	}
	departed := time.Now()
	d.later(5*time.Second, func() {
		for _, t := range d.travellers {
			if t.state == waiting && t.route.StagingMapID == route.StagingMapID && t.since.Before(departed.Add(-2*time.Second)) {
				d.log.Warn("traveller was left in the waiting room at departure; walks in again",
					zap.Uint32("character", t.id), zap.String("route", route.Name))
				d.goToStaging(ctx, t)
			}
		}
	})
}

// rider takes one instance-route ride and is then forgotten.
type rider struct {
	id    uint32
	route *ride.Route
}

// rideRound: two characters walk to each instance route's start map and
// START a ride.
func (d *Demo) rideRound(ctx context.Context) {
	for i := range d.tenant.InstanceRoutes {
		r := &d.tenant.InstanceRoutes[i]
		for range 2 {
			rd := &rider{id: d.character(), route: r}
			d.riders[rd.id] = rd
			d.walk(ctx, rd.id, channel, r.StartMapID, uuid.Nil)
			d.later(d.think(2*time.Second), func() {
				d.produce(ctx, messages.CommandTopicInstanceTransport, messages.IntKey(rd.id), messages.CharacterEvent[messages.StartTransportBody]{
					TransactionID: uuid.New(), WorldID: world, CharacterID: rd.id, Type: messages.TypeStart,
					Body: messages.StartTransportBody{RouteID: r.ID, ChannelID: channel}})
			})
			// A ride that never ends (a START refused, say) is forgotten anyway.
			d.later(r.BoardingWindow+r.Travel+10*time.Minute, func() { d.forget(rd.id) })
		}
	}
}

func (d *Demo) rideEvent(c uint32, typ string) {
	switch typ {
	case messages.TypeStarted:
		d.count(func(s *Stats) { s.RidesStarted++ })
	case messages.TypeCompleted, messages.TypeCancelled:
		if typ == messages.TypeCompleted {
			d.count(func(s *Stats) { s.RidesCompleted++ })
		} else {
			d.count(func(s *Stats) { s.RidesCancelled++ })
		}
		// The arrival warp may still be on its way (another topic).
		d.later(30*time.Second, func() { d.forget(c) })
	}
}
