package clients

import (
	"context"
	"fmt"
	"net/url"

	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/tenant"
)

// EnvParties and EnvGuilds name the base URLs of the services.
const (
	EnvParties = "PARTIES_SERVICE_URL"
	EnvGuilds  = "GUILDS_SERVICE_URL"
)

// Parties calls the parties service. A nil *Parties means the service is not
// configured.
type Parties struct{ c caller }

// NewParties returns a client for the service at baseURL (prefixed verbatim
// to every path), or nil when baseURL is empty.
func NewParties(baseURL string, opts ...Option) *Parties {
	if baseURL == "" {
		return nil
	}
	return &Parties{c: newCaller(baseURL, opts)}
}

// memberAttributes are the fields of a "members" resource the registrar
// uses; name, jobId, mapId and online are ignored as in the reference.
type memberAttributes struct {
	WorldID   byte   `json:"worldId"`
	ChannelID byte   `json:"channelId"`
	Level     uint32 `json:"level"`
}

// Members returns the members of a party (GET parties/{id}/members), each
// with the world and channel the service reports and its level. A party the
// service does not know is ErrNotFound; a known party without members is an
// empty, non-nil slice (nil would mean "no parties service" to the
// registrar).
func (p *Parties) Members(ctx context.Context, t tenant.Tenant, partyID uint32) ([]partyquest.Character, error) {
	var rs []resource[memberAttributes]
	if err := p.c.get(ctx, t, fmt.Sprintf("parties/%d/members", partyID), &rs); err != nil {
		return nil, err
	}
	out := make([]partyquest.Character, 0, len(rs))
	for _, r := range rs {
		out = append(out, partyquest.Character{ID: uint32(r.ID), WorldID: r.Attributes.WorldID,
			ChannelID: r.Attributes.ChannelID, Level: r.Attributes.Level})
	}
	return out, nil
}

// PartyOf returns the id of the character's party (the first one the
// service lists for GET parties?filter[members.id]={id}); no party is
// ErrNotFound.
func (p *Parties) PartyOf(ctx context.Context, t tenant.Tenant, characterID uint32) (uint32, error) {
	return firstID(ctx, p.c, t, "parties", characterID)
}

// Guilds calls the guilds service. A nil *Guilds means the service is not
// configured.
type Guilds struct{ c caller }

// NewGuilds returns a client for the service at baseURL, or nil when
// baseURL is empty.
func NewGuilds(baseURL string, opts ...Option) *Guilds {
	if baseURL == "" {
		return nil
	}
	return &Guilds{c: newCaller(baseURL, opts)}
}

// GuildOf returns the id of the character's guild (the first one the
// service lists for GET guilds?filter[members.id]={id}); no guild is
// ErrNotFound.
func (g *Guilds) GuildOf(ctx context.Context, t tenant.Tenant, characterID uint32) (uint32, error) {
	return firstID(ctx, g.c, t, "guilds", characterID)
}

// FromEnv builds both clients from PARTIES_SERVICE_URL and
// GUILDS_SERVICE_URL; each is nil when its variable is unset or empty.
func FromEnv(getenv func(string) string, opts ...Option) (*Parties, *Guilds) {
	return NewParties(getenv(EnvParties), opts...), NewGuilds(getenv(EnvGuilds), opts...)
}

// firstID lists a collection filtered by member and returns the first id.
func firstID(ctx context.Context, c caller, t tenant.Tenant, collection string, characterID uint32) (uint32, error) {
	var rs []resource[struct{}]
	// The brackets stay literal, as the reference sends them.
	path := fmt.Sprintf("%s?filter[members.id]=%s", collection, url.QueryEscape(fmt.Sprint(characterID)))
	if err := c.get(ctx, t, path, &rs); err != nil {
		return 0, err
	}
	if len(rs) == 0 {
		return 0, fmt.Errorf("%s of character %d: %w", collection, characterID, ErrNotFound)
	}
	return uint32(rs[0].ID), nil
}
