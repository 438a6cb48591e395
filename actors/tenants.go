package actors

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/gamehost/transitquest/tenant"
)

// Tenants holds one subsystem's actors per tenant, each tenant under a
// supervisor of its own. Tenants are started at start-up from the
// configuration, or lazily for a tenant first seen in a record's headers.
type Tenants[T any] struct {
	sys  *actor.ActorSystem
	kind string

	startMu sync.Mutex // serialises starts, so a tenant starts once
	mu      sync.RWMutex
	byKey   map[tenant.Tenant]tenantEntry[T]
}

type tenantEntry[T any] struct {
	sup *Supervisor
	v   T
}

// NewTenants returns an empty registry; kind prefixes the actors' names.
func NewTenants[T any](sys *actor.ActorSystem, kind string) *Tenants[T] {
	return &Tenants[T]{sys: sys, kind: kind, byKey: map[tenant.Tenant]tenantEntry[T]{}}
}

// Get returns a started tenant's actors.
func (ts *Tenants[T]) Get(t tenant.Tenant) (T, bool) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	e, ok := ts.byKey[t]
	return e.v, ok
}

// GetOrStart returns the tenant's actors, starting them with start under a
// new supervisor if the tenant has none yet. A start that fails stops what
// it spawned and leaves nothing behind, so the next call tries again.
func (ts *Tenants[T]) GetOrStart(t tenant.Tenant, start func(sup *Supervisor) (T, error)) (T, error) {
	if v, ok := ts.Get(t); ok {
		return v, nil
	}
	ts.startMu.Lock()
	defer ts.startMu.Unlock()
	if v, ok := ts.Get(t); ok {
		return v, nil
	}
	sup := NewSupervisor(ts.sys, ts.kind+"/"+t.Key())
	v, err := start(sup)
	if err != nil {
		sup.StopAll()
		var zero T
		return zero, err
	}
	ts.mu.Lock()
	ts.byKey[t] = tenantEntry[T]{sup: sup, v: v}
	ts.mu.Unlock()
	return v, nil
}

// Each calls f for every started tenant's actors.
func (ts *Tenants[T]) Each(f func(T)) {
	ts.mu.RLock()
	vs := make([]T, 0, len(ts.byKey))
	for _, e := range ts.byKey {
		vs = append(vs, e.v)
	}
	ts.mu.RUnlock()
	for _, v := range vs {
		f(v)
	}
}

// StopAll stops every tenant's actors and waits for them.
func (ts *Tenants[T]) StopAll() {
	for _, e := range ts.takeAll() {
		e.sup.StopAll()
	}
}

// HaltAll stops every tenant's actors at once, dropping their mailboxes
// (see Supervisor.Halt), and waits for them.
func (ts *Tenants[T]) HaltAll() {
	var wg sync.WaitGroup
	for _, e := range ts.takeAll() {
		wg.Go(e.sup.Halt)
	}
	wg.Wait()
}

func (ts *Tenants[T]) takeAll() map[tenant.Tenant]tenantEntry[T] {
	ts.startMu.Lock()
	defer ts.startMu.Unlock()
	ts.mu.Lock()
	entries := ts.byKey
	ts.byKey = map[tenant.Tenant]tenantEntry[T]{}
	ts.mu.Unlock()
	return entries
}
