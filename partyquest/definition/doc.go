// Package definition is the party-quest definition model: the reference's JSON
// file format (durations in seconds), decoding, validation with reasons (of a
// definition, or of uploaded files with ValidateFiles), a directory loader that
// keeps the valid files when some are bad, an immutable catalog keyed by
// questId, and TenantCatalog, which adds each definition's stable per-tenant
// ID for the read API.
//
// A Definition is a plain value. Once loaded it is never modified: the catalog
// and every running instance share its slices, so callers must treat them as
// read-only.
package definition
