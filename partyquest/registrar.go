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
	rnd       Random
	seq       uint64
	instances map[uuid.UUID]*liveInstance
	// joinable holds the registering instances (the join candidates) by
	// the scope a REGISTER searches, so a join looks at its own party or
	// quest, never at every registering instance of the tenant. Each
	// scope's are a list, oldest first (see liveInstance.nextJoin): a
	// party's scope holds one instance, and a map per party cost about
	// 250 bytes where the links cost 16.
	joinable    map[joinScope]*liveInstance
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
	// prevJoin and nextJoin link the registering instances of one join
	// scope in creation order (seq). The oldest's prevJoin is the
	// youngest, so an instance is appended at once; prevJoin is nil when
	// the instance is not in the list.
	prevJoin, nextJoin *liveInstance
}

// joinScope is what a REGISTER's join search fixes: the quest, the world,
// individual or party, and the party (0 for individual quests, whose search
// then filters on channel and affinity).
type joinScope struct {
	questID    string
	world      byte
	individual bool
	partyID    uint32
}

func (li *liveInstance) scope() joinScope {
	s := joinScope{questID: li.questID, world: li.world, individual: li.individual}
	if !li.individual {
		s.partyID = li.partyID
	}
	return s
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
		joinable:    map[joinScope]*liveInstance{},
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
		r.unjoinable(li)
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
	r.unjoinable(li)
}

// Tracked is the registrar's record of one live instance: what its rules
// need to know of it, and nothing else. The actor persists one per live
// instance (its changelog entry), written with the decision that changed
// it, so a registrar restored on another replica decides exactly as the
// one before it would have.
type Tracked struct {
	ID         uuid.UUID `json:"id"`
	QuestID    string    `json:"questId"`
	WorldID    byte      `json:"worldId"`
	ChannelID  byte      `json:"channelId"`
	PartyID    uint32    `json:"partyId"`
	AffinityID uint32    `json:"affinityId"`
	Individual bool      `json:"individual"`
	Characters []uint32  `json:"characters"`
	// Locked: the instance holds the field lock of (world, channel, quest).
	Locked      bool `json:"locked"`
	Registering bool `json:"registering"`
	// Seq is the creation order, which the join search prefers the oldest by.
	Seq uint64 `json:"seq"`
}

// Tracked returns the record of a live instance.
func (r *Registrar) Tracked(id uuid.UUID) (Tracked, bool) {
	li, ok := r.instances[id]
	if !ok {
		return Tracked{}, false
	}
	return Tracked{
		ID: li.id, QuestID: li.questID, WorldID: li.world, ChannelID: li.channel,
		PartyID: li.partyID, AffinityID: li.affinityID, Individual: li.individual,
		Characters: slices.Clone(li.characters), Locked: li.locked, Registering: li.registering, Seq: li.seq,
	}, true
}

// TrackedOf is the record of an instance rebuilt from its machine's State
// (a destroyed instance has none: ok is false).
func TrackedOf(s State) (Tracked, bool) {
	if s.Destroyed {
		return Tracked{}, false
	}
	t := Tracked{
		ID: s.ID, QuestID: s.QuestID, WorldID: s.WorldID, ChannelID: s.ChannelID,
		PartyID: s.PartyID, AffinityID: s.AffinityID, Individual: s.Definition.Individual(),
		Locked: s.Definition.ChannelLocked(), Registering: s.State == StateRegistering,
	}
	for _, c := range s.Characters {
		t.Characters = append(t.Characters, c.ID)
	}
	return t, true
}

// Track re-indexes a live instance from its record (a registrar restored
// after a crash or a partition move). Characters or a lock already held by
// another instance stay with it and are reported; the instance is tracked
// anyway, because it is live whatever the index says. Creation order is
// kept: instances created afterwards are younger than every tracked one.
func (r *Registrar) Track(t Tracked) error {
	if old := r.instances[t.ID]; old != nil {
		r.unjoinable(old) // replaced below, as a map entry would be
	}
	li := &liveInstance{
		id: t.ID, questID: t.QuestID, world: t.WorldID, channel: t.ChannelID,
		partyID: t.PartyID, affinityID: t.AffinityID, individual: t.Individual,
		registering: t.Registering,
	}
	var conflicts []string
	for _, c := range t.Characters {
		if other, taken := r.byCharacter[c]; taken && other != t.ID {
			conflicts = append(conflicts, fmt.Sprintf("character %d is in %s", c, other))
			continue
		}
		r.byCharacter[c] = t.ID
		li.characters = append(li.characters, c)
	}
	if t.Locked {
		key := lockKey{world: t.WorldID, channel: t.ChannelID, questID: t.QuestID}
		if other, held := r.locks[key]; held && other != t.ID {
			conflicts = append(conflicts, fmt.Sprintf("field lock %v is held by %s", key, other))
		} else {
			r.locks[key], li.locked, li.lock = t.ID, true, key
		}
	}
	if t.Seq == 0 {
		r.add(li)
	} else {
		li.seq = t.Seq
		r.seq = max(r.seq, t.Seq)
		r.instances[li.id] = li
		if li.registering {
			r.addJoinable(li)
		}
	}
	if len(conflicts) > 0 {
		return fmt.Errorf("track %s: %v", t.ID, conflicts)
	}
	return nil
}

func (r *Registrar) add(li *liveInstance) {
	r.seq++
	li.seq = r.seq
	r.instances[li.id] = li
	if li.registering {
		r.addJoinable(li)
	}
}

// addJoinable puts li in its scope's list, in creation order: last, but
// for an instance tracked out of order on a restore.
func (r *Registrar) addJoinable(li *liveInstance) {
	if li.prevJoin != nil {
		return
	}
	sc := li.scope()
	head := r.joinable[sc]
	if head == nil {
		li.prevJoin, li.nextJoin = li, nil
		r.joinable[sc] = li
		return
	}
	at := head.prevJoin
	for at != head && at.seq > li.seq {
		at = at.prevJoin
	}
	if at == head && head.seq > li.seq { // li is the oldest
		li.prevJoin, li.nextJoin = head.prevJoin, head
		head.prevJoin = li
		r.joinable[sc] = li
		return
	}
	li.prevJoin, li.nextJoin = at, at.nextJoin
	if at.nextJoin != nil {
		at.nextJoin.prevJoin = li
	} else {
		head.prevJoin = li
	}
	at.nextJoin = li
}

// unjoinable takes li out of its scope's list, if it is in it.
func (r *Registrar) unjoinable(li *liveInstance) {
	if li.prevJoin == nil {
		return
	}
	sc := li.scope()
	head := r.joinable[sc]
	switch {
	case li == head && li.nextJoin == nil:
		delete(r.joinable, sc)
	case li == head:
		li.nextJoin.prevJoin = li.prevJoin
		r.joinable[sc] = li.nextJoin
	default:
		li.prevJoin.nextJoin = li.nextJoin
		if li.nextJoin != nil {
			li.nextJoin.prevJoin = li.prevJoin
		} else {
			head.prevJoin = li.prevJoin
		}
	}
	li.prevJoin, li.nextJoin = nil, nil
}

func reject(reason messages.Reason, format string, a ...any) Decision {
	return Decision{Kind: DecisionReject, Rejection: messages.Reject(reason, format, a...)}
}
