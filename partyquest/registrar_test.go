package partyquest

import (
	"testing"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func individualDef(affinity string) definition.Definition {
	def := testDef()
	def.QuestID = "solo_pq"
	def.FieldLock = definition.FieldLockNone
	def.Registration = definition.Registration{Type: "individual", Mode: "timed", Duration: 120, MapID: 5000, Affinity: affinity}
	return def
}

func requireReject(t *testing.T, d Decision, reason messages.Reason) {
	t.Helper()
	require.Equal(t, DecisionReject, d.Kind, "%+v", d)
	require.Equal(t, reason, d.Rejection.Reason, d.Rejection.Detail)
}

func TestIndividualCreateThenJoin(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := individualDef("none")
	d := r.Register(RegisterRequest{Definition: def, Sender: alice, MapID: 5000})
	require.Equal(t, Decision{Kind: DecisionCreate, InstanceID: fieldUUID(1), Registration: Registration{
		WorldID: 1, ChannelID: 2, Characters: []Character{alice},
	}}, d)
	first := d.InstanceID

	d = r.Register(RegisterRequest{Definition: def, Sender: carol}) // same channel 2, map 0 skips the check
	require.Equal(t, Decision{Kind: DecisionJoin, InstanceID: first, Character: carol}, d)

	d = r.Register(RegisterRequest{Definition: def, Sender: bob}) // channel 3: no match
	require.Equal(t, DecisionCreate, d.Kind)
	require.NotEqual(t, first, d.InstanceID)

	wild := dave
	wild.ChannelID = 0 // REGISTER channel 0 joins any channel: the oldest match
	d = r.Register(RegisterRequest{Definition: def, Sender: wild})
	require.Equal(t, Decision{Kind: DecisionJoin, InstanceID: first, Character: wild}, d)

	other := Character{ID: 200, WorldID: 2, ChannelID: 2}
	require.Equal(t, DecisionCreate, r.Register(RegisterRequest{Definition: def, Sender: other}).Kind, "another world never joins")

	id, ok := r.InstanceOf(carol.ID)
	require.True(t, ok)
	require.Equal(t, first, id)
	require.Equal(t, 3, r.Len())
}

func TestIndividualRegistrationMapMustMatch(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	requireReject(t, r.Register(RegisterRequest{Definition: individualDef("none"), Sender: alice, MapID: 6000}), messages.ReasonConflict)
	require.Equal(t, 0, r.Len())
}

func TestIndividualAffinity(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := individualDef("guild")
	requireReject(t, r.Register(RegisterRequest{Definition: def, Sender: alice}), messages.ReasonUnknownTarget)

	g1 := r.Register(RegisterRequest{Definition: def, Sender: alice, AffinityID: 11})
	require.Equal(t, DecisionCreate, g1.Kind)
	require.Equal(t, uint32(11), g1.Registration.AffinityID)

	g2 := r.Register(RegisterRequest{Definition: def, Sender: carol, AffinityID: 22})
	require.Equal(t, DecisionCreate, g2.Kind, "another guild gets its own instance")

	j := r.Register(RegisterRequest{Definition: def, Sender: dave, AffinityID: 22})
	require.Equal(t, Decision{Kind: DecisionJoin, InstanceID: g2.InstanceID, Character: dave}, j)

	// affinity none: the resolved id is 0, a wildcard, so everyone shares.
	none := individualDef("none")
	a := r.Register(RegisterRequest{Definition: none, Sender: Character{ID: 301, WorldID: 1, ChannelID: 2}})
	b := r.Register(RegisterRequest{Definition: none, Sender: Character{ID: 302, WorldID: 1, ChannelID: 2}})
	require.Equal(t, DecisionJoin, b.Kind)
	require.Equal(t, a.InstanceID, b.InstanceID)
}

func TestStartedInstancesTakeNoJoins(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := individualDef("none")
	first := r.Register(RegisterRequest{Definition: def, Sender: alice}).InstanceID
	r.Started(first)
	d := r.Register(RegisterRequest{Definition: def, Sender: carol})
	require.Equal(t, DecisionCreate, d.Kind)
	require.NotEqual(t, first, d.InstanceID)
}

func TestOneLiveInstancePerCharacter(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := individualDef("none")
	first := r.Register(RegisterRequest{Definition: def, Sender: alice}).InstanceID

	again := r.Register(RegisterRequest{Definition: def, Sender: alice})
	require.Equal(t, Decision{Kind: DecisionJoin, InstanceID: first, Character: alice}, again, "redelivery joins the same registering instance (a machine no-op)")

	requireReject(t, r.Register(RegisterRequest{Definition: testDef(), Sender: alice}), messages.ReasonConflict)
	r.Started(first)
	requireReject(t, r.Register(RegisterRequest{Definition: def, Sender: alice}), messages.ReasonConflict)

	r.Ended(first)
	_, ok := r.InstanceOf(alice.ID)
	require.False(t, ok)
	require.Equal(t, DecisionCreate, r.Register(RegisterRequest{Definition: def, Sender: alice}).Kind)
}

func TestUnjoinFreesTheCharacter(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := individualDef("none")
	first := r.Register(RegisterRequest{Definition: def, Sender: alice}).InstanceID
	require.Equal(t, DecisionJoin, r.Register(RegisterRequest{Definition: def, Sender: carol}).Kind)
	r.Unjoin(first, carol.ID) // the machine had already started
	_, ok := r.InstanceOf(carol.ID)
	require.False(t, ok)
	r.Unjoin(first, alice.ID)
	r.Ended(first)
	require.Equal(t, 0, r.Len())
}

func TestPartyWithResolvedMembers(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := testDef()
	members := []Character{alice, bob, carol}
	sender := alice
	sender.ChannelID = 0 // unspecified: the first member's channel
	d := r.Register(RegisterRequest{Definition: def, Sender: sender, PartyID: 7, Members: members})
	require.Equal(t, Decision{Kind: DecisionCreate, InstanceID: fieldUUID(1), Registration: Registration{
		WorldID: 1, ChannelID: 2, PartyID: 7, AffinityID: 7, Characters: members,
	}}, d)
	for _, c := range members {
		id, _ := r.InstanceOf(c.ID)
		require.Equal(t, d.InstanceID, id)
	}

	requireReject(t, r.Register(RegisterRequest{Definition: def, Sender: dave, PartyID: 8, Members: []Character{alice}}), messages.ReasonNotMember)
	requireReject(t, r.Register(RegisterRequest{Definition: def, Sender: dave, PartyID: 8, Members: []Character{}}), messages.ReasonUnknownTarget)
	requireReject(t, r.Register(RegisterRequest{Definition: def, Sender: dave, PartyID: 8, Members: []Character{dave, bob}}), messages.ReasonConflict)
}

func TestPartyWithoutPartiesServiceCollectsMembers(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := testDef()
	def.FieldLock = definition.FieldLockNone
	d := r.Register(RegisterRequest{Definition: def, Sender: alice, PartyID: 7})
	require.Equal(t, Decision{Kind: DecisionCreate, InstanceID: fieldUUID(1), Registration: Registration{
		WorldID: 1, ChannelID: 2, PartyID: 7, AffinityID: 7, Characters: []Character{alice}, AwaitMembers: true,
	}}, d)
	require.Equal(t, Decision{Kind: DecisionJoin, InstanceID: d.InstanceID, Character: bob},
		r.Register(RegisterRequest{Definition: def, Sender: bob, PartyID: 7}))
	require.Equal(t, DecisionCreate, r.Register(RegisterRequest{Definition: def, Sender: carol, PartyID: 8}).Kind, "another party")
	solo := r.Register(RegisterRequest{Definition: def, Sender: dave})
	require.Equal(t, Decision{Kind: DecisionCreate, InstanceID: fieldUUID(3), Registration: Registration{
		WorldID: 1, ChannelID: 2, Characters: []Character{dave},
	}}, solo, "no party: the sender alone, started at once")
}

func TestChannelFieldLock(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := testDef() // channel lock
	first := r.Register(RegisterRequest{Definition: def, Sender: alice, PartyID: 7, Members: []Character{alice}})
	require.Equal(t, DecisionCreate, first.Kind)
	requireReject(t, r.Register(RegisterRequest{Definition: def, Sender: carol, PartyID: 8, Members: []Character{carol}}), messages.ReasonConflict)
	require.Equal(t, DecisionCreate, r.Register(RegisterRequest{Definition: def, Sender: bob, PartyID: 9, Members: []Character{bob}}).Kind, "another channel is free")
	other := testDef()
	other.QuestID = "other_pq"
	require.Equal(t, DecisionCreate, r.Register(RegisterRequest{Definition: other, Sender: dave}).Kind, "another quest is free")

	r.Ended(first.InstanceID)
	require.Equal(t, DecisionCreate, r.Register(RegisterRequest{Definition: def, Sender: carol, PartyID: 8, Members: []Character{carol}}).Kind, "the lock is released with the instance")
}

func TestInstanceAndNoLockAllowParallelRuns(t *testing.T) {
	for _, lock := range []string{definition.FieldLockInstance, definition.FieldLockNone, ""} {
		r := NewRegistrar(&stepRandom{})
		def := testDef()
		def.FieldLock = lock
		require.Equal(t, DecisionCreate, r.Register(RegisterRequest{Definition: def, Sender: alice}).Kind)
		require.Equal(t, DecisionCreate, r.Register(RegisterRequest{Definition: def, Sender: carol}).Kind, lock)
	}
}

func TestRegisterNeedsASenderAndADefinition(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	requireReject(t, r.Register(RegisterRequest{Definition: testDef()}), messages.ReasonMissingField)
	requireReject(t, r.Register(RegisterRequest{Sender: alice}), messages.ReasonUnknownTarget)
}

func TestTrackRebuildsTheIndex(t *testing.T) {
	a := newActive(t, testDef())
	r := NewRegistrar(&stepRandom{})
	tr, ok := TrackedOf(a.State())
	require.True(t, ok)
	require.NoError(t, r.Track(tr))
	requireReject(t, r.Register(RegisterRequest{Definition: testDef(), Sender: carol, PartyID: 8, Members: []Character{carol}}), messages.ReasonConflict)
	requireReject(t, r.Register(RegisterRequest{Definition: individualDef("none"), Sender: bob}), messages.ReasonConflict)

	dup := tr
	dup.ID = uuid.New()
	require.Error(t, r.Track(dup), "characters and lock already held")
	require.Equal(t, 2, r.Len())

	done := a.State()
	done.Destroyed = true
	_, ok = TrackedOf(done)
	require.False(t, ok, "destroyed instances have no record")

	// The record round-trips: a registrar rebuilt from it decides alike,
	// and instances created afterwards are younger.
	saved, ok := r.Tracked(a.ID())
	require.True(t, ok)
	again := NewRegistrar(&stepRandom{})
	require.NoError(t, again.Track(saved))
	got, _ := again.Tracked(a.ID())
	assert.Equal(t, saved, got)
	requireReject(t, again.Register(RegisterRequest{Definition: testDef(), Sender: carol, PartyID: 8, Members: []Character{carol}}), messages.ReasonConflict)
}

// The registrar's decision feeds New and Join directly.
func TestRegistrarDrivesMachines(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	def := testDef()
	d := r.Register(RegisterRequest{Definition: def, Sender: alice, PartyID: 7})
	m, recs := New(d.InstanceID, &def, d.Registration, &stepRandom{}, t0)
	require.Len(t, recs, 2)
	j := r.Register(RegisterRequest{Definition: def, Sender: bob, PartyID: 7})
	recs, err := m.Join(j.Character, t0)
	require.NoError(t, err)
	require.Len(t, recs, 1)
	start, err := m.Handle(messages.PartyQuestCommand{CharacterID: bob.ID, Type: "START", Instance: &messages.InstanceBody{InstanceID: m.ID()}}, t0)
	require.NoError(t, err)
	require.Len(t, start, 3)
	r.Started(m.ID())
	m.Shutdown()
	r.Ended(m.ID())
	require.Equal(t, 0, r.Len())
}

// A scope's registering instances are searched oldest first, whatever
// order a restore tracks them in, and leaving from the head, the middle or
// the end keeps the rest in order.
func TestJoinCandidatesStayOldestFirst(t *testing.T) {
	r := NewRegistrar(&stepRandom{})
	ids := map[uint64]uuid.UUID{}
	for _, seq := range []uint64{4, 2, 5, 1, 3} { // a restore's order
		ids[seq] = uuid.New()
		require.NoError(t, r.Track(Tracked{ID: ids[seq], QuestID: "solo_pq", WorldID: 1, ChannelID: 1,
			Individual: true, Registering: true, Seq: seq}))
	}
	sc := joinScope{questID: "solo_pq", world: 1, individual: true}
	order := func() []uint64 {
		var got []uint64
		for li := r.joinable[sc]; li != nil; li = li.nextJoin {
			got = append(got, li.seq)
		}
		if head := r.joinable[sc]; head != nil {
			assert.Equal(t, got[len(got)-1], head.prevJoin.seq, "the oldest links to the youngest")
		}
		return got
	}
	require.Equal(t, []uint64{1, 2, 3, 4, 5}, order())
	assert.Equal(t, ids[1], r.oldest(sc, nil).id)
	assert.Equal(t, ids[3], r.oldest(sc, func(li *liveInstance) bool { return li.seq > 2 }).id)

	r.Started(ids[1]) // the head
	r.Ended(ids[3])   // the middle
	r.Started(ids[5]) // the end
	require.Equal(t, []uint64{2, 4}, order())
	d := r.Register(RegisterRequest{Definition: individualDef("none"), Sender: Character{ID: 9, WorldID: 1, ChannelID: 1}})
	require.Equal(t, DecisionJoin, d.Kind, "%+v", d)
	assert.Equal(t, ids[2], d.InstanceID, "the oldest candidate left takes the join")
	ids[6] = uuid.New()
	require.NoError(t, r.Track(Tracked{ID: ids[6], QuestID: "solo_pq", WorldID: 1, ChannelID: 1, Individual: true, Registering: true}))
	require.Equal(t, []uint64{2, 4, 6}, order(), "an instance tracked without its order is the youngest")
	for _, seq := range []uint64{4, 2, 6} {
		r.Ended(ids[seq])
	}
	assert.Empty(t, r.joinable, "an emptied scope is forgotten")
}
