package transport_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/changelog"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/transport/ride"
)

// Handover: actors restored from the changelog by a partition's next
// owner, and the cross-actor invariants when actors live on different
// replicas.

// A route restored mid-day (its partition moved after it committed the
// 12:05 departure) announces neither the start-up ARRIVED nor that
// departure again; it announces the next ones, once, and sweeps the
// presence it restored. A route restored from a state before the
// departure fires the overdue departure once on catch-up.
func TestRouteRestoredMidDayAnnouncesOnlyWhatIsLeft(t *testing.T) {
	seed := launch(t, setup{tenants: []config.Tenant{dockTenant()}})
	seed.armed(1)
	seed.fake.Set(actortest.T0) // boarding opens: ARRIVED
	eventually(t, 10*time.Second, "ARRIVED", func() bool { return len(statusTypes(t, seed)) == 1 })
	seed.enter(31, 1, dock.StagingMapID, uuid.Nil)
	seed.consumed()
	beforeDeparture := seed.changelogState(t)

	// Taken over mid-boarding: a fresh start would announce the docked
	// vessel again; the restored route knows it did.
	clk := clock.NewFake(actortest.T0.Add(2 * time.Minute))
	boarding := launch(t, setup{tenants: []config.Tenant{dockTenant()}, clk: clk, state: beforeDeparture})
	boarding.armed(1)
	clk.Set(clk.Now())
	boarding.armed(1)
	assert.Empty(t, timerBatches(boarding), "no second ARRIVED")

	// Jump, not Set: Set fires the 12:04 boarding close at its own
	// instant, and an actor that handles it before Set returns would arm
	// the 12:05 departure after Set stopped looking. After a Jump, one
	// tick at 12:05 applies both.
	seed.armed(1)
	seed.fake.Jump(actortest.T0.Add(5 * time.Minute))
	eventually(t, 10*time.Second, "DEPARTED", func() bool { return len(statusTypes(t, seed)) == 2 })
	seed.armed(1)
	afterDeparture := seed.changelogState(t)

	// The new owner takes over at the very instant of the departure it must
	// not repeat (a fresh start would apply the transitions due now).
	clk = clock.NewFake(actortest.T0.Add(5 * time.Minute))
	e := launch(t, setup{tenants: []config.Tenant{dockTenant()}, clk: clk, state: afterDeparture})
	e.armed(1)
	clk.Set(clk.Now()) // anything overdue would fire now
	e.armed(1)
	assert.Empty(t, timerBatches(e), "no start-up ARRIVED, no second DEPARTED")

	clk.Set(actortest.T0.Add(15 * time.Minute)) // arrival, and the next boarding
	eventually(t, 10*time.Second, "ARRIVED", func() bool { return len(statusTypes(t, e)) == 1 })
	e.armed(1)
	clk.Jump(actortest.T0.Add(20 * time.Minute)) // the 12:19 boarding close and the 12:20 departure, as above
	eventually(t, 10*time.Second, "DEPARTED", func() bool { return len(statusTypes(t, e)) == 2 })
	e.armed(1)
	assert.Equal(t, []string{messages.TypeArrived, messages.TypeDeparted}, statusTypes(t, e))
	// Character 31 never moved (no channel server here): the restored
	// presence still has it in the staging map, swept at 12:20.
	assert.Equal(t, []warp{{31, dock.EnRouteMapIDs[0]}}, warpsOf(outs(t, messages.CommandTopicCharacter, timerBatches(e)...)))

	// From the state before the departure: the departure is 30 s overdue
	// and fires once, on the first tick (a fresh start would miss it).
	clk = clock.NewFake(actortest.T0.Add(5*time.Minute + 30*time.Second))
	late := launch(t, setup{tenants: []config.Tenant{dockTenant()}, clk: clk, state: beforeDeparture})
	late.armed(1)
	clk.Set(clk.Now())
	eventually(t, 10*time.Second, "the overdue DEPARTED", func() bool { return len(statusTypes(t, late)) == 1 })
	late.armed(1)
	assert.Equal(t, []string{messages.TypeDeparted}, statusTypes(t, late))
	assert.Equal(t, []warp{{31, dock.EnRouteMapIDs[0]}}, warpsOf(outs(t, messages.CommandTopicCharacter, timerBatches(late)...)))
}

