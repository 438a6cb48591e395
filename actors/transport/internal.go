package transport

import (
	"encoding/json"
	"fmt"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// internal is a message for the actor with identity key, on the internal
// topic. Bodies are raw JSON or plain structs of numbers, ids and strings,
// which always encode.
func internal(key []byte, typ string, body any) messages.Record {
	r, err := messages.Internal(messages.InternalTopicTransport, key, typ, body)
	if err != nil {
		panic(err)
	}
	return r
}

// HandleInternal delivers an internal-topic record to the local actor its
// key names: a route, a ride, or the directory shard holding a rider. The
// pipeline only hands over records of partitions this replica owns, whose
// actors it started on Assign; a key with no actor here (an unconfigured
// route, say) is rejected as unknown_target.
func (s *Subsystem) HandleInternal(in *kafka.Input) error {
	env, err := messages.DecodeEnvelope(in.Value)
	if err != nil {
		return err
	}
	kind, id, err := splitKey(in.Tenant, in.Key)
	if err != nil {
		return messages.Reject(messages.ReasonUnknownTarget, "%v", err)
	}
	o := actors.FromInput(in)
	var msg any
	to := in.Key
	switch kind {
	case keyRoute:
		msg, err = routeMessage(o, env)
	case keyRide:
		msg, err = rideMessage(o, env)
	case keyRider:
		var c uint32
		if c, err = parseCharacter(id); err == nil {
			msg, err = riderMessage(o, c, env)
			to = s.shardOf(in.Tenant, in.Key)
		}
	default:
		err = messages.Reject(messages.ReasonUnknownTarget, "no %s actors in transport", kind)
	}
	if err != nil {
		return err
	}
	if to == nil || !s.parts.Tell(to, msg) {
		return messages.Reject(messages.ReasonUnknownTarget, "no actor %s on this replica", in.Key)
	}
	return nil
}

func unknownType(env messages.Envelope, to string) error {
	return messages.Reject(messages.ReasonUnknownType, "%s to a %s", env.Type, to)
}

func badBody(env messages.Envelope, err error) error {
	return messages.Reject(messages.ReasonBadBody, "%s: %v", env.Type, err)
}

// routeMessage decodes what a route actor is sent: contract records about
// its presence and its channels.
func routeMessage(o actors.Origin, env messages.Envelope) (any, error) {
	switch env.Type {
	case typeMapStatus:
		ev, err := messages.DecodeMapStatus(env.Body)
		return routeMapStatus{o: o, ev: ev}, err
	case typeCharacterStatus:
		ev, err := messages.DecodeCharacterStatus(env.Body)
		return routeCharacterStatus{o: o, ev: ev}, err
	case typeChannelStatus:
		ev, err := messages.DecodeChannelStatus(env.Body)
		return routeChannelStatus{o: o, ev: ev}, err
	}
	return nil, unknownType(env, "route")
}

// rideMessage decodes what a ride actor is sent by the directory.
func rideMessage(o actors.Origin, env messages.Envelope) (any, error) {
	switch env.Type {
	case typeRideStart:
		var b rideStartBody
		if err := json.Unmarshal(env.Body, &b); err != nil {
			return nil, badBody(env, err)
		}
		return rideStart{o: o, body: b}, nil
	case typeRideExit:
		var b rideExitBody
		if err := json.Unmarshal(env.Body, &b); err != nil {
			return nil, badBody(env, err)
		}
		return rideExit{o: o, body: b}, nil
	case typeRideLogout:
		var b rideLogoutBody
		if err := json.Unmarshal(env.Body, &b); err != nil {
			return nil, badBody(env, err)
		}
		return rideLogout{o: o, body: b}, nil
	}
	return nil, unknownType(env, "ride")
}

// riderMessage decodes what a rider's directory shard is sent: contract
// records about the character and the rides' answers.
func riderMessage(o actors.Origin, c uint32, env messages.Envelope) (any, error) {
	switch env.Type {
	case typeStart:
		cmd, err := messages.DecodeStartTransport(env.Body)
		if err == nil && cmd.CharacterID != c {
			err = messages.Reject(messages.ReasonBadBody, "START of character %d sent to rider %d", cmd.CharacterID, c)
		}
		return dirStart{o: o, world: cmd.WorldID, character: c, channel: cmd.Body.ChannelID, route: cmd.Body.RouteID}, err
	case typeMapStatus:
		ev, err := messages.DecodeMapStatus(env.Body)
		if err == nil && ev.Type != messages.TypeCharacterExit {
			err = messages.Reject(messages.ReasonUnknownType, "%s to a rider", ev.Type) // ingress sends exits only
		}
		return dirMapExit{o: o, world: ev.WorldID, character: c, instance: ev.Instance}, err
	case typeCharacterStatus:
		ev, err := messages.DecodeCharacterStatus(env.Body)
		return dirStatus{o: o, ev: ev}, err
	case typeBoarded:
		var b boardedBody
		if err := json.Unmarshal(env.Body, &b); err != nil {
			return nil, badBody(env, err)
		}
		return dirBoarded{o: o, character: c, body: b}, nil
	case typeRefused:
		var b refusedBody
		if err := json.Unmarshal(env.Body, &b); err != nil {
			return nil, badBody(env, err)
		}
		return dirRefused{o: o, character: c, body: b}, nil
	case typeEnded:
		var b endedBody
		if err := json.Unmarshal(env.Body, &b); err != nil {
			return nil, badBody(env, err)
		}
		return dirEnded{o: o, character: c, body: b}, nil
	}
	return nil, unknownType(env, "rider")
}

// shardID is a directory shard: one per tenant and owned partition.
type shardID struct {
	tenant    tenant.Tenant
	partition int32
}

// shardKey is the actor key of the directory shard of tenant t and
// partition p: the first of Key(t, "riders", "p.i") for i = 0, 1, ... that
// hashes to p. actors.Partitions places an actor by the hash of its key
// alone, so the shard's name is chosen to land on the partition whose
// riders it holds (about count tries, once per shard: cached).
func (s *Subsystem) shardKey(t tenant.Tenant, p, count int32) []byte {
	id := shardID{t, p}
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.shards[id]; ok {
		return k
	}
	for i := 0; ; i++ {
		k := []byte(fmt.Sprintf("%s|%s|%d.%d", t.Key(), keyShard, p, i))
		if kafka.PartitionFor(k, count) == p {
			s.shards[id] = k
			return k
		}
	}
}

// shardOf is the key of the directory shard holding the rider key, or nil
// when another replica runs it.
func (s *Subsystem) shardOf(t tenant.Tenant, rider []byte) []byte {
	p, owned := s.parts.Of(rider)
	if !owned {
		return nil
	}
	return s.shardKey(t, p, s.parts.Count())
}
