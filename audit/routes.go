package audit

import (
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
)

type routeKey struct {
	tenant tenant.Tenant
	route  uuid.UUID
}

// timetable is one route's due status instants, ascending.
type timetable struct {
	name    string
	tt      *schedule.Timetable
	docks   []time.Time // the vessel docks: ARRIVED
	departs []time.Time // a trip departs: DEPARTED
}

// instantKey names one scheduled status instant of a route.
type instantKey struct {
	routeKey
	typ string
	at  int64 // UnixNano
}

// announcement is one scheduled instant's status records.
type announcement struct {
	key      routeKey
	typ      string
	at       time.Time
	plain    []event // stamped outside any replica start-up
	starting []event // stamped while a replica was starting
}

// routes checks EVENT_TOPIC_TRANSPORT_STATUS against the timetables:
// each scheduled DEPARTED and ARRIVED once, none unscheduled.
//
// Identity: (tenant, route, type, scheduled instant). The record carries
// no instant, so it is the latest scheduled instant of that type at or
// before the record's timestamp, at most MaxLateness before it. DEPARTED
// instants are the timetable's Departed transitions; ARRIVED instants are
// the transitions that make the vessel docked (From not docked, To docked:
// a BoardingOpened, or an Arrived uncovering an overlapping trip), as
// transport/route announces them.
func (a *auditor) routes() {
	evs := a.events[messages.EventTopicTransportStatus]
	from, to := a.in.Window.From, a.in.Window.To
	for _, e := range evs {
		from, to = minTime(from, e.at), maxTime(to, e.at)
	}
	tables := a.timetables(from.Add(-a.o.MaxLateness-time.Minute), to.Add(time.Second))
	byInstant := map[instantKey]*announcement{}
	var order []*announcement
	for _, e := range evs {
		k := routeKey{e.tenant, e.route}
		t, ok := tables[k]
		if !ok {
			a.bad.add(Records, "route status of an unknown tenant or route", "route %s tenant %s: %s", e.route, e.tenant.ID, e)
			continue
		}
		var instants []time.Time
		switch e.typ {
		case messages.TypeDeparted:
			instants = t.departs
		case messages.TypeArrived:
			instants = t.docks
		default:
			a.bad.add(Records, "route status of an unknown type", "%s %s", t.name, e)
			continue
		}
		at, ok, late := a.scheduled(t, e, instants, byInstant)
		if !ok {
			a.bad.add(Timers, e.typ+" at no scheduled instant",
				"%s %s: latest scheduled %s is %s before (MaxLateness %s)", t.name, e, stamp(at), late.Round(time.Millisecond), a.o.MaxLateness)
			continue
		}
		start := a.starting(e.at)
		if !start {
			a.maxLate("route "+e.typ, late)
		}
		id := instantKey{k, e.typ, at.UnixNano()}
		an := byInstant[id]
		if an == nil {
			if start && late > a.o.MaxLateness {
				a.notes.add(Timers, "route status caught up late by a starting replica", "%s %s for %s, %s late",
					t.name, e, stamp(at), late.Round(time.Millisecond))
			}
			an = &announcement{key: k, typ: e.typ, at: at}
			byInstant[id] = an
			order = append(order, an)
		}
		if start && e.typ == messages.TypeArrived {
			an.starting = append(an.starting, e)
		} else {
			an.plain = append(an.plain, e)
		}
	}
	for _, an := range order {
		name := tables[an.key].name
		if n := len(an.plain); n > 1 {
			a.bad.add(Duplicates, an.typ+" twice for one scheduled instant", "%s %s due %s: %d copies %s",
				name, an.key.tenant.ID, stamp(an.at), n, stamps(an.plain))
		}
		if n := len(an.plain) + len(an.starting); len(an.starting) > 0 && n > 1 {
			a.notes.add(Timers, "ARRIVED again from a starting replica (start-up announcement)", "%s due %s: %d copies, %s while starting",
				name, stamp(an.at), n, stamps(an.starting))
		}
	}
	a.missingRoutes(tables, byInstant)
}

