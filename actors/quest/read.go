package quest

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/tenant"
)

// ErrNotFound is returned for an instance (or a character's instance) that
// is not live.
var ErrNotFound = actors.ErrNotFound

// Instances returns the tenant's live instances, oldest registration first.
// Each State is a deep copy taken in its instance's mailbox.
func (s *Subsystem) Instances(ctx context.Context, t tenant.Tenant) ([]partyquest.State, error) {
	return s.query(ctx, t, statesQuery{all: true})
}

// Instance returns one live instance.
func (s *Subsystem) Instance(ctx context.Context, t tenant.Tenant, id uuid.UUID) (partyquest.State, error) {
	return s.one(ctx, t, statesQuery{id: id})
}

// InstanceOfCharacter returns the live instance a character is registered
// in (a character is in at most one).
func (s *Subsystem) InstanceOfCharacter(ctx context.Context, t tenant.Tenant, characterID uint32) (partyquest.State, error) {
	if characterID == 0 {
		return partyquest.State{}, ErrNotFound
	}
	return s.one(ctx, t, statesQuery{character: characterID})
}

func (s *Subsystem) one(ctx context.Context, t tenant.Tenant, q statesQuery) (partyquest.State, error) {
	states, err := s.query(ctx, t, q)
	if err != nil {
		return partyquest.State{}, err
	}
	if len(states) == 0 {
		return partyquest.State{}, ErrNotFound
	}
	return states[0], nil
}

// query asks the tenant's registrar, which asks the instance actors; a
// tenant without actors has no instances.
func (s *Subsystem) query(ctx context.Context, t tenant.Tenant, q statesQuery) ([]partyquest.State, error) {
	ta, ok := s.tenants.Get(t)
	if !ok {
		return nil, nil
	}
	if _, has := ctx.Deadline(); !has {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, actors.DefaultAskTimeout)
		defer cancel()
	}
	a, err := actors.Ask(ctx, s.sys.Root, ta.registrar, func(reply chan<- stateAnswer) any {
		q.answer = reply
		return q
	})
	if err != nil {
		return nil, fmt.Errorf("party-quest instances of %s: %w", t, err)
	}
	out := make([]partyquest.State, 0, a.n)
	for range a.n {
		select {
		case st := <-a.states:
			if st.ID != uuid.Nil { // an instance that could not answer
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
