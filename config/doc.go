// Package config loads the service configuration: a static list of tenants,
// each with its scheduled routes, shared vessels, instance routes, spawn
// portals and party-quest definitions.
//
// The main file is our own JSON format (see FORMAT.md), with durations as Go
// duration strings ("4m", "1500ms"). A tenant may also import the
// reference's files unchanged: route seed files (…Minutes integers), the
// tenants service's JSON:API lists (route minutes, vessel turnaroundDelay
// seconds, instance-route …Seconds) and party-quest definition files
// (seconds). Relative paths are resolved against the config file's folder.
//
// Load never gives up on a record's neighbours: every bad record is reported
// as a Problem naming its file, its record and the reason, and is skipped;
// the valid rest loads. Load returns an error, and the service refuses to
// start, when the configuration is wrong as a whole: the main file cannot be
// read, is not a JSON object with a "tenants" array, or has another
// top-level member (a typo); or a folder or file it names does not exist,
// is of the wrong kind, or (an imported JSON:API list) is not a JSON:API
// list or has an unknown top-level member.
//
// Differences from the reference:
//   - One bad record no longer empties the tenant's routes and vessels.
//   - Seeded routes get a stable id (SeedRouteID) instead of a random one,
//     so restarts and re-imports name the same routes.
//   - Ids are unique across a tenant's routes, vessels and instance routes;
//     a repeated id rejects the later record.
//   - A vessel naming a missing route, or a route already used by an earlier
//     vessel, is rejected; the routes named only by rejected vessels are
//     withheld too, so a broken vessel never turns its legs into independent
//     routes the operator did not ask for.
//   - PARTY_QUEST_DEFINITIONS_PATH (WithDefinitionsPathFromEnv) has no
//     default directory; the reference fell back to /party-quests.
package config
