// Package definition is the party-quest definition model: the reference's JSON
// file format (durations in seconds), decoding, validation with reasons, a
// directory loader that keeps the valid files when some are bad, and an
// immutable per-tenant catalog keyed by questId.
//
// A Definition is a plain value. Once loaded it is never modified: the catalog
// and every running instance share its slices, so callers must treat them as
// read-only.
package definition
