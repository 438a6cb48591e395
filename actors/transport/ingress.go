package transport

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
)

// Ingress: the contract topics are keyed by character (or by nothing), not
// by the actor that decides. Each handler here decodes a record, tells from
// the static configuration which actors it concerns, and forwards it to
// them on the internal topic, keyed by their identity, in the transaction
// that commits the record's offset (exactly once end to end). A record that
// concerns no actor (most map changes) is completed at once.
//
// A tenant without configuration has no routes and no rides: its records
// are completed without effects (a START is refused as unknown_target), and
// the tenant is remembered as seen by this replica (Known).

// HandleMapStatus forwards an EVENT_TOPIC_MAP_STATUS record to the routes
// whose presence maps include its map, and an exit from an instance to the
// character's rider key (it may leave a ride).
func (s *Subsystem) HandleMapStatus(in *kafka.Input) error {
	ev, err := messages.DecodeMapStatus(in.Value)
	if err != nil {
		return err
	}
	var recs []messages.Record
	if tc := s.config(in.Tenant); tc != nil {
		raw := json.RawMessage(in.Value)
		for _, id := range tc.byMap[ev.MapID] {
			recs = append(recs, internal(routeKey(in.Tenant, id), typeMapStatus, raw))
		}
		if ev.Type == messages.TypeCharacterExit && ev.Instance != uuid.Nil && len(tc.rides) > 0 {
			recs = append(recs, internal(riderKey(in.Tenant, ev.Body.CharacterID), typeMapStatus, raw))
		}
	}
	actors.FromInput(in).Emit(s.env, recs)
	return nil
}

// HandleCharacterStatus forwards a LOGIN or LOGOUT to the routes whose
// presence maps include the map it names, and to the character's rider key
// when it may matter there: a LOGIN on a transit map (login recovery), a
// LOGOUT while the tenant has rides (the character may ride) or in a map
// the scheduled-route logout warp empties.
func (s *Subsystem) HandleCharacterStatus(in *kafka.Input) error {
	ev, err := messages.DecodeCharacterStatus(in.Value)
	if err != nil {
		return err
	}
	var recs []messages.Record
	if tc := s.config(in.Tenant); tc != nil {
		raw := json.RawMessage(in.Value)
		for _, id := range tc.byMap[ev.Body.MapID] {
			recs = append(recs, internal(routeKey(in.Tenant, id), typeCharacterStatus, raw))
		}
		rider := tc.transit[ev.Body.MapID]
		if ev.Type == messages.TypeLogout {
			rider = len(tc.rides) > 0 || tc.logoutMaps[ev.Body.MapID]
		}
		if rider {
			recs = append(recs, internal(riderKey(in.Tenant, ev.CharacterID), typeCharacterStatus, raw))
		}
	}
	actors.FromInput(in).Emit(s.env, recs)
	return nil
}

// HandleChannelStatus forwards an EVENT_TOPIC_CHANNEL_STATUS record to every
// scheduled route of the tenant: each keeps its own copy of the channel
// registry, which its sweeps cover.
func (s *Subsystem) HandleChannelStatus(in *kafka.Input) error {
	if _, err := messages.DecodeChannelStatus(in.Value); err != nil {
		return err
	}
	var recs []messages.Record
	if tc := s.config(in.Tenant); tc != nil {
		raw := json.RawMessage(in.Value)
		for _, id := range tc.routeIDs {
			recs = append(recs, internal(routeKey(in.Tenant, id), typeChannelStatus, raw))
		}
	}
	actors.FromInput(in).Emit(s.env, recs)
	return nil
}

// HandleStartCommand forwards a COMMAND_TOPIC_INSTANCE_TRANSPORT START to
// the character's rider key, whose directory shard claims the ride (one
// per character) and hands it to the route's ride actor. A START for a
// route the tenant does not have is refused here.
func (s *Subsystem) HandleStartCommand(in *kafka.Input) error {
	cmd, err := messages.DecodeStartTransport(in.Value)
	if err != nil {
		return err
	}
	if !s.hasRide(s.config(in.Tenant), cmd.Body.RouteID) {
		return messages.Reject(messages.ReasonUnknownTarget, "instance route %s not found", cmd.Body.RouteID)
	}
	rec := internal(riderKey(in.Tenant, cmd.CharacterID), typeStart, json.RawMessage(in.Value))
	actors.FromInput(in).Emit(s.env, []messages.Record{rec})
	return nil
}

// hasRide reports whether the tenant configuration has the instance route.
func (s *Subsystem) hasRide(tc *tenantConfig, id uuid.UUID) bool {
	if tc == nil {
		return false
	}
	_, ok := tc.rides[id]
	return ok
}
