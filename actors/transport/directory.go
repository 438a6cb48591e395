package transport

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
	"github.com/gamehost/transitquest/transport/route"
)

// riderEntry is one character's entry in the ride directory, stored under
// its rider key. A character has at most one: the route it rides or is
// claimed for. That is the one-ride-per-character invariant across
// replicas: every START, from any replica's ingress or REST, goes to the
// character's rider key, so one shard decides all of a character's claims
// in order, and a claim is recorded before the ride is asked.
type riderEntry struct {
	Route uuid.UUID `json:"routeId"`
	// Instance is the instance the ride confirmed (boarded); nil while
	// none is confirmed.
	Instance uuid.UUID `json:"instanceId"`
	// Claims are the STARTs forwarded to the ride and not answered yet,
	// by number; Seq numbers them. An answer settles its own claim once,
	// so a claim pending keeps the entry even when a previous ride of the
	// same route ends meanwhile.
	Claims []uint64 `json:"claims,omitempty"`
	Seq    uint64   `json:"seq"`
}

// AppendJSON appends the entry as encoding/json writes it (its changelog
// record is written at every START; see jsonbytes.Appender).
func (e riderEntry) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"routeId":`...)
	b = jsonbytes.AppendQuotedUUID(b, e.Route)
	b = append(b, `,"instanceId":`...)
	b = jsonbytes.AppendQuotedUUID(b, e.Instance)
	if len(e.Claims) > 0 { // omitempty
		b = append(b, `,"claims":`...)
		b = jsonbytes.AppendArray(b, e.Claims, func(b []byte, c uint64) []byte { return strconv.AppendUint(b, c, 10) })
	}
	b = append(b, `,"seq":`...)
	return append(strconv.AppendUint(b, e.Seq, 10), '}'), nil
}

// settled reports whether the entry no longer holds a ride or a claim.
func (e riderEntry) settled() bool { return e.Instance == uuid.Nil && len(e.Claims) == 0 }

// without is the entry with claim answered.
func (e riderEntry) without(claim uint64) riderEntry {
	e.Claims = slices.DeleteFunc(slices.Clone(e.Claims), func(c uint64) bool { return c == claim })
	return e
}

// waiter is a REST caller waiting for its START's answer.
type waiter struct {
	route uuid.UUID
	claim uint64
	reply chan<- error
}

// directory is the ride directory of one tenant's characters whose rider
// key hashes to one partition: a shard, run by that partition's owner. It
// claims rides (START), forwards a rider's exits and logouts to its ride,
// recovers logins, and keeps its entries in step with the rides' answers.
// Each change is written under the character's rider key in the
// transaction of the message that caused it.
//
// It is not an actors.Snapshotter: copying a shard's entries after every
// message would cost more than the rare restart. Instead every handler
// computes the new entry, emits, and only then stores it, so a panic
// (which can only come before or inside the emit) leaves the entry as it
// was and the retry starts clean.
type directory struct {
	env     actors.Env
	tenant  tenant.Tenant
	tc      *tenantConfig
	riders  map[uint32]riderEntry
	waiting map[uint32][]waiter
}

func newDirectory(env actors.Env, t tenant.Tenant, tc *tenantConfig, restored map[uint32]riderEntry) *directory {
	if restored == nil {
		restored = map[uint32]riderEntry{}
	}
	return &directory{env: env, tenant: t, tc: tc, riders: restored, waiting: map[uint32][]waiter{}}
}

// Start drops entries of instance routes the configuration no longer has,
// which would refuse their characters every other ride.
func (d *directory) Start(_ actor.Context) {
	var recs []messages.Record
	for c, e := range d.riders {
		if _, ok := d.tc.rides[e.Route]; ok {
			continue
		}
		d.env.Log.Warn("ride directory entry of an unconfigured instance route dropped",
			zap.Stringer("tenant", d.tenant), zap.Uint32("character", c), zap.Stringer("route", e.Route))
		if r, err := d.record(c, nil); err == nil {
			recs = append(recs, r)
		}
		delete(d.riders, c)
	}
	actors.EmitTimer(d.env, d.tenant, recs, nil)
}

// record is a character's directory record; nil is a tombstone.
func (d *directory) record(character uint32, e *riderEntry) (messages.Record, error) {
	var v any
	if e != nil {
		v = *e
	}
	return changelog.Record(messages.ChangelogTopicTransport, d.tenant, keyRider,
		strconv.FormatUint(uint64(character), 10), v)
}

// change is the record of the character's new entry (a tombstone once it
// is settled), then the entry to store once the records are emitted.
func (d *directory) change(character uint32, next riderEntry) (messages.Record, func(), error) {
	var rec messages.Record
	var err error
	store := func() { d.riders[character] = next }
	if next.settled() {
		rec, err = d.record(character, nil)
		store = func() { delete(d.riders, character) }
	} else {
		rec, err = d.record(character, &next)
	}
	return rec, store, err
}

// commit records the character's next entry with the input o, then keeps
// it; a change that cannot be recorded refuses the input (false).
func (d *directory) commit(o actors.Origin, character uint32, next riderEntry) bool {
	rec, store, err := d.change(character, next)
	if err != nil {
		o.Reject(d.env, err)
		return false
	}
	o.Emit(d.env, []messages.Record{rec})
	store()
	return true
}

func (d *directory) Handle(_ actor.Context, msg any) {
	switch m := msg.(type) {
	case dirStart:
		d.start(m)
	case dirMapExit:
		d.mapExit(m)
	case dirStatus:
		if m.ev.Type == messages.TypeLogin {
			d.login(m)
		} else {
			d.logout(m)
		}
	case dirBoarded:
		d.boarded(m)
	case dirRefused:
		d.refused(m)
	case dirEnded:
		d.ended(m)
	}
}

// start claims the ride for the character, unless it rides (or is claimed
// for) another route, and asks the ride actor to board it: claim and
// request commit together. A REST caller is answered when the ride does.
func (d *directory) start(m dirStart) {
	cur, riding := d.riders[m.character]
	if riding && cur.Route != m.route {
		m.o.Reject(d.env, messages.Reject(messages.ReasonConflict,
			"character %d already rides route %s", m.character, cur.Route))
		return
	}
	next := cur
	if !riding {
		next = riderEntry{Route: m.route}
	}
	next.Seq++
	next.Claims = append(slices.Clone(next.Claims), next.Seq)
	rec, store, err := d.change(m.character, next)
	if err != nil {
		m.o.Reject(d.env, err)
		return
	}
	ask := internal(rideKey(d.tenant, m.route), typeRideStart,
		rideStartBody{World: m.world, Character: m.character, Channel: m.channel, Claim: next.Seq})
	recs := []messages.Record{rec, ask} // the state record first: it ties a caller's batch to this partition
	if m.o.Reply == nil {
		m.o.Emit(d.env, recs)
		store()
		return
	}
	if err := d.env.Effects.Emit(d.tenant, m.o.Trace, recs, nil, nil); err != nil {
		m.o.Reply <- err
		return
	}
	store()
	d.waiting[m.character] = append(d.waiting[m.character], waiter{route: m.route, claim: next.Seq, reply: m.o.Reply})
}

// answer settles the REST callers waiting for a claim.
func (d *directory) answer(character uint32, route uuid.UUID, claim uint64, err error) {
	ws := d.waiting[character]
	kept := ws[:0]
	for _, w := range ws {
		if w.route == route && w.claim == claim {
			w.reply <- err
			continue
		}
		kept = append(kept, w)
	}
	if len(kept) == 0 {
		delete(d.waiting, character)
	} else {
		d.waiting[character] = kept
	}
}

// mapExit forwards an exit from an instance to the character's ride, which
// cancels the ride if it is the ride's instance. While a claim is pending
// the instance is not known here yet, so the ride decides.
func (d *directory) mapExit(m dirMapExit) {
	e, ok := d.riders[m.character]
	if !ok || (e.Instance != m.instance && len(e.Claims) == 0) {
		m.o.Emit(d.env, nil)
		return
	}
	m.o.Emit(d.env, []messages.Record{internal(rideKey(d.tenant, e.Route), typeRideExit,
		rideExitBody{World: m.world, Character: m.character, Instance: m.instance})})
}

// login warps a character that logs in on a transit map without a ride to
// the route's start map (crash recovery).
func (d *directory) login(m dirStatus) {
	ev := m.ev
	var recs []messages.Record
	if _, riding := d.riders[ev.CharacterID]; !riding {
		if r, ok := ride.LoginRecovery(d.tc.cfg.InstanceRoutes, ev.WorldID, ev.CharacterID, ev.Body.ChannelID, ev.Body.MapID); ok {
			recs = append(recs, r)
		}
	}
	m.o.Emit(d.env, recs)
}

// logout cancels the character's ride, if any, and moves a character who
// logs out in a scheduled route's staging or en-route map to its start map:
// both in the ride's transaction when it rides.
func (d *directory) logout(m dirStatus) {
	ev := m.ev
	var warp *messages.ChangeMapBody
	if r, ok := route.LogoutWarp(d.tc.cfg.Routes, ev.WorldID, ev.CharacterID, ev.Body.ChannelID, ev.Body.MapID); ok {
		if cmd, ok := r.Value.(messages.Command[messages.ChangeMapBody]); ok {
			warp = &cmd.Body
		}
	}
	e, riding := d.riders[ev.CharacterID]
	if riding {
		m.o.Emit(d.env, []messages.Record{internal(rideKey(d.tenant, e.Route), typeRideLogout,
			rideLogoutBody{World: ev.WorldID, Character: ev.CharacterID, Warp: warp})})
		return
	}
	var recs []messages.Record
	if warp != nil {
		recs = append(recs, messages.ChangeMap(ev.WorldID, ev.CharacterID, *warp))
	}
	m.o.Emit(d.env, recs)
}

// boarded records the instance the ride put the character in and settles
// the claim. The ride's word is the truth: it is recorded even without an
// entry. An answer from another route than the entry's cannot follow from
// the claims made here, and is logged.
func (d *directory) boarded(m dirBoarded) {
	b := m.body
	cur, ok := d.riders[m.character]
	next := riderEntry{Route: b.Route, Instance: b.Instance}
	if ok {
		if cur.Route != b.Route {
			d.env.Log.Error("a ride boarded a character the directory has on another route",
				zap.Stringer("tenant", d.tenant), zap.Uint32("character", m.character),
				zap.Stringer("route", b.Route), zap.Stringer("directory", cur.Route))
			m.o.Emit(d.env, nil)
			return
		}
		next = cur.without(b.Claim)
		next.Instance = b.Instance
	}
	if d.commit(m.o, m.character, next) {
		d.answer(m.character, b.Route, b.Claim, nil)
	}
}

// refused drops a claim the ride refused and dead-letters the answer with
// the ride's reason. The entry's change goes first in a batch of its own
// (a dead letter carries no state); answering twice (a read after a crash
// between the two) finds the claim gone and only dead-letters again.
func (d *directory) refused(m dirRefused) {
	b := m.body
	err := messages.Reject(b.Reason, "%s", b.Detail)
	if cur, ok := d.riders[m.character]; ok && cur.Route == b.Route && slices.Contains(cur.Claims, b.Claim) {
		rec, store, cerr := d.change(m.character, cur.without(b.Claim))
		if cerr != nil {
			m.o.Reject(d.env, cerr)
			return
		}
		actors.EmitTimer(d.env, d.tenant, []messages.Record{rec}, nil)
		store()
	}
	d.answer(m.character, b.Route, b.Claim, err)
	m.o.Reject(d.env, err)
}

// ended forgets the character's ride once the ride says it ended, unless
// the entry is already about a newer instance; a claim still pending keeps
// the entry (the character asked for the same route again).
func (d *directory) ended(m dirEnded) {
	b := m.body
	cur, ok := d.riders[m.character]
	if !ok || cur.Route != b.Route || cur.Instance != b.Instance {
		m.o.Emit(d.env, nil)
		return
	}
	next := cur
	next.Instance = uuid.Nil
	d.commit(m.o, m.character, next)
}

func (d *directory) GiveUp(_ actor.Context, msg any, cause any) {
	err := messages.Reject(messages.ReasonPanic, "%v", cause)
	switch m := msg.(type) {
	case dirStart:
		m.o.Reject(d.env, err)
	case dirMapExit:
		m.o.Reject(d.env, err)
	case dirStatus:
		m.o.Reject(d.env, err)
	case dirBoarded:
		m.o.Reject(d.env, err)
	case dirRefused:
		m.o.Reject(d.env, err)
	case dirEnded:
		m.o.Reject(d.env, err)
	}
}

// restoredRiders reads a tenant's directory entries, by character.
func restoredRiders(entries []changelog.Entry) (map[uint32]riderEntry, []error) {
	out := map[uint32]riderEntry{}
	var errs []error
	for _, e := range entries {
		c, err := parseCharacter(e.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("rider %q: %w", e.ID, err))
			continue
		}
		var r riderEntry
		if err := json.Unmarshal(e.State, &r); err != nil {
			errs = append(errs, fmt.Errorf("rider %q: %w", e.ID, err))
			continue
		}
		out[c] = r
	}
	return out, errs
}
