package quest

import (
	"encoding/json"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// Actor identities: the key of every internal record, and of every actor
// in Partitions. The registrar is one per tenant; an instance's identity
// is also the key of its state record in the changelog.
func registrarKey(t tenant.Tenant) []byte { return changelog.Key(t, registrarKind, "") }

func instanceKey(t tenant.Tenant, id uuid.UUID) []byte {
	return changelog.Key(t, changelogKind, id.String())
}

// Internal message types (messages.Envelope.Type).
const (
	// msgCommand is a COMMAND_TOPIC_PARTY_QUEST record forwarded by the
	// ingress, its bytes unchanged: to the registrar (REGISTER) or to the
	// instance it names.
	msgCommand = "command"
	// Registrar → instance.
	msgCreate = "create"
	msgJoin   = "join"
	// Instance → registrar.
	msgStarted     = "started"
	msgEnded       = "ended"
	msgUnjoin      = "unjoin"
	msgJoinRefused = "joinRefused"
)

// Bodies of the internal messages. Those that act on behalf of a REGISTER
// carry it (Command), so that when one is refused the dead letter holds the
// command the game server sent, whichever hop refused it.
type (
	createBody struct {
		ID           uuid.UUID               `json:"id"`
		Definition   json.RawMessage         `json:"definition"`
		Registration partyquest.Registration `json:"registration"`
		Command      json.RawMessage         `json:"command,omitempty"`
	}
	// createWire is a createBody as read: the definition stays raw until
	// the interning table (definitions) has decoded it once.
	createWire struct {
		ID           uuid.UUID               `json:"id"`
		Definition   json.RawMessage         `json:"definition"`
		Registration partyquest.Registration `json:"registration"`
		Command      json.RawMessage         `json:"command,omitempty"`
	}
	joinBody struct {
		Request registerWire    `json:"request"`
		Attempt int             `json:"attempt"`
		Command json.RawMessage `json:"command,omitempty"`
	}
	reportBody struct {
		ID        uuid.UUID `json:"id"`
		Character uint32    `json:"character,omitempty"` // unjoin
	}
	joinRefusedBody struct {
		ID      uuid.UUID       `json:"id"`
		Request registerWire    `json:"request"`
		Attempt int             `json:"attempt"`
		Reason  messages.Reason `json:"reason"`
		Detail  string          `json:"detail"`
		Command json.RawMessage `json:"command,omitempty"`
	}
	// registerWire is a RegisterRequest without its definition, which the
	// registrar looks up again by questId (its catalog is the same on every
	// replica). Members keeps nil (no parties service) apart from empty.
	registerWire struct {
		QuestID    string                 `json:"questId"`
		Sender     partyquest.Character   `json:"sender"`
		PartyID    uint32                 `json:"partyId"`
		MapID      uint32                 `json:"mapId"`
		Members    []partyquest.Character `json:"members"`
		AffinityID uint32                 `json:"affinityId"`
	}
)

func wireOf(req partyquest.RegisterRequest) registerWire {
	return registerWire{QuestID: req.Definition.QuestID, Sender: req.Sender, PartyID: req.PartyID,
		MapID: req.MapID, Members: req.Members, AffinityID: req.AffinityID}
}

// request rebuilds a RegisterRequest; its Definition is left to the
// registrar.
func (w registerWire) request() partyquest.RegisterRequest {
	return partyquest.RegisterRequest{Definition: definition.Definition{QuestID: w.QuestID}, Sender: w.Sender,
		PartyID: w.PartyID, MapID: w.MapID, Members: w.Members, AffinityID: w.AffinityID}
}

// internal builds a record for the actor with identity key. The bodies
// above always encode, so an error here is a bug: it is logged and the
// record left out (the receiving side then never hears of it).
func internal(log *zap.Logger, key []byte, typ string, body any) []messages.Record {
	r, err := messages.Internal(messages.InternalTopicPartyQuest, key, typ, body)
	if err != nil {
		log.Error("party-quest internal message not encoded", zap.String("type", typ), zap.Error(err))
		return nil
	}
	return []messages.Record{r}
}

// originalCommand is the command an origin carries on behalf of a
// REGISTER: the bytes its dead letter would hold.
func originalCommand(o actors.Origin) json.RawMessage {
	if o.In == nil {
		return nil
	}
	return json.RawMessage(o.In.Value)
}

// HandleInternal delivers an INTERNAL_TOPIC_PARTY_QUEST record to the
// actor its key names, which this replica runs because it owns the
// record's partition. A command for an instance that is not live here
// (ended, or never created) is refused with ReasonUnknownTarget; a join for
// one goes back to the registrar as refused, which decides again; a
// create for an instance that already runs is a duplicate and is ignored.
//
// A message that acts on behalf of a contract command has its input's
// value replaced by that command before anything can refuse it, so a
// dead letter holds what the game server sent (its dlq.* headers name the
// internal record, its key is the actor's identity).
func (s *Subsystem) HandleInternal(in *kafka.Input) error {
	env, err := messages.DecodeEnvelope(in.Value)
	if err != nil {
		return err
	}
	t := in.Tenant
	switch env.Type {
	case msgCommand:
		in.Value = env.Body
		cmd, err := messages.DecodePartyQuestCommand(env.Body)
		if err != nil {
			return err
		}
		o := actors.FromInput(in)
		if cmd.Type == messages.TypeRegister {
			return s.toRegistrar(t, command{o: o, cmd: cmd})
		}
		if !s.parts.Tell(in.Key, command{o: o, cmd: cmd}) {
			return messages.Reject(messages.ReasonUnknownTarget, "%s: instance %s is not live", cmd.Type, cmd.InstanceID())
		}
		return nil
	case msgCreate:
		var b createWire
		if err := decodeBody(env, &b); err != nil {
			return err
		}
		if len(b.Command) > 0 {
			in.Value = b.Command
		}
		def, err := s.defs.decode(b.Definition)
		if err != nil {
			return messages.Reject(messages.ReasonBadBody, "internal %s: definition: %v", env.Type, err)
		}
		return s.create(in, b.ID, def, b.Registration)
	case msgJoin:
		var b joinBody
		if err := decodeBody(env, &b); err != nil {
			return err
		}
		if len(b.Command) > 0 {
			in.Value = b.Command
		}
		o := actors.FromInput(in)
		if !s.parts.Tell(in.Key, join{o: o, req: b.Request.request(), attempt: b.Attempt}) {
			// Ended before the join reached it: as if it refused the join.
			id, _ := instanceIDOf(in.Key)
			o.Emit(s.env, s.refusedJoin(t, id, b, messages.Reject(messages.ReasonWrongState, "instance %s is not live", id)))
		}
		return nil
	case msgStarted, msgEnded, msgUnjoin:
		var b reportBody
		if err := decodeBody(env, &b); err != nil {
			return err
		}
		o := actors.FromInput(in)
		switch env.Type {
		case msgStarted:
			return s.toRegistrar(t, started{o: o, id: b.ID})
		case msgEnded:
			return s.toRegistrar(t, ended{o: o, id: b.ID})
		default:
			return s.toRegistrar(t, unjoin{o: o, id: b.ID, character: b.Character})
		}
	case msgJoinRefused:
		var b joinRefusedBody
		if err := decodeBody(env, &b); err != nil {
			return err
		}
		if len(b.Command) > 0 {
			in.Value = b.Command
		}
		return s.toRegistrar(t, joinRefused{o: actors.FromInput(in), id: b.ID, req: b.Request.request(),
			attempt: b.Attempt, err: messages.Reject(b.Reason, "%s", b.Detail)})
	}
	return messages.Reject(messages.ReasonUnknownType, "internal message %q", env.Type)
}

func decodeBody(env messages.Envelope, v any) error {
	if err := json.Unmarshal(env.Body, v); err != nil {
		return messages.Reject(messages.ReasonBadBody, "internal %s: %v", env.Type, err)
	}
	return nil
}

// refusedJoin is the report of a join an instance did not apply.
func (s *Subsystem) refusedJoin(t tenant.Tenant, id uuid.UUID, b joinBody, err *messages.Rejection) []messages.Record {
	return internal(s.env.Log, registrarKey(t), msgJoinRefused, joinRefusedBody{ID: id, Request: b.Request,
		Attempt: b.Attempt, Reason: err.Reason, Detail: err.Detail, Command: b.Command})
}

// toRegistrar hands msg to the tenant's registrar, starting it (with an
// empty index: had it entries, Assign would have started it) when this
// replica owns its partition and it is not running yet.
func (s *Subsystem) toRegistrar(t tenant.Tenant, msg any) error {
	key, err := s.registrar(t, nil)
	if err == nil && !s.parts.Tell(key, msg) {
		err = actors.ErrNotFound // revoked meanwhile
	}
	if err != nil {
		return messages.Reject(messages.ReasonUnknownTarget, "party-quest registrar of %s: %v", t, err)
	}
	return nil
}

// create starts the instance actor a registrar decided, unless it runs
// already (a duplicate create: ignored, its input completed).
func (s *Subsystem) create(in *kafka.Input, id uuid.UUID, def *interned, reg partyquest.Registration) error {
	o := actors.FromInput(in)
	if s.parts.Has(in.Key) {
		s.env.Log.Warn("duplicate party-quest create ignored", zap.Stringer("instance", id))
		o.Emit(s.env, nil)
		return nil
	}
	err := s.spawnInstance(in.Tenant, id, nil)
	if err == nil && !s.parts.Tell(in.Key, create{o: o, def: def, reg: reg}) {
		err = actors.ErrNotFound // revoked meanwhile
	}
	if err != nil {
		return messages.Reject(messages.ReasonUnknownTarget, "create instance %s: %v", id, err)
	}
	return nil
}

// instanceIDOf reads the instance id back from an instance key.
func instanceIDOf(key []byte) (uuid.UUID, error) {
	k := string(key)
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == '|' {
			return uuid.Parse(k[i+1:])
		}
	}
	return uuid.Nil, messages.Reject(messages.ReasonBadBody, "not an instance key: %q", k)
}
