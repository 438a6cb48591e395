package definition

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/gamehost/transitquest/tenant"
)

const (
	kerning   = "kerning_city_pq"
	sharenian = "sharenian_trial"
)

// tn is the tenant the actors/quest tests use (kafkatest.Tenant).
var tn = tenant.Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}

func TestIDIsStable(t *testing.T) {
	// Pinned (cross-checked with Python uuid.uuid5): a changed derivation
	// would break every link a client stored to a definition.
	assert.Equal(t, uuid.MustParse("33499c37-838d-5b18-b923-f30753dd3776"), ID(tn, kerning))
	other := tenant.Tenant{ID: uuid.New(), Region: tn.Region, MajorVersion: tn.MajorVersion, MinorVersion: tn.MinorVersion}
	assert.NotEqual(t, ID(tn, kerning), ID(other, kerning))
	assert.NotEqual(t, ID(tn, kerning), ID(tn, sharenian))
}

// ID must give byte-identical ids to actors/quest.DefinitionID, which it
// replaces; the expected values were computed with that function.
func TestIDMatchesActorsQuestDefinitionID(t *testing.T) {
	ems := tenant.Tenant{ID: uuid.MustParse("5a1f0c2e-9b7d-4e3a-8c61-2f4d7e9b0a13"), Region: "EMS", MajorVersion: 95}
	for _, c := range []struct {
		tenant  tenant.Tenant
		questID string
		want    string
	}{
		{tn, kerning, "33499c37-838d-5b18-b923-f30753dd3776"},
		{tn, sharenian, "851e632d-6864-5973-be9f-5f8123aa8bcd"},
		{ems, kerning, "ea5dc11a-fcaa-56cc-9644-f31993bbd1ca"},
		{tn, "", "d528d24b-7333-5f3a-a6b3-199a903d7e4c"},
	} {
		assert.Equal(t, c.want, ID(c.tenant, c.questID).String(), "%s %q", c.tenant, c.questID)
	}
	// Region and version are not part of the id, as before.
	assert.Equal(t, ID(tn, kerning), ID(tenant.Tenant{ID: tn.ID, Region: "EMS"}, kerning))
	assert.Equal(t, "0bb2b6e0-a668-55c4-a9b0-5e0f3ee10296", idNamespace.String())
}