// A directory shard restored from the changelog alone (the ride's own
// state not restored: another replica runs it) refuses the character a
// second ride, and lets it ride again once the first ride's end reaches it.
func TestDirectoryRestoredRefusesASecondRide(t *testing.T) {
	other := subway
	other.ID, other.Name = uuid.MustParse("7f0c8bbf-52c6-4cd8-9a5b-0bd3a8e1f004"), "other"
	cfg := config.Tenant{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{subway, other}}
	seed := launch(t, setup{tenants: []config.Tenant{cfg}})
	seed.startRide(4, subway.ID)
	seed.consumed()
	riders := map[string][]byte{}
	for k, v := range seed.changelogState(t) {
		if string(changelog.Key(kafkatest.Tenant, "rider", "4")) == k {
			riders[k] = v
		}
	}
	require.Len(t, riders, 1, "the character's directory entry")

	e := launch(t, setup{tenants: []config.Tenant{cfg}, state: riders})
	e.startRide(4, other.ID)
	conflict := e.last()
	e.consumed()
	assert.Equal(t, map[*kafka.Input]messages.Reason{conflict: messages.ReasonConflict}, rejectionsByRoot(e))
	assert.Empty(t, contractRecords(effects(t, e, conflict)))
}

// replica is one transport subsystem of a broker-free cluster: it owns
// some internal partitions, and its ingress handles the contract records
// a test hands it.
type replica struct {
	sub  *transport.Subsystem
	owns map[int32]bool
}

// cluster runs replicas on one Recorder, each with its own actor system,
// the internal topic relayed to the replica owning each record's
// partition.
type cluster struct {
	rec      *actortest.Recorder
	relay    *actortest.Relay
	replicas []*replica
	mu       sync.Mutex
	offset   int64
}

func startCluster(t *testing.T, tenants []config.Tenant, owned ...[]int32) *cluster {
	t.Helper()
	ae := actortest.NewEnv(t)
	c := &cluster{rec: ae.Recorder}
	c.relay = &actortest.Relay{Effects: ae.Recorder, Topic: messages.InternalTopicTransport, Count: partitions,
		Handle: func(in *kafka.Input) error {
			for _, r := range c.replicas {
				if r.owns[in.Partition] {
					return r.sub.HandleInternal(in)
				}
			}
			return fmt.Errorf("partition %d owned by nobody", in.Partition)
		}}
	for i, ps := range owned {
		sys := ae.Sys
		if i > 0 {
			sys = actors.NewSystem(ae.Log)
			t.Cleanup(sys.Shutdown)
		}
		r := &replica{sub: transport.New(sys, transport.Deps{Clock: ae.FakeClock, Log: ae.Log, Metrics: ae.Metrics}, tenants),
			owns: map[int32]bool{}}
		for _, p := range ps {
			r.owns[p] = true
		}
		require.NoError(t, r.sub.Start(c.relay))
		require.NoError(t, r.sub.Assign(kafka.Assignment{Partitions: ps, Count: partitions}))
		t.Cleanup(r.sub.Stop)
		c.replicas = append(c.replicas, r)
	}
	return c
}

// start hands a START to replica i's ingress, as if that replica read it.
func (c *cluster) start(t *testing.T, i int, character uint32, route uuid.UUID) {
	raw, err := json.Marshal(messages.CharacterEvent[messages.StartTransportBody]{CharacterID: character, Type: messages.TypeStart,
		Body: messages.StartTransportBody{RouteID: route, ChannelID: 1}})
	require.NoError(t, err)
	c.mu.Lock()
	c.offset++
	off := c.offset
	c.mu.Unlock()
	in := actortest.Input(messages.CommandTopicInstanceTransport, kafkatest.Tenant, off, raw)
	if err := c.replicas[i].sub.HandleStartCommand(in); err != nil {
		c.relay.Reject(in, err)
	}
}

// partitionOf is where an actor key of the test tenant is placed.
func partitionOf(kind, id string) int32 {
	return kafka.PartitionFor(changelog.Key(kafkatest.Tenant, kind, id), partitions)
}

// routeOn is an instance route like subway whose ride key hashes into
// partitions (found by trying name-based ids).
func routeOn(t *testing.T, name string, ps map[int32]bool) ride.Route {
	for i := 0; i < 1000; i++ {
		r := subway
		r.ID = uuid.NewSHA1(uuid.NameSpaceOID, []byte(name+strconv.Itoa(i)))
		r.Name = name
		r.BoardingWindow, r.Travel, r.Capacity = time.Hour, time.Hour, 100
		if ps[partitionOf("ride", r.ID.String())] {
			return r
		}
	}
	t.Fatalf("no route id hashes into %v", ps)
	return ride.Route{}
}

