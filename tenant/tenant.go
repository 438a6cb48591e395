// Package tenant identifies the game-server tenant an operation belongs to.
// Every actor identity, registry and index in the service includes a Tenant, so
// nothing in one tenant can reach another.
package tenant

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/jsonbytes"
)

// Tenant is the (id, region, version) tuple carried by every record and REST call.
type Tenant struct {
	ID           uuid.UUID `json:"id"`
	Region       string    `json:"region"`
	MajorVersion uint16    `json:"majorVersion"`
	MinorVersion uint16    `json:"minorVersion"`
}

// Key is a comparable identity for maps and actor names. Two tenants with the
// same id but different region or version are different tenants, as in the
// reference registries.
// It is built on every actor identity, so it is appended by hand rather
// than formatted (fmt.Sprintf cost 5 % of the service's CPU under load).
func (t Tenant) Key() string {
	return string(t.AppendKey(make([]byte, 0, 36+1+len(t.Region)+1+5+1+5)))
}

// AppendKey appends Key to b (an actor identity built in one buffer).
func (t Tenant) AppendKey(b []byte) []byte {
	b = jsonbytes.AppendUUID(b, t.ID)
	b = append(b, '/')
	b = append(b, t.Region...)
	b = append(b, '/')
	b = strconv.AppendUint(b, uint64(t.MajorVersion), 10)
	b = append(b, '.')
	return strconv.AppendUint(b, uint64(t.MinorVersion), 10)
}

// ParseKey reads the tenant an actor identity starts with: Key, then '|'
// or the end. It is strict where Key is ambiguous: the region must be
// non-empty and hold no '/' or '|', the id must be a non-nil UUID and the
// versions plain decimals that fit 16 bits. rest is what follows the '|'.
// A writer may leave a tenant to its key only when the key parses back to
// it (see KeyedBy).
func ParseKey(key []byte) (t Tenant, rest []byte, err error) {
	k, err := parseKey(key)
	if err != nil {
		return t, nil, err
	}
	return Tenant{ID: k.id, Region: string(k.region), MajorVersion: k.major, MinorVersion: k.minor}, k.rest, nil
}

// keyParts are a parsed key's tenant fields, the region not yet copied.
type keyParts struct {
	id           uuid.UUID
	region       []byte
	major, minor uint16
	rest         []byte
}

func parseKey(key []byte) (k keyParts, err error) {
	if len(key) < 37 || key[36] != '/' {
		return k, errors.New("no tenant id before '/'")
	}
	// Lower case only, as Key writes it: a key is an identity, compared
	// byte for byte elsewhere.
	if bytes.ContainsAny(key[:36], "ABCDEF") {
		return k, fmt.Errorf("tenant id %q is not lower case", key[:36])
	}
	if k.id, err = uuid.ParseBytes(key[:36]); err != nil || k.id == uuid.Nil {
		return keyParts{}, fmt.Errorf("tenant id %q is not a non-nil UUID", key[:36])
	}
	head, rest, found := bytes.Cut(key[37:], []byte("|"))
	region, version, ok := bytes.Cut(head, []byte("/"))
	if !ok || len(region) == 0 {
		return keyParts{}, errors.New("no region before '/'")
	}
	major, minor, ok := bytes.Cut(version, []byte("."))
	if !ok {
		return keyParts{}, fmt.Errorf("version %q is not major.minor", version)
	}
	if k.major, err = parseVersion(major); err == nil {
		k.minor, err = parseVersion(minor)
	}
	if err != nil {
		return keyParts{}, fmt.Errorf("version %q: %w", version, err)
	}
	k.region = region
	if found {
		k.rest = rest
	}
	return k, nil
}

// parseVersion reads a version as Key writes it: decimal digits, no sign,
// no leading zero.
func parseVersion(b []byte) (uint16, error) {
	if len(b) == 0 || len(b) > 5 || (b[0] == '0' && len(b) > 1) {
		return 0, fmt.Errorf("%q is not a version", b)
	}
	var v uint32
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a version", b)
		}
		v = v*10 + uint32(c-'0')
	}
	if v > 0xffff {
		return 0, fmt.Errorf("%q is over 65535", b)
	}
	return uint16(v), nil
}

// KeyedBy reports whether key names t as its tenant, as ParseKey reads it:
// a record with such a key needs no other mention of its tenant.
func (t Tenant) KeyedBy(key []byte) bool {
	k, err := parseKey(key)
	return err == nil && k.id == t.ID && string(k.region) == t.Region &&
		k.major == t.MajorVersion && k.minor == t.MinorVersion
}

// AppendJSON appends the tenant as encoding/json encodes it (the same
// bytes): every state record carries its tenant, and reflection was a
// microsecond of each.
func (t Tenant) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = jsonbytes.AppendQuotedUUID(b, t.ID)
	b = append(b, `,"region":`...)
	b = jsonbytes.AppendString(b, t.Region)
	b = append(b, `,"majorVersion":`...)
	b = strconv.AppendUint(b, uint64(t.MajorVersion), 10)
	b = append(b, `,"minorVersion":`...)
	b = strconv.AppendUint(b, uint64(t.MinorVersion), 10)
	return append(b, '}')
}

// String is Key; it makes a Tenant readable in logs.
func (t Tenant) String() string { return t.Key() }
