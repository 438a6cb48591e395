package partyquest

import (
	"slices"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
)

// Register decides a REGISTER and records the outcome:
//
//   - a sender already in a live instance joins it again (a no-op in the
//     machine) if it is still registering for the same quest and party,
//     otherwise the REGISTER is refused (one live instance per character);
//   - individual path: the registration map must match (0 on either side
//     skips), guild/party affinity needs a resolved AffinityID, and the oldest
//     registering instance of the quest on the same world, channel (REGISTER
//     channel 0 matches any) and affinity (0 matches any) is joined;
//   - party path with resolved Members: the sender must be one of them, none
//     may be in a live instance, and a new instance holds them all;
//   - party path without Members: the oldest registering instance of the
//     quest and partyId is joined, else a new one waits for the others
//     (Registration.AwaitMembers); partyId 0 creates a single-character run;
//   - every creation honours the channel field lock.
func (r *Registrar) Register(req RegisterRequest) Decision {
	def := req.Definition
	if req.Sender.ID == 0 {
		return reject(messages.ReasonMissingField, "REGISTER: characterId is zero")
	}
	if def.QuestID == "" {
		return reject(messages.ReasonUnknownTarget, "REGISTER: no definition")
	}
	if id, ok := r.byCharacter[req.Sender.ID]; ok {
		return r.reRegister(req, id)
	}
	if def.Individual() {
		return r.registerIndividual(req)
	}
	return r.registerParty(req)
}

// reRegister handles a sender that is already in instance id.
func (r *Registrar) reRegister(req RegisterRequest, id uuid.UUID) Decision {
	li := r.instances[id]
	same := li != nil && li.registering && li.questID == req.Definition.QuestID &&
		(li.individual || (req.PartyID != 0 && li.partyID == req.PartyID))
	if !same {
		return reject(messages.ReasonConflict, "REGISTER: character %d is already in live instance %s", req.Sender.ID, id)
	}
	return Decision{Kind: DecisionJoin, InstanceID: id, Character: req.Sender}
}

func (r *Registrar) registerIndividual(req RegisterRequest) Decision {
	def := req.Definition
	if m := def.Registration.MapID; m != 0 && req.MapID != 0 && m != req.MapID {
		return reject(messages.ReasonConflict, "REGISTER: character %d is on map %d, not the registration map %d", req.Sender.ID, req.MapID, m)
	}
	if a := def.Registration.Affinity; (a == definition.AffinityGuild || a == definition.AffinityParty) && req.AffinityID == 0 {
		return reject(messages.ReasonUnknownTarget, "REGISTER: character %d has no %s for %s affinity", req.Sender.ID, a, a)
	}
	if li := r.oldest(joinScope{questID: def.QuestID, world: req.Sender.WorldID, individual: true}, func(li *liveInstance) bool {
		return (req.Sender.ChannelID == 0 || li.channel == req.Sender.ChannelID) &&
			(req.AffinityID == 0 || li.affinityID == req.AffinityID)
	}); li != nil {
		return r.join(li, req.Sender)
	}
	return r.create(def, Registration{
		WorldID: req.Sender.WorldID, ChannelID: req.Sender.ChannelID,
		AffinityID: req.AffinityID, Characters: []Character{req.Sender},
	})
}

func (r *Registrar) registerParty(req RegisterRequest) Decision {
	def := req.Definition
	switch {
	case req.PartyID != 0 && req.Members != nil:
		return r.createParty(req)
	case req.PartyID != 0:
		if li := r.oldest(joinScope{questID: def.QuestID, world: req.Sender.WorldID, partyID: req.PartyID}, nil); li != nil {
			return r.join(li, req.Sender)
		}
		return r.create(def, Registration{
			WorldID: req.Sender.WorldID, ChannelID: req.Sender.ChannelID,
			PartyID: req.PartyID, AffinityID: req.PartyID,
			Characters: []Character{req.Sender}, AwaitMembers: true,
		})
	default: // no party (the GM command): the sender alone
		return r.create(def, Registration{
			WorldID: req.Sender.WorldID, ChannelID: req.Sender.ChannelID,
			Characters: []Character{req.Sender},
		})
	}
}

// createParty creates an instance for a party resolved by the parties service.
func (r *Registrar) createParty(req RegisterRequest) Decision {
	if len(req.Members) == 0 {
		return reject(messages.ReasonUnknownTarget, "REGISTER: party %d has no members", req.PartyID)
	}
	if !slices.ContainsFunc(req.Members, func(c Character) bool { return c.ID == req.Sender.ID }) {
		return reject(messages.ReasonNotMember, "REGISTER: character %d is not a member of party %d", req.Sender.ID, req.PartyID)
	}
	for _, c := range req.Members {
		if id, busy := r.byCharacter[c.ID]; busy {
			return reject(messages.ReasonConflict, "REGISTER: party member %d is already in live instance %s", c.ID, id)
		}
	}
	channel := req.Sender.ChannelID
	if channel == 0 {
		channel = req.Members[0].ChannelID
	}
	return r.create(req.Definition, Registration{
		WorldID: req.Members[0].WorldID, ChannelID: channel,
		PartyID: req.PartyID, AffinityID: req.PartyID,
		Characters: slices.Clone(req.Members),
	})
}

// oldest is the earliest-created registering instance of the scope that
// matches (nil match: any): the first in its list.
func (r *Registrar) oldest(sc joinScope, match func(*liveInstance) bool) *liveInstance {
	for li := r.joinable[sc]; li != nil; li = li.nextJoin {
		if match == nil || match(li) {
			return li
		}
	}
	return nil
}

func (r *Registrar) join(li *liveInstance, c Character) Decision {
	li.characters = append(li.characters, c.ID)
	r.byCharacter[c.ID] = li.id
	return Decision{Kind: DecisionJoin, InstanceID: li.id, Character: c}
}

// create checks the channel lock, then records a new instance. An instance
// that starts within New (instant mode, not awaiting members) is recorded as
// already started so nothing joins it.
func (r *Registrar) create(def definition.Definition, reg Registration) Decision {
	key := lockKey{world: reg.WorldID, channel: reg.ChannelID, questID: def.QuestID}
	if def.ChannelLocked() {
		if holder, held := r.locks[key]; held {
			return reject(messages.ReasonConflict, "REGISTER: %s already runs on world %d channel %d (instance %s)", def.QuestID, reg.WorldID, reg.ChannelID, holder)
		}
	}
	id := r.rnd.UUID()
	for r.instances[id] != nil { // never in practice; keeps ids unique with a poor source
		id = r.rnd.UUID()
	}
	li := &liveInstance{
		id: id, questID: def.QuestID, world: reg.WorldID, channel: reg.ChannelID,
		partyID: reg.PartyID, affinityID: reg.AffinityID, individual: def.Individual(),
		registering: def.Registration.Mode == definition.ModeTimed || reg.AwaitMembers,
	}
	for _, c := range reg.Characters {
		li.characters = append(li.characters, c.ID)
		r.byCharacter[c.ID] = id
	}
	if def.ChannelLocked() {
		r.locks[key], li.locked, li.lock = id, true, key
	}
	r.add(li)
	return Decision{Kind: DecisionCreate, InstanceID: id, Registration: reg}
}
