package quest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/tenant"
)

// ErrNotFound is returned for an instance (or a character's instance) that
// is not live.
var ErrNotFound = actors.ErrNotFound

// The read API answers for the instances this replica runs: with several
// replicas, each serves its own share (in a single-replica deployment, all
// of them). An instance that ended is gone from it at once.

// Instances returns the tenant's live instances run here, oldest
// registration first. Each State is a deep copy taken in its instance's
// mailbox.
func (s *Subsystem) Instances(ctx context.Context, t tenant.Tenant) ([]partyquest.State, error) {
	prefix := string(instanceKey(t, uuid.Nil))
	prefix = prefix[:strings.LastIndexByte(prefix, '|')+1]
	var keys [][]byte
	s.parts.Each(func(key string) {
		if strings.HasPrefix(key, prefix) {
			keys = append(keys, []byte(key))
		}
	})
	return s.ask(ctx, t, keys)
}

// Instance returns one live instance run here.
func (s *Subsystem) Instance(ctx context.Context, t tenant.Tenant, id uuid.UUID) (partyquest.State, error) {
	states, err := s.ask(ctx, t, [][]byte{instanceKey(t, id)})
	if err != nil {
		return partyquest.State{}, err
	}
	if len(states) == 0 {
		return partyquest.State{}, ErrNotFound
	}
	return states[0], nil
}

// InstanceOfCharacter returns the live instance run here that a character
// is registered in (a character is in at most one).
func (s *Subsystem) InstanceOfCharacter(ctx context.Context, t tenant.Tenant, characterID uint32) (partyquest.State, error) {
	if characterID == 0 {
		return partyquest.State{}, ErrNotFound
	}
	all, err := s.Instances(ctx, t)
	if err != nil {
		return partyquest.State{}, err
	}
	for _, st := range all {
		if slices.ContainsFunc(st.Characters, func(c partyquest.Character) bool { return c.ID == characterID }) {
			return st, nil
		}
	}
	return partyquest.State{}, ErrNotFound
}

// ask asks instance actors for their state, all at once; one that has
// ended meanwhile is left out. A resting instance is woken to answer.
func (s *Subsystem) ask(ctx context.Context, t tenant.Tenant, keys [][]byte) ([]partyquest.State, error) {
	if _, has := ctx.Deadline(); !has {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, actors.DefaultAskTimeout)
		defer cancel()
	}
	replies := make(chan partyquest.State, len(keys))
	asked := 0
	for _, key := range keys {
		if s.parts.Tell(key, stateQuery{reply: replies}) {
			asked++
		}
	}
	out := make([]partyquest.State, 0, asked)
	for range asked {
		select {
		case st := <-replies:
			if st.ID != uuid.Nil && !st.Destroyed { // an instance that could not answer, or just ended
				out = append(out, st)
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("party-quest instances of %s: %w", t, ctx.Err())
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].RegisteredAt.Equal(out[j].RegisteredAt) {
			return out[i].RegisteredAt.Before(out[j].RegisteredAt)
		}
		return out[i].ID.String() < out[j].ID.String()
	})
	return out, nil
}