// The same character STARTs rides of two routes whose ride actors run on
// different replicas, each START read by a different replica's ingress, at
// once: exactly one boards, the other is refused as a conflict by the
// character's directory shard. Repeated for many characters, whose rider
// keys spread over both replicas.
func TestOneRidePerCharacterAcrossReplicas(t *testing.T) {
	a, b := []int32{0, 1}, []int32{2, 3}
	x := routeOn(t, "x", map[int32]bool{0: true, 1: true})
	y := routeOn(t, "y", map[int32]bool{2: true, 3: true})
	c := startCluster(t, []config.Tenant{{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{x, y}}}, a, b)

	const n = 40
	var wg sync.WaitGroup
	for ch := uint32(1); ch <= n; ch++ {
		wg.Add(2)
		go func() { defer wg.Done(); c.start(t, 0, ch, x.ID) }()
		go func() { defer wg.Done(); c.start(t, 1, ch, y.ID) }()
	}
	wg.Wait()
	started := func() map[uint32]int {
		out := map[uint32]int{}
		for _, r := range c.rec.Records() {
			if r.Topic == messages.EventTopicInstanceTransport {
				out[r.Value.(messages.CharacterEvent[messages.RideBody]).CharacterID]++
			}
		}
		return out
	}
	eventually(t, 20*time.Second, "every character boarded once and refused once", func() bool {
		return len(started()) == n && len(c.rec.Rejections()) == n && c.relay.Idle()
	})
	for ch, k := range started() {
		assert.Equal(t, 1, k, "character %d STARTED once", ch)
	}
	for _, j := range c.rec.Rejections() {
		assert.Equal(t, messages.ReasonConflict, j.Reason)
	}
	aboard := map[uint32]int{}
	for i, r := range []ride.Route{x, y} {
		ins, err := c.replicas[i].sub.Instances(t.Context(), kafkatest.Tenant, r.ID)
		require.NoError(t, err)
		for _, in := range ins {
			for _, rd := range in.Riders {
				aboard[rd.CharacterID]++
			}
		}
		_, err = c.replicas[1-i].sub.Instances(t.Context(), kafkatest.Tenant, r.ID)
		assert.ErrorIs(t, err, transport.ErrNotLocal, "route %s runs on one replica only", r.Name)
	}
	assert.Len(t, aboard, n)
	for ch, k := range aboard {
		assert.Equal(t, 1, k, "character %d rides one instance", ch)
	}
}

// A REST START on the replica that runs the character's directory shard
// returns once the ride (on the other replica) committed the warp and
// STARTED; on the other replica it is forwarded and reported queued, and
// the shard's replica decides it.
func TestRestStartAcrossReplicas(t *testing.T) {
	x := routeOn(t, "x", map[int32]bool{2: true, 3: true})
	c := startCluster(t, []config.Tenant{{Tenant: kafkatest.Tenant, InstanceRoutes: []ride.Route{x}}}, []int32{0, 1}, []int32{2, 3})
	var local, remote uint32 // characters whose rider key replica 0 runs, and does not
	for ch := uint32(1); local == 0 || remote == 0; ch++ {
		if p := partitionOf("rider", strconv.Itoa(int(ch))); p < 2 {
			local = ch
		} else {
			remote = ch
		}
	}
	queued, err := c.replicas[0].sub.StartRide(t.Context(), kafkatest.Tenant, x.ID, 0, local, 1)
	require.NoError(t, err)
	assert.False(t, queued, "decided here: answered once committed")
	ins, err := c.replicas[1].sub.Instances(t.Context(), kafkatest.Tenant, x.ID)
	require.NoError(t, err)
	require.Len(t, ins, 1)
	assert.Equal(t, local, ins[0].Riders[0].CharacterID, "aboard when the answer came")

	queued, err = c.replicas[0].sub.StartRide(t.Context(), kafkatest.Tenant, x.ID, 0, remote, 1)
	require.NoError(t, err)
	assert.True(t, queued, "forwarded to the replica that decides")
	eventually(t, 10*time.Second, "the forwarded START boarded", func() bool {
		ins, err := c.replicas[1].sub.Instances(t.Context(), kafkatest.Tenant, x.ID)
		return err == nil && len(ins) == 1 && len(ins[0].Riders) == 2
	})
}