// scheduled is the instant a status record announces. Outside a replica's
// start-up it is the latest instant at or before the record, at most
// MaxLateness before it. A starting replica catches up every transition
// that fell due while it was down, all stamped at once, so inside a
// start-up span (from the kill) the record takes the earliest instant
// since the span began (less MaxLateness) that nothing announced yet, else
// the latest of them; an ARRIVED with none is the start-up announcement of
// the docking in progress, if the vessel was docked at some moment of the
// span before the record. ok is false for a
// record no instant explains; late is then how far the latest instant is.
func (a *auditor) scheduled(t *timetable, e event, instants []time.Time, announced map[instantKey]*announcement) (at time.Time, ok bool, late time.Duration) {
	latest, found := latestAtOrBefore(instants, e.at.Add(skew))
	late = e.at.Sub(latest)
	span, starting := a.startOf(e.at)
	if !starting {
		return latest, found && late <= a.o.MaxLateness, late
	}
	lo := span.From.Add(-a.o.MaxLateness)
	i := sort.Search(len(instants), func(i int) bool { return !instants[i].Before(lo) })
	for _, c := range instants[i:] {
		if c.After(e.at.Add(skew)) {
			break
		}
		if announced[instantKey{routeKey{e.tenant, e.route}, e.typ, c.UnixNano()}] == nil {
			return c, true, e.at.Sub(c)
		}
		at, ok = c, true
	}
	if ok {
		return at, true, e.at.Sub(at)
	}
	// The vessel docked at latest: if it was still docked when the span
	// began, this is the start-up announcement of that docking, however
	// late the starting replica's first transaction stamped it.
	if e.typ == messages.TypeArrived && found && a.docked(t, e.route, maxTime(latest, span.From)) {
		return latest, true, late
	}
	return latest, false, late
}

// missingRoutes reports every instant due in the window (Grace off both
// ends, and old enough to have been read) that no record announced.
func (a *auditor) missingRoutes(tables map[routeKey]*timetable, seen map[instantKey]*announcement) {
	lo, hi := a.in.Window.From.Add(a.o.Grace), a.in.Window.To.Add(-a.o.Grace)
	keys := make([]routeKey, 0, len(tables))
	for k := range tables {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return tables[keys[i]].name+keys[i].tenant.ID.String() < tables[keys[j]].name+keys[j].tenant.ID.String()
	})
	for _, k := range keys {
		t := tables[k]
		for _, c := range []struct {
			typ      string
			instants []time.Time
		}{{messages.TypeDeparted, t.departs}, {messages.TypeArrived, t.docks}} {
			for _, at := range c.instants {
				if at.Before(lo) || at.After(hi) || !a.due(at) {
					continue
				}
				a.counts["route "+c.typ+" due in window"]++
				if _, ok := seen[instantKey{k, c.typ, at.UnixNano()}]; ok {
					continue
				}
				a.bad.add(Timers, "scheduled "+c.typ+" never announced", "%s tenant %s due %s", t.name, k.tenant.ID, stamp(at))
			}
		}
	}
}

// timetables computes every configured route's status instants in [from, to].
func (a *auditor) timetables(from, to time.Time) map[routeKey]*timetable {
	out := map[routeKey]*timetable{}
	for _, ct := range a.in.Config.Tenants {
		tt, _ := schedule.NewTimetable(ct.Routes, ct.Vessels)
		for _, id := range tt.RouteIDs() {
			r, _ := tt.Route(id)
			t := &timetable{name: r.Name, tt: tt}
			out[routeKey{ct.Tenant, id}] = t
			tr, ok := tt.NextTransition(id, from)
			for ; ok && !tr.At.After(to); tr, ok = tt.NextAfter(tr) {
				if tr.Kind == schedule.Departed {
					t.departs = append(t.departs, tr.At)
				}
				// Transitions at one instant share From and To: one docking each.
				if !tr.From.Docked() && tr.To.Docked() && (len(t.docks) == 0 || !t.docks[len(t.docks)-1].Equal(tr.At)) {
					t.docks = append(t.docks, tr.At)
				}
			}
		}
	}
	return out
}

// docked reports whether the route's vessel is docked at `at`.
func (a *auditor) docked(t *timetable, route uuid.UUID, at time.Time) bool {
	s, _ := t.tt.StateAt(route, at)
	return s.Docked()
}

// maxLate records the largest lateness seen of a kind, in milliseconds.
func (a *auditor) maxLate(kind string, d time.Duration) {
	k := kind + " lateness max ms"
	if ms := int(d.Milliseconds()); ms > a.counts[k] {
		a.counts[k] = ms
	}
}

// latestAtOrBefore is the last instant of sorted ts not after t.
func latestAtOrBefore(ts []time.Time, t time.Time) (time.Time, bool) {
	i := sort.Search(len(ts), func(i int) bool { return ts[i].After(t) })
	if i == 0 {
		return time.Time{}, false
	}
	return ts[i-1], true
}

func stamps(evs []event) string {
	s := make([]string, 0, len(evs))
	for _, e := range evs {
		s = append(s, stamp(e.at))
	}
	return fmt.Sprint(s)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
