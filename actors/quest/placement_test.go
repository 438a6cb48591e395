package quest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/partyquest"
)

// Broker-free tests of placement: several replicas of the subsystem, each
// owning some partitions of the internal topic, share the topics (one
// Recorder, one Relay handing every internal record to its partition's
// owner) and a clock. Partitions move between them as a rebalance moves
// them: Revoke on the old owner, then Assign on the new one with the
// changelog state of those partitions.

// replicas is the broker-free cluster of one test.
type replicas struct {
	t     *testing.T
	clk   *clock.Fake
	rec   *actortest.Recorder
	relay *actortest.Relay
	tap   *tap
	subs  []*Subsystem

	mu      sync.Mutex
	owner   [partitions]int // replica index, -1 while the partition moves
	pending []*kafka.Input  // internal records of a moving partition, for its next owner
	sent    []*kafka.Input  // commands, each handled by one replica's ingress
}

func newReplicas(t *testing.T, n int, opts ...func(*Deps)) *replicas {
	t.Helper()
	c := &replicas{t: t, clk: clock.NewFake(t0), rec: &actortest.Recorder{}}
	c.relay = &actortest.Relay{Effects: c.rec, Topic: messages.InternalTopicPartyQuest, Count: partitions}
	c.tap = &tap{relay: c.relay}
	c.relay.Handle = c.tap.around(c.deliver)
	for p := range c.owner {
		c.owner[p] = -1
	}
	for range n {
		log := zaptest.NewLogger(t, zaptest.Level(zap.WarnLevel))
		sys := actors.NewSystem(log)
		deps := Deps{Clock: c.clk, Log: log, Metrics: metrics.New()}
		for _, o := range opts {
			o(&deps)
		}
		sub := New(sys, deps, []config.Tenant{{Tenant: tn, QuestDefinitions: samples(t)}})
		require.NoError(t, sub.Start(c.relay))
		t.Cleanup(func() {
			sub.Stop()
			sys.Shutdown()
		})
		c.subs = append(c.subs, sub)
	}
	return c
}

