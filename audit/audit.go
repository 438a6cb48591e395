package audit

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// skew is how far before its due instant an effect may be stamped: record
// timestamps are whole milliseconds, so a timer's record can read up to
// 1 ms early.
const skew = 50 * time.Millisecond

// auditor holds one run's state; every check is a method on it.
type auditor struct {
	in      Input
	o       Options
	tenants map[tenant.Tenant]config.Tenant
	bad     *findings // violations
	notes   *findings
	counts  map[string]int
	events  map[messages.Topic][]event
}

// Run checks everything it is given and reports.
func Run(in Input) Report {
	a := &auditor{in: in, o: in.Options.withDefaults(), tenants: map[tenant.Tenant]config.Tenant{},
		counts: map[string]int{}, events: map[messages.Topic][]event{}}
	a.bad, a.notes = newFindings(a.o.Examples), newFindings(a.o.Examples)
	for _, t := range in.Config.Tenants {
		a.tenants[t.Tenant] = t
	}
	a.decodeAll()
	a.routes()
	a.rides()
	a.quests()
	a.warps()
	a.commands()
	return Report{Window: in.Window, ReadAt: in.ReadAt.UTC().Format(time.RFC3339Nano), Counts: a.counts,
		Violations: a.bad.list(), Notes: a.notes.list()}
}

// decodeAll decodes every record in timestamp order (then topic,
// partition, offset, so the result never depends on the input's order).
func (a *auditor) decodeAll() {
	recs := make([]*Record, len(a.in.Records))
	for i := range a.in.Records {
		recs[i] = &a.in.Records[i]
	}
	slices.SortStableFunc(recs, func(x, y *Record) int {
		return cmp.Or(x.Timestamp.Compare(y.Timestamp), cmp.Compare(x.Topic, y.Topic),
			cmp.Compare(x.Partition, y.Partition), cmp.Compare(x.Offset, y.Offset))
	})
	for _, r := range recs {
		a.counts["records "+string(r.Topic)]++
		e, err := decode(r)
		if err != nil {
			a.bad.add(Records, "undecodable record", "%s/%d@%d: %v", r.Topic, r.Partition, r.Offset, err)
			continue
		}
		if r.Topic != messages.DeadLetterTopic {
			a.counts["records "+string(r.Topic)+" "+e.typ]++
		}
		a.events[r.Topic] = append(a.events[r.Topic], e)
	}
}

// starting reports whether t falls in a replica's start-up span.
func (a *auditor) starting(t time.Time) bool {
	_, ok := a.startOf(t)
	return ok
}

// startOf is the earliest-beginning start-up span containing t.
func (a *auditor) startOf(t time.Time) (Interval, bool) {
	var found Interval
	ok := false
	for _, s := range a.in.Starts {
		if s.Contains(t) && (!ok || s.From.Before(found.From)) {
			found, ok = s, true
		}
	}
	return found, ok
}

// due reports whether a deadline is old enough that its effect must be in
// the records read.
func (a *auditor) due(deadline time.Time) bool {
	return !deadline.Add(a.o.MaxLateness + a.o.Grace).After(a.in.ReadAt)
}

func (e event) String() string {
	return fmt.Sprintf("%s %s@%s/%d@%d", e.typ, stamp(e.at), e.topic, e.rec.Partition, e.rec.Offset)
}
