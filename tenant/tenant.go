// Package tenant identifies the game-server tenant an operation belongs to.
// Every actor identity, registry and index in the service includes a Tenant, so
// nothing in one tenant can reach another.
package tenant

import (
	"fmt"

	"github.com/google/uuid"
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
func (t Tenant) Key() string {
	return fmt.Sprintf("%s/%s/%d.%d", t.ID, t.Region, t.MajorVersion, t.MinorVersion)
}

// String is Key; it makes a Tenant readable in logs.
func (t Tenant) String() string { return t.Key() }
