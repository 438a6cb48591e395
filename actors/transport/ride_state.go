package transport

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

// changelogKind names ride-instance records in the transport changelog.
const changelogKind = "ride"

// instanceSig is what a changelog record of an instance must be rewritten for.
type instanceSig struct {
	phase  ride.Phase
	riders int
}

func signatures(ins []ride.Instance) map[uuid.UUID]instanceSig {
	out := make(map[uuid.UUID]instanceSig, len(ins))
	for _, in := range ins {
		out[in.ID] = instanceSig{phase: in.Phase, riders: len(in.Riders)}
	}
	return out
}

// stateRecords are the changelog records for the instances an operation
// changed: one record per live instance (so a START rewrites only its own
// instance) and a tombstone per released one.
func stateRecords(t tenant.Tenant, route uuid.UUID, before map[uuid.UUID]instanceSig, after []ride.Instance) ([]messages.Record, error) {
	var out []messages.Record
	seen := make(map[uuid.UUID]bool, len(after))
	for _, in := range after {
		seen[in.ID] = true
		if sig, ok := before[in.ID]; ok && sig == (instanceSig{phase: in.Phase, riders: len(in.Riders)}) {
			continue
		}
		r, err := changelog.Record(messages.ChangelogTopicTransport, t, changelogKind, route.String()+"/"+in.ID.String(), in)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	for id := range before {
		if !seen[id] {
			r, _ := changelog.Record(messages.ChangelogTopicTransport, t, changelogKind, route.String()+"/"+id.String(), nil)
			out = append(out, r)
		}
	}
	return out, nil
}

// restoredRides groups a tenant's restored instances by route, oldest first.
func restoredRides(entries []changelog.Entry) (map[uuid.UUID]ride.State, []error) {
	out := map[uuid.UUID]ride.State{}
	var errs []error
	for _, e := range entries {
		routePart, _, ok := strings.Cut(e.ID, "/")
		routeID, err := uuid.Parse(routePart)
		if !ok || err != nil {
			errs = append(errs, fmt.Errorf("ride state %q: bad id", e.ID))
			continue
		}
		var in ride.Instance
		if err := json.Unmarshal(e.State, &in); err != nil {
			errs = append(errs, fmt.Errorf("ride state %q: %w", e.ID, err))
			continue
		}
		s := out[routeID]
		s.Instances = append(s.Instances, in)
		out[routeID] = s
	}
	for id, s := range out {
		sort.Slice(s.Instances, func(i, j int) bool { return s.Instances[i].CreatedAt.Before(s.Instances[j].CreatedAt) })
		out[id] = s
	}
	return out, errs
}
