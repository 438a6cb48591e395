// Package presence is one tenant's index of who is where: every online
// character's field (world, channel, map, instance) and the tenant's channel
// registry. It replaces the reference's per-transition REST calls to the maps
// service and its channel registry (spec §3, §5).
//
// It is fed from EVENT_TOPIC_MAP_STATUS CHARACTER_ENTER / CHARACTER_EXIT,
// EVENT_TOPIC_CHARACTER_STATUS LOGIN / LOGOUT and EVENT_TOPIC_CHANNEL_STATUS
// STARTED / SHUTDOWN, and answers the scheduled routes' sweeps: "warp everyone
// in these maps (nil instance, every active channel) to that map".
//
// An Index is pure and not safe for concurrent use: one actor per tenant owns
// it and serializes every call. It starts empty on a cold start; State and
// Restore let the owner persist it (e.g. a changelog) and rebuild it.
//
// Memory: one map entry per character (its location and its position in its
// field's member slice) plus one slice per non-empty field, so enter, exit,
// login and logout are O(1) and a tenant with ~100k characters costs a few
// MB. Empty fields are dropped at once, so instanced maps (a fresh UUID per
// run) do not accumulate.
package presence