// deliver is the internal topic's consumer: the owner of the record's
// partition gets it; a partition that is moving keeps it for its next
// owner.
func (c *replicas) deliver(in *kafka.Input) error {
	c.mu.Lock()
	i := c.owner[in.Partition]
	if i < 0 {
		c.pending = append(c.pending, in)
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	return c.subs[i].HandleInternal(in)
}

// assign gives partitions to replica i with their changelog state, then
// hands it what was waiting for them.
func (c *replicas) assign(i int, parts ...int32) {
	c.t.Helper()
	require.NoError(c.t, c.subs[i].Assign(kafka.Assignment{Partitions: parts, Count: partitions, State: c.state(parts)}))
	c.mu.Lock()
	var waiting, kept []*kafka.Input
	for _, p := range parts {
		c.owner[p] = i
	}
	for _, in := range c.pending {
		if c.owner[in.Partition] == i {
			waiting = append(waiting, in)
		} else {
			kept = append(kept, in)
		}
	}
	c.pending = kept
	c.mu.Unlock()
	for _, in := range waiting {
		if err := c.subs[i].HandleInternal(in); err != nil {
			c.rec.Reject(in, err)
		}
	}
}

// revoke takes partitions from their owner, once what it was sent is
// committed (as the pipeline waits before revoking).
func (c *replicas) revoke(parts ...int32) {
	c.t.Helper()
	c.quiet()
	byOwner := map[int][]int32{}
	c.mu.Lock()
	for _, p := range parts {
		byOwner[c.owner[p]] = append(byOwner[c.owner[p]], p)
		c.owner[p] = -1
	}
	c.mu.Unlock()
	for i, ps := range byOwner {
		c.subs[i].Revoke(ps)
	}
}

// state is what kafka.ReadChangelog returns for partitions: the latest
// value of every changelog key placed there.
func (c *replicas) state(parts []int32) map[string][]byte {
	want := map[int32]bool{}
	for _, p := range parts {
		want[p] = true
	}
	state := map[string][]byte{}
	for _, r := range c.rec.Records() {
		if r.Topic != messages.ChangelogTopicPartyQuest || !want[placed(r)] {
			continue
		}
		if v := encode(c.t, r.Value); v == nil {
			delete(state, string(r.Key))
		} else {
			state[string(r.Key)] = v
		}
	}
	return state
}

// placed is the partition of an internal or changelog record.
func placed(r messages.Record) int32 {
	owner := r.Owner
	if owner == nil {
		owner = r.Key
	}
	return kafka.PartitionFor(owner, partitions)
}

func partitionOf(key []byte) int32 { return kafka.PartitionFor(key, partitions) }

// send hands a command from character ch to replica i's ingress, as the
// replica owning the command's partition would.
func (c *replicas) send(i int, ch uint32, typ string, body any) {
	c.t.Helper()
	key := messages.IntKey(ch)
	in := actortest.Input(messages.CommandTopicPartyQuest, tn, 0, kafkatest.Value(c.t, messages.Command[any]{WorldID: 1, CharacterID: ch, Type: typ, Body: body}))
	in.Key, in.Partition = key, partitionOf(key)
	c.mu.Lock()
	in.Offset = int64(len(c.sent))
	c.sent = append(c.sent, in)
	c.mu.Unlock()
	if err := c.subs[i].HandleCommand(in); err != nil {
		c.rec.Reject(in, err)
	}
}

// quiet waits until every command and internal record so far is
// completed, each exactly once.
func (c *replicas) quiet() {
	c.t.Helper()
	var ins []*kafka.Input
	deadline := time.Now().Add(wait)
	for {
		c.mu.Lock()
		ins = append(ins[:0], c.sent...)
		c.mu.Unlock()
		relayed := c.tap.all()
		for _, r := range relayed {
			ins = append(ins, r.In)
		}
		done := true
		for _, in := range ins {
			done = done && c.rec.Completed(in)
		}
		if done && c.relay.Idle() && len(c.tap.all()) == len(relayed) {
			break
		}
		if time.Now().After(deadline) {
			c.t.Fatal("timed out waiting for every input to be completed")
		}
		time.Sleep(time.Millisecond) // between checks, never instead of one
	}
	for _, in := range ins {
		require.Equal(c.t, 1, c.rec.Times(in), "an input is completed exactly once")
	}
}

// events are the status events so far.
func (c *replicas) events() []event {
	var rs []rec
	for _, r := range c.rec.Records() {
		if r.Topic == messages.EventTopicPartyQuestStatus {
			rs = append(rs, rec{key: r.Key, value: encode(c.t, r.Value)})
		}
	}
	return decodeEvents(c.t, rs)
}

func (c *replicas) typesOf(id uuid.UUID) []string {
	var out []string
	for _, e := range c.events() {
		if e.Instance == id {
			out = append(out, e.Type)
		}
	}
	return out
}

func (c *replicas) created() []uuid.UUID {
	var out []uuid.UUID
	for _, e := range c.events() {
		if e.Type == messages.TypeInstanceCreated {
			out = append(out, e.Instance)
		}
	}
	return out
}

func (c *replicas) dead() []dead {
	var rs []rec
	for _, j := range c.rec.Rejections() {
		rs = append(rs, rec{key: j.In.Key, value: j.In.Value, reason: string(j.Reason)})
	}
	return decodeDead(rs)
}

// Two parties that share a character register at the same moment, their
// REGISTERs read by different replicas: the tenant's registrar, on one
// replica, decides both, so exactly one instance holds the character and
// the other REGISTER is refused.
func TestSharedCharacterRegistersOnce(t *testing.T) {
	url := partiesService(t, map[uint32][]member{
		7: {{101, 1, 25}, {102, 1, 25}, {103, 1, 25}},
		8: {{103, 1, 25}, {111, 2, 25}, {112, 2, 25}},
	})
	c := newReplicas(t, 2, func(d *Deps) { d.Parties = clientsFor(url) })
	c.assign(0, 0, 1)
	c.assign(1, 2, 3)

	var wg sync.WaitGroup
	wg.Go(func() {
		c.send(0, 101, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 7, ChannelID: 1})
	})
	wg.Go(func() {
		c.send(1, 111, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 8, ChannelID: 2})
	})
	wg.Wait()
	c.quiet()

	ids := c.created()
	require.Len(t, ids, 1, "exactly one instance")
	d := c.dead()
	require.Len(t, d, 1)
	assert.Equal(t, "conflict", d[0].Reason)
	assert.Equal(t, messages.TypeRegister, d[0].Type, "the dead letter holds the REGISTER, though the registrar refused it")

	owner := c.owner[partitionOf(instanceKey(tn, ids[0]))]
	st, err := c.subs[owner].Instance(context.Background(), tn, ids[0])
	require.NoError(t, err, "the instance runs on its partition's owner")
	assert.Contains(t, st.Characters, partyquest.Character{ID: 103, WorldID: 1, ChannelID: 1, Level: 25})
	_, err = c.subs[1-owner].Instance(context.Background(), tn, ids[0])
	assert.ErrorIs(t, err, ErrNotFound, "and nowhere else")
}

