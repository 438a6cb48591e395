package audit

import (
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

type rideKey struct {
	tenant    tenant.Tenant
	character uint32
	instance  uuid.UUID
}

type instanceKey struct {
	tenant   tenant.Tenant
	instance uuid.UUID
}

// rideEvent names one event of one character's ride.
type rideEvent struct {
	rideKey
	typ string
}

// rides checks EVENT_TOPIC_INSTANCE_TRANSPORT.
//
// Identity: (tenant, character, instance, type): a character boards a
// ride instance once, so it is STARTED once and ends once: COMPLETED at
// the instance's arrival or CANCELLED (MAP_EXIT, LOGOUT, STUCK), never
// both. Capacity: the riders aboard one instance at any moment (STARTED
// less CANCELLED, in timestamp order) never exceed its route's capacity.
// Timer: every ride ends by the instance's arrival, due boarding window +
// travel after the instance was created (its first STARTED).
func (a *auditor) rides() {
	evs := a.events[messages.EventTopicInstanceTransport]
	count := map[rideEvent][]event{}
	var order []rideEvent
	ends := map[rideKey][]event{}
	created := map[instanceKey]time.Time{}
	routes := map[instanceKey]ride.Route{}
	aboard := map[instanceKey]map[uint32]bool{}
	peak := map[instanceKey]int{}
	var instances []instanceKey
	for _, e := range evs {
		k := rideKey{e.tenant, e.character, e.instance}
		ik := instanceKey{e.tenant, e.instance}
		r, ok := a.instanceRoute(e.tenant, e.route)
		if !ok {
			a.bad.add(Records, "ride of an unknown tenant or instance route", "character %d route %s: %s", e.character, e.route, e)
			continue
		}
		re := rideEvent{k, e.typ}
		if count[re] == nil {
			order = append(order, re)
		}
		count[re] = append(count[re], e)
		if len(count[re]) > 1 {
			continue // a copy changes nothing below; it is reported as a duplicate
		}
		switch e.typ {
		case messages.TypeStarted:
			if _, ok := created[ik]; !ok {
				created[ik], routes[ik], aboard[ik] = e.at, r, map[uint32]bool{}
				instances = append(instances, ik)
			}
			aboard[ik][e.character] = true
			peak[ik] = max(peak[ik], len(aboard[ik]))
		case messages.TypeCancelled:
			delete(aboard[ik], e.character)
			ends[k] = append(ends[k], e)
		case messages.TypeCompleted:
			ends[k] = append(ends[k], e)
		default:
			a.bad.add(Records, "ride event of an unknown type", "%s", e)
		}
	}
	for _, re := range order {
		if evs := count[re]; len(evs) > 1 {
			a.bad.add(Duplicates, "ride "+re.typ+" twice for one character and instance", "character %d instance %s: %d copies %s",
				re.character, re.instance, len(evs), stamps(evs))
		}
	}
	for _, ik := range instances {
		r := routes[ik]
		a.counts["ride instances"]++
		if p := peak[ik]; p > int(r.Capacity) {
			a.bad.add(Capacity, "ride instance over its route's capacity", "%s instance %s: %d riders aboard, capacity %d",
				r.Name, ik.instance, p, r.Capacity)
		}
	}
	for _, re := range order {
		if re.typ != messages.TypeStarted {
			continue
		}
		ik := instanceKey{re.tenant, re.instance}
		r := routes[ik]
		arrival := created[ik].Add(r.BoardingWindow + r.Travel)
		a.counts["rides started"]++
		switch end := ends[re.rideKey]; {
		case len(end) > 1:
			a.bad.add(Duplicates, "ride ended twice (COMPLETED and CANCELLED)", "character %d instance %s: %s", re.character, re.instance, end)
		case len(end) == 1 && end[0].typ == messages.TypeCompleted:
			late := end[0].at.Sub(arrival)
			a.maxLate("ride arrival", late)
			if late > a.o.MaxLateness {
				a.notes.add(Timers, "ride arrival fired late (after MaxLateness)", "%s character %d instance %s: due %s, COMPLETED %s",
					r.Name, re.character, re.instance, stamp(arrival), stamp(end[0].at))
			}
		case len(end) == 0 && a.due(arrival):
			a.bad.add(Timers, "ride arrival never fired (STARTED, neither COMPLETED nor CANCELLED)", "%s character %d instance %s: due %s",
				r.Name, re.character, re.instance, stamp(arrival))
		}
	}
}

func (a *auditor) instanceRoute(t tenant.Tenant, id uuid.UUID) (ride.Route, bool) {
	for _, r := range a.tenants[t].InstanceRoutes {
		if r.ID == id {
			return r, true
		}
	}
	return ride.Route{}, false
}
