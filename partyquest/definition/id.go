package definition

import (
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/tenant"
)

// idNamespace is the UUID namespace of definition ids: the SHA-1 UUID of this
// URL in the URL namespace (0bb2b6e0-a668-55c4-a9b0-5e0f3ee10296). It is fixed
// forever: changing it would change every id clients have stored. It is never
// written after initialisation.
var idNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/gamehost/transitquest/party-quest-definitions"))

// ID is the stable id of a tenant's definition. Definition files carry no id
// and there is no database to assign one, so the id is derived:
// uuid.NewSHA1(namespace, tenant id text + questId). The same file gives the
// same id across restarts and replicas; questId is unique per tenant.
func ID(t tenant.Tenant, questID string) uuid.UUID {
	return uuid.NewSHA1(idNamespace, []byte(t.ID.String()+questID))
}
