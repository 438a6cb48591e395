package partyquest

// Character is one registered participant. World and channel are where the
// character is warped (each character's own, as the reference does).
type Character struct {
	ID        uint32 `json:"characterId"`
	WorldID   byte   `json:"worldId"`
	ChannelID byte   `json:"channelId"`
	Level     uint32 `json:"level,omitempty"` // 0 = unknown (no parties service)
}

// Registration is everything the registrar resolved for a new instance.
type Registration struct {
	WorldID    byte
	ChannelID  byte
	PartyID    uint32 // 0 for the individual path
	AffinityID uint32 // party path: the party id; individual path: guild/party id or 0
	Characters []Character
	// AwaitMembers holds an instant-mode instance in registering so the other
	// party members can join with their own REGISTER. It is set on the party
	// path when no parties service resolved the members; the window is
	// registration.duration, or DefaultAwaitMembersWindow when that is 0.
	AwaitMembers bool
}
