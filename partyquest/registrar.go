package partyquest

import (
	"fmt"
	"slices"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
)

// RegisterRequest is one REGISTER together with what the actor resolved
// before asking the registrar (parties and guilds services).
type RegisterRequest struct {
	Definition definition.Definition
	// Sender is the REGISTER sender: envelope world and character id, body
	// channel (0 = unspecified), level when known.
	Sender  Character
	PartyID uint32 // body partyId (0 = none)
	MapID   uint32 // body mapId (checked on the individual path)
	// Members are the party's members from the parties service (party path
	// with a partyId). Nil means no parties service: members join with their
	// own REGISTER while the instance is registering.
	Members []Character
	// AffinityID is the sender's guild or party id resolved for an individual
	// definition with guild/party affinity; 0 for affinity none.
	AffinityID uint32
}

// DecisionKind says what to do with a REGISTER.
type DecisionKind uint8

// Decision kinds.
const (
	DecisionReject DecisionKind = iota // refuse: see Decision.Rejection
	DecisionCreate                     // New(InstanceID, def, Registration, ...)
	DecisionJoin                       // instance InstanceID: Machine.Join(Character)
)

// Decision is the registrar's answer to a REGISTER. Create and Join are
// already recorded in the registrar's index when returned.
type Decision struct {
	Kind         DecisionKind
	InstanceID   uuid.UUID
	Registration Registration        // DecisionCreate
	Character    Character           // DecisionJoin
	Rejection    *messages.Rejection // DecisionReject
}

// Registrar holds one tenant's index of live instances and applies the rules
// that span instances: a character is in at most one live instance, the
// channel field lock, and which registering instance a REGISTER joins. It is
// pure and single-goroutine: one actor per tenant owns it. Instances report
// back through Started, Unjoin and Ended.
type Registrar struct {
	rnd         Random
	seq         uint64
	instances   map[uuid.UUID]*liveInstance
	registering map[uuid.UUID]*liveInstance // join candidates
	byCharacter map[uint32]uuid.UUID
	locks       map[lockKey]uuid.UUID
}

type liveInstance struct {
	id          uuid.UUID
	questID     string
	world       byte
	channel     byte
	partyID     uint32
	affinityID  uint32
	individual  bool
	seq         uint64 // creation order: the join search takes the oldest
	characters  []uint32
	locked      bool
	lock        lockKey
	registering bool
}

// lockKey is the channel field lock's scope within a tenant.
type lockKey struct {
	world, channel byte
	questID        string
}

// NewRegistrar returns an empty registrar; rnd supplies new instance ids.
func NewRegistrar(rnd Random) *Registrar {
	if rnd == nil {
		rnd = NewRandom()
	}
	return &Registrar{
		rnd:         rnd,
		instances:   map[uuid.UUID]*liveInstance{},
		registering: map[uuid.UUID]*liveInstance{},
		byCharacter: map[uint32]uuid.UUID{},
		locks:       map[lockKey]uuid.UUID{},
	}
}

// Len is the number of live instances.
func (r *Registrar) Len() int { return len(r.instances) }

// InstanceOf returns the live instance a character is in.
func (r *Registrar) InstanceOf(characterID uint32) (uuid.UUID, bool) {
	id, ok := r.byCharacter[characterID]
	return id, ok
}

// Started records that an instance left registering: it no longer takes joins.
func (r *Registrar) Started(id uuid.UUID) {
	if li, ok := r.instances[id]; ok {
		li.registering = false
		delete(r.registering, id)
	}
}

// Unjoin undoes a DecisionJoin that the instance refused (it had already
// started), so the character is free again.
func (r *Registrar) Unjoin(id uuid.UUID, characterID uint32) {
	li, ok := r.instances[id]
	if !ok || r.byCharacter[characterID] != id {
		return
	}
	delete(r.byCharacter, characterID)
	li.characters = slices.DeleteFunc(li.characters, func(c uint32) bool { return c == characterID })
}

// Ended releases a destroyed instance: its characters and its field lock.
func (r *Registrar) Ended(id uuid.UUID) {
	li, ok := r.instances[id]
	if !ok {
		return
	}
	for _, c := range li.characters {
		if r.byCharacter[c] == id {
			delete(r.byCharacter, c)
		}
	}
	if li.locked && r.locks[li.lock] == id {
		delete(r.locks, li.lock)
	}
	delete(r.instances, id)
	delete(r.registering, id)
}

// Track re-indexes a live instance restored from its saved State (after a
// crash or a partition move). Characters or a lock already held by another
// instance stay with it and are reported; the instance is tracked anyway,
// because it is live whatever the index says.
func (r *Registrar) Track(s State) error {
	if s.Destroyed {
		return nil
	}
	def := s.Definition
	li := &liveInstance{
		id: s.ID, questID: s.QuestID, world: s.WorldID, channel: s.ChannelID,
		partyID: s.PartyID, affinityID: s.AffinityID, individual: def.Individual(),
		registering: s.State == StateRegistering,
	}
	var conflicts []string
	for _, c := range s.Characters {
		if other, taken := r.byCharacter[c.ID]; taken && other != s.ID {
			conflicts = append(conflicts, fmt.Sprintf("character %d is in %s", c.ID, other))
			continue
		}
		r.byCharacter[c.ID] = s.ID
		li.characters = append(li.characters, c.ID)
	}
	if def.ChannelLocked() {
		key := lockKey{world: s.WorldID, channel: s.ChannelID, questID: s.QuestID}
		if other, held := r.locks[key]; held && other != s.ID {
			conflicts = append(conflicts, fmt.Sprintf("field lock %v is held by %s", key, other))
		} else {
			r.locks[key], li.locked, li.lock = s.ID, true, key
		}
	}
	r.add(li)
	if len(conflicts) > 0 {
		return fmt.Errorf("track %s: %v", s.ID, conflicts)
	}
	return nil
}

func (r *Registrar) add(li *liveInstance) {
	r.seq++
	li.seq = r.seq
	r.instances[li.id] = li
	if li.registering {
		r.registering[li.id] = li
	} else {
		delete(r.registering, li.id)
	}
}

func reject(reason messages.Reason, format string, a ...any) Decision {
	return Decision{Kind: DecisionReject, Rejection: messages.Reject(reason, format, a...)}
}