// The registrar's partition moves to another replica: the registrar there
// is rebuilt from its registration entries, so it still refuses a
// character of the live instance and still holds the instance's field
// lock, and creates as before elsewhere.
func TestRegistrarRestoredKeepsCharactersAndLocks(t *testing.T) {
	url := partiesService(t, map[uint32][]member{
		7: {{101, 1, 25}, {102, 1, 25}, {103, 1, 25}},
		8: {{111, 1, 25}, {112, 1, 25}, {113, 1, 25}},
		9: {{121, 2, 25}, {122, 2, 25}, {123, 2, 25}},
	})
	c := newReplicas(t, 2, func(d *Deps) { d.Parties = clientsFor(url) })
	c.assign(0, 0, 1, 2, 3)
	c.send(0, 101, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 7, ChannelID: 1})
	c.quiet()
	require.Len(t, c.created(), 1)
	live := c.created()[0]

	reg := partitionOf(registrarKey(tn))
	entries := c.state([]int32{reg})
	require.Contains(t, entries, string(registrationKeyOf(live)), "the index entry is stored on the registrar's partition")
	c.revoke(reg)
	c.assign(1, reg)

	c.send(0, 102, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 7, ChannelID: 1}) // in the live instance
	c.send(0, 111, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 8, ChannelID: 1}) // channel 1 is locked
	c.send(0, 121, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 9, ChannelID: 2}) // free
	c.quiet()
	assert.ElementsMatch(t, []dead{
		{Reason: "conflict", Character: 102, Type: messages.TypeRegister},
		{Reason: "conflict", Character: 111, Type: messages.TypeRegister},
	}, c.dead())
	require.Len(t, c.created(), 2, "channel 2 is free")

	// The run ends (FORFEIT): its entry is tombstoned by the registrar on
	// its new replica, which frees channel 1 and the characters.
	c.send(0, 101, messages.TypeForfeit, messages.InstanceBody{InstanceID: live})
	c.quiet()
	assert.NotContains(t, c.state([]int32{reg}), string(registrationKeyOf(live)))
	c.send(0, 111, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 8, ChannelID: 1})
	c.quiet()
	assert.Len(t, c.created(), 3)
	assert.Len(t, c.dead(), 2)
}

func registrationKeyOf(id uuid.UUID) []byte { return changelog.Key(tn, registrationKind, id.String()) }

// An instance's partition moves to another replica while its run limit
// passes: the old owner's actor is stopped with its timer, the new owner
// resumes it from the changelog with the timer armed and fires the
// overdue limit at once. Every timer fires once over the handover, and
// each timer batch commits on the instance's partition (its state record
// first among the placed records).
func TestInstanceResumesOnAnotherReplicaWithItsTimers(t *testing.T) {
	t.Run("running", func(t *testing.T) { instanceResumesOnAnotherReplicaWithItsTimers(t) })
	// Resumed at rest, its overdue timer wakes it.
	t.Run("at rest", func(t *testing.T) {
		instanceResumesOnAnotherReplicaWithItsTimers(t, func(d *Deps) { d.PassivateAfter = time.Hour })
	})
}

func instanceResumesOnAnotherReplicaWithItsTimers(t *testing.T, opts ...func(*Deps)) {
	c := newReplicas(t, 2, opts...) // no parties service: members join with their REGISTER
	c.assign(0, 0, 1, 2, 3)
	for _, ch := range []uint32{201, 202, 203} {
		c.send(0, ch, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 9, ChannelID: 1})
		c.quiet()
	}
	require.Len(t, c.created(), 1)
	id := c.created()[0]
	p := partitionOf(instanceKey(tn, id))

	c.clk.Advance(partyquest.DefaultAwaitMembersWindow) // the window's end, on replica 0
	waitFor(t, "STARTED", func() bool { return len(c.typesOf(id)) == 5 })
	c.quiet()

	c.revoke(p)
	c.clk.Advance(1800 * time.Second) // the run limit passes while the partition moves
	c.quiet()
	assert.Len(t, c.typesOf(id), 5, "the revoked replica fires nothing")
	c.assign(1, p)
	resumed, err := c.subs[1].Instance(context.Background(), tn, id) // answered once started, its timer armed
	require.NoError(t, err)
	assert.Equal(t, partyquest.StateActive, resumed.State)
	c.clk.Advance(0) // the fake clock fires an overdue timer at its next move
	waitFor(t, "the overdue run limit", func() bool { return len(c.typesOf(id)) == 7 })
	c.quiet()
	assert.Equal(t, []string{
		messages.TypeInstanceCreated, messages.TypeRegistrationOpened,
		messages.TypeCharacterRegistered, messages.TypeCharacterRegistered,
		messages.TypeStarted, messages.TypeFailed, messages.TypeInstanceDestroyed,
	}, c.typesOf(id), "each timer fired once")
	_, err = c.subs[1].Instance(context.Background(), tn, id)
	assert.ErrorIs(t, err, ErrNotFound, "ended")

	for _, b := range c.rec.Batches() {
		if b.In != nil {
			continue
		}
		for _, r := range b.Records {
			if r.Topic == messages.ChangelogTopicPartyQuest || r.Topic == messages.InternalTopicPartyQuest {
				assert.Equal(t, p, placed(r), "a timer batch is owned by the instance's partition")
				break
			}
		}
	}

	// The ended report reached the registrar: the characters are free.
	c.send(0, 201, messages.TypeRegister, messages.RegisterBody{QuestID: kerning, PartyID: 9, ChannelID: 1})
	c.quiet()
	assert.Len(t, c.created(), 2)
	assert.Empty(t, c.dead())
}

// waitFor polls cond with the harness's deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // between checks, never instead of one
	}
}
