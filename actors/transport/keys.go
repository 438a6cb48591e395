package transport

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/tenant"
)

// Actor identities. Every transport actor is named by a tenant-scoped
// changelog.Key; the key hashes to the internal-topic partition whose owner
// runs the actor, and its state records (changelog) and the messages sent to
// it (internal topic) are placed by the same key.
const (
	// keyRoute names a scheduled route: Key(t, "route", routeID). Its state
	// record has the same key.
	keyRoute = "route"
	// keyRide names an instance route: Key(t, "ride", routeID). Its
	// instances are stored under Key(t, "ride", routeID/instanceID) with the
	// ride's key as Owner (changelogKind).
	keyRide = "ride"
	// keyRider names one character's entry in the ride directory:
	// Key(t, "rider", characterID). The entry is stored under that key; the
	// actor that holds it is its partition's directory shard.
	keyRider = "rider"
	// keyPresence names one character's presence in a route's maps:
	// Key(t, "route-presence", routeID/characterID), owned by the route.
	keyPresence = "route-presence"
	// keyShard names the directory shard of a tenant and partition (see
	// shardKey).
	keyShard = "riders"
)

func routeKey(t tenant.Tenant, id uuid.UUID) []byte { return changelog.Key(t, keyRoute, id.String()) }

func rideKey(t tenant.Tenant, id uuid.UUID) []byte { return changelog.Key(t, keyRide, id.String()) }

func riderKey(t tenant.Tenant, character uint32) []byte {
	return changelog.Key(t, keyRider, strconv.FormatUint(uint64(character), 10))
}

// splitKey reads an actor key of tenant t: its kind and id. It fails for a
// key of another tenant or of no known shape.
func splitKey(t tenant.Tenant, key []byte) (kind, id string, err error) {
	// Compared in place: it runs for every internal record.
	var buf [128]byte
	prefix := t.AppendKey(buf[:0])
	rest, ok := bytes.CutPrefix(key, prefix)
	if ok {
		rest, ok = bytes.CutPrefix(rest, []byte("|"))
	}
	k, i, found := bytes.Cut(rest, []byte("|"))
	if !ok || !found {
		return "", "", fmt.Errorf("key %q is not an actor of tenant %s", key, t)
	}
	return string(k), string(i), nil
}

// parseCharacter reads a rider key's id.
func parseCharacter(id string) (uint32, error) {
	c, err := strconv.ParseUint(id, 10, 32)
	if err != nil || c == 0 {
		return 0, fmt.Errorf("bad character id %q", id)
	}
	return uint32(c), nil
}

// keyParts splits any actor key into its tenant key, kind and id.
func keyParts(key string) (tenantKey, kind, id string) {
	parts := strings.SplitN(key, "|", 3)
	if len(parts) != 3 {
		return "", "", ""
	}
	return parts[0], parts[1], parts[2]
}
