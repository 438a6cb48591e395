package loadgen

import (
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// RideTarget is an instance route a rider can take.
type RideTarget struct {
	Tenant   tenant.Tenant
	Route    uuid.UUID
	Boarding time.Duration
	Travel   time.Duration
}

type riderPhase uint8

const (
	riderIdle riderPhase = iota
	riderStarting
	riderRiding
)

type rider struct {
	phase    riderPhase
	target   int // index into the rider's tenant's targets
	instance uuid.UUID
	since    time.Time
}

// Riders is the instance-transport scenario: each rider STARTs a ride,
// waits for STARTED (the measured command) and then for the timer-driven
// COMPLETED (whose lateness is measured against the instance's arrival
// instant), and starts again on another route of its tenant.
type Riders struct {
	mu       sync.Mutex
	base     uint32
	tenants  []tenant.Tenant
	targets  map[tenant.Tenant][]RideTarget
	riders   []rider
	created  map[uuid.UUID]time.Time // instance → earliest STARTED stamp ≈ creation
	late     *Lateness
	timeout  time.Duration
	pacing   Pacing
	stopped  bool
	counters map[string]int
}

// NewRiders creates n riders with characters base, base+1, …, spread over
// the targets' tenants. timeout bounds the wait for COMPLETED past the ride's
// length.
func NewRiders(n int, base uint32, targets []RideTarget, late *Lateness, timeout time.Duration, pacing Pacing) *Riders {
	r := &Riders{base: base, pacing: pacing, targets: map[tenant.Tenant][]RideTarget{}, riders: make([]rider, n),
		created: map[uuid.UUID]time.Time{}, late: late, timeout: timeout, counters: map[string]int{}}
	for _, t := range targets {
		if _, ok := r.targets[t.Tenant]; !ok {
			r.tenants = append(r.tenants, t.Tenant)
		}
		r.targets[t.Tenant] = append(r.targets[t.Tenant], t)
	}
	for i := range r.riders {
		r.riders[i].target = i / max(1, len(r.tenants))
	}
	return r
}

// RidersName is the riders scenario's name in the report.
const RidersName = "riders"

// Name implements Scenario.
func (r *Riders) Name() string { return RidersName }

// Owns implements Scenario.
func (r *Riders) Owns(c uint32) bool { return c >= r.base && c < r.base+uint32(len(r.riders)) }

// Begin implements Scenario.
func (r *Riders) Begin(now time.Time) []Command {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.tenants) == 0 {
		return nil
	}
	out := make([]Command, 0, len(r.riders))
	for i := range r.riders {
		c := r.start(i, now)
		c.Delay = r.pacing.ramp(i, len(r.riders))
		out = append(out, c)
	}
	return out
}

func (r *Riders) start(i int, now time.Time) Command {
	t := tenantOf(r.tenants, i)
	ts := r.targets[t]
	rd := &r.riders[i]
	rd.phase, rd.instance, rd.since = riderStarting, uuid.Nil, now
	r.counters["rides started"]++
	return RideStart(t, r.base+uint32(i), ts[rd.target%len(ts)].Route)
}

func (r *Riders) target(i int) RideTarget {
	ts := r.targets[tenantOf(r.tenants, i)]
	return ts[r.riders[i].target%len(ts)]
}

// OnEffect implements Scenario.
func (r *Riders) OnEffect(e Effect) []Command {
	if e.Topic != messages.EventTopicInstanceTransport || !r.Owns(e.Character) {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	i := int(e.Character - r.base)
	rd := &r.riders[i]
	switch e.Type {
	case messages.TypeStarted:
		if first, ok := r.created[e.Instance]; !ok || e.Stamp.Before(first) {
			r.created[e.Instance] = e.Stamp
		}
		if rd.phase == riderStarting {
			rd.phase, rd.instance, rd.since = riderRiding, e.Instance, e.Seen
		}
	case messages.TypeCompleted:
		if rd.phase != riderRiding || rd.instance != e.Instance {
			return nil
		}
		if created, ok := r.created[e.Instance]; ok {
			tg := r.target(i)
			r.late.Add(LateRideArrival, e.Seen, e.Stamp.Sub(created.Add(tg.Boarding+tg.Travel)))
		}
		r.counters["rides completed"]++
		return r.next(i, e.Seen)
	case messages.TypeCancelled:
		r.counters["rides cancelled ("+e.Reason+")"]++
		return r.next(i, e.Seen)
	}
	return nil
}

// next moves rider i to its tenant's next route and starts again.
func (r *Riders) next(i int, now time.Time) []Command {
	rd := &r.riders[i]
	rd.phase, rd.instance = riderIdle, uuid.Nil
	rd.target++
	if r.stopped {
		return nil
	}
	c := r.start(i, now)
	c.Delay = r.pacing.think()
	return []Command{c}
}

// OnFailure implements Scenario.
func (r *Riders) OnFailure(c uint32, now time.Time) []Command {
	if !r.Owns(c) {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.next(int(c-r.base), now)
}

// Sweep implements Scenario.
func (r *Riders) Sweep(now time.Time) ([]Command, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Command
	n := 0
	for i := range r.riders {
		rd := &r.riders[i]
		if rd.phase != riderRiding {
			continue
		}
		tg := r.target(i)
		if now.Sub(rd.since) > tg.Boarding+tg.Travel+r.timeout {
			n++
			out = append(out, r.next(i, now)...)
		}
	}
	// Forget instances that must have arrived long ago.
	for id, at := range r.created {
		if now.Sub(at) > 10*r.timeout+time.Minute {
			delete(r.created, id)
		}
	}
	return out, n
}

// Stop implements Scenario.
func (r *Riders) Stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
}

// Counters implements Scenario.
func (r *Riders) Counters() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.counters))
	for k, v := range r.counters {
		out[k] = v
	}
	return out
}

// Live implements Scenario.
func (r *Riders) Live() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, rd := range r.riders {
		if rd.phase == riderRiding {
			n++
		}
	}
	return n
}
