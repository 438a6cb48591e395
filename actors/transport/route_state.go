package transport

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/presence"
	"github.com/gamehost/transitquest/transport/route"
)

// routeState is a scheduled route's state record (key Key(t, "route", id)):
// how far it has walked its timetable, and its channel registry. It is
// written with the effects of every transition and with channel changes.
type routeState struct {
	Position route.Position     `json:"position"`
	Channels []presence.Channel `json:"channels"`
}

// routeRestored is what a route's partition restore found for it. Either
// part may be missing: presence records are written as characters move,
// the state record only once something was announced.
type routeRestored struct {
	state    *routeState
	presence []presence.CharacterState
}

func (r *routeRestored) channels() []presence.Channel {
	if r.state == nil {
		return nil
	}
	return r.state.Channels
}

func routeStateRecord(t tenant.Tenant, id uuid.UUID, st routeState) (messages.Record, error) {
	return changelog.Record(messages.ChangelogTopicTransport, t, keyRoute, id.String(), st)
}

// presenceRecord is one character's presence in a route's maps, stored on
// the route's partition (Owner): one small record per event rather than the
// route's whole presence. A nil location is a tombstone.
func presenceRecord(t tenant.Tenant, id uuid.UUID, character uint32, at *presence.Location) (messages.Record, error) {
	var v any
	if at != nil {
		v = *at
	}
	r, err := changelog.Record(messages.ChangelogTopicTransport, t, keyPresence,
		id.String()+"/"+strconv.FormatUint(uint64(character), 10), v)
	r.Owner = routeKey(t, id)
	return r, err
}

// restoredRoutes groups a tenant's route state and presence records by
// route.
func restoredRoutes(states, presences []changelog.Entry) (map[uuid.UUID]*routeRestored, []error) {
	out := map[uuid.UUID]*routeRestored{}
	var errs []error
	get := func(id uuid.UUID) *routeRestored {
		r, ok := out[id]
		if !ok {
			r = &routeRestored{}
			out[id] = r
		}
		return r
	}
	for _, e := range states {
		id, err := uuid.Parse(e.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("route state %q: bad id", e.ID))
			continue
		}
		var st routeState
		if err := json.Unmarshal(e.State, &st); err != nil {
			errs = append(errs, fmt.Errorf("route state %q: %w", e.ID, err))
			continue
		}
		get(id).state = &st
	}
	for _, e := range presences {
		routePart, charPart, ok := strings.Cut(e.ID, "/")
		id, err := uuid.Parse(routePart)
		c, cerr := parseCharacter(charPart)
		if !ok || err != nil || cerr != nil {
			errs = append(errs, fmt.Errorf("route presence %q: bad id", e.ID))
			continue
		}
		var at presence.Location
		if err := json.Unmarshal(e.State, &at); err != nil {
			errs = append(errs, fmt.Errorf("route presence %q: %w", e.ID, err))
			continue
		}
		r := get(id)
		r.presence = append(r.presence, presence.CharacterState{CharacterID: c, Location: at})
	}
	return out, errs
}
