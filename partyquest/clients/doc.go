// Package clients holds the small HTTP clients the party-quest registrar uses
// to resolve a REGISTER: the parties service (a party's members, a
// character's party) and the guilds service (a character's guild).
//
// They follow the reference's calls (spec §3.5): the base URL from
// PARTIES_SERVICE_URL / GUILDS_SERVICE_URL is prefixed verbatim (so it ends
// with "/"), every call is a single GET with a per-call timeout, the tenant
// travels as TENANT_ID / REGION / MAJOR_VERSION / MINOR_VERSION headers with
// the versions as decimal text, and responses are JSON:API documents. 200
// and 202 are success, 404 is ErrNotFound, 400 ErrBadRequest, anything else a
// *StatusError.
//
// An unset URL means the service is not deployed: the constructors then
// return nil, and the registrar falls back as DECISIONS.md says (party members
// join with their own REGISTER). BASE_SERVICE_URL is deliberately not used as
// a fallback, so setting it for other services never turns that fallback off.
package clients
