package quest

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/tenant"
)

// readOnly is a subsystem without Kafka: enough for the definitions API.
func readOnly(t *testing.T, defaults bool) *Subsystem {
	t.Helper()
	log := zaptest.NewLogger(t)
	sys := actors.NewSystem(log)
	deps := Deps{Clock: clock.NewFake(t0), Log: log, Metrics: metrics.New()}
	if defaults {
		deps.DefaultDefinitions = samples(t)
	}
	s := New(sys, deps, []config.Tenant{{Tenant: tn, QuestDefinitions: samples(t)}})
	err := s.Start(&actortest.Recorder{})
	require.NoError(t, err)
	t.Cleanup(func() {
		s.Stop()
		sys.Shutdown()
	})
	return s
}

func TestDefinitionIDsAreStable(t *testing.T) {
	// Pinned (cross-checked with Python uuid.uuid5): a changed derivation
	// would break every link a client stored to a definition.
	assert.Equal(t, uuid.MustParse("33499c37-838d-5b18-b923-f30753dd3776"), DefinitionID(tn, kerning))
	other := tenant.Tenant{ID: uuid.New(), Region: tn.Region, MajorVersion: tn.MajorVersion, MinorVersion: tn.MinorVersion}
	assert.NotEqual(t, DefinitionID(tn, kerning), DefinitionID(other, kerning))
	assert.NotEqual(t, DefinitionID(tn, kerning), DefinitionID(tn, sharenian))
}

func TestDefinitionsReadAPI(t *testing.T) {
	s := readOnly(t, false)
	defs := s.Definitions(tn)
	require.Len(t, defs, 2)
	assert.Equal(t, []string{kerning, sharenian}, []string{defs[0].Definition.QuestID, defs[1].Definition.QuestID})
	assert.Equal(t, DefinitionID(tn, kerning), defs[0].ID)

	d, ok := s.Definition(tn, defs[1].ID)
	require.True(t, ok)
	assert.Equal(t, sharenian, d.Definition.QuestID)
	_, ok = s.Definition(tn, uuid.New())
	assert.False(t, ok)
	d, ok = s.DefinitionByQuest(tn, kerning)
	require.True(t, ok)
	assert.Equal(t, defs[0], d)
	_, ok = s.DefinitionByQuest(tn, "dragon_rider_pq")
	assert.False(t, ok)

	other := tenant.Tenant{ID: uuid.New(), Region: "EMS"}
	assert.Empty(t, s.Definitions(other), "tenants are isolated")
	_, ok = s.DefinitionByQuest(other, kerning)
	assert.False(t, ok)
	all, err := s.Instances(context.Background(), other)
	require.NoError(t, err)
	assert.Empty(t, all)
	_, err = s.Instance(context.Background(), tn, uuid.New())
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = s.InstanceOfCharacter(context.Background(), tn, 5)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestDefaultDefinitionsServeOtherTenants(t *testing.T) {
	s := readOnly(t, true)
	other := tenant.Tenant{ID: uuid.New(), Region: "EMS"}
	defs := s.Definitions(other)
	require.Len(t, defs, 2)
	assert.Equal(t, DefinitionID(other, kerning), defs[0].ID, "ids are the tenant's own")
}

// A tenant seen only in headers gets actors lazily when default definitions
// exist, and plays like a configured one.
func TestDefaultDefinitionsStartTenantsLazily(t *testing.T) { defaultDefinitionsStartTenantsLazily(t) }

func defaultDefinitionsStartTenantsLazily(t *testing.T, opts ...option) {
	h := start(t, append([]option{withDefaultDefinitions(t)}, opts...)...)
	other := tenant.Tenant{ID: uuid.New(), Region: "EMS", MajorVersion: 95}
	h.sendAs(other, 201, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 9, ChannelID: 1})
	id := h.created(1, kerning)
	st, err := h.sub.Instance(context.Background(), other, id)
	require.NoError(t, err)
	assert.Equal(t, uint32(9), st.PartyID)
	_, err = h.sub.Instance(context.Background(), tn, id)
	assert.ErrorIs(t, err, ErrNotFound, "another tenant's instance is invisible")
}
