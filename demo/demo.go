// Package demo drives a locally running service with sample game traffic,
// the way the channel servers and other services would, and logs every
// record the service produces. It exists for `make run`: a newcomer sees
// boats depart, rides start and arrive, and party quests run.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/service"
)

// Demo is the traffic generator and output tail.
type Demo struct {
	log     *zap.Logger
	names   messages.TopicNames
	tenant  config.Tenant
	client  *kgo.Client
	tail    *kgo.Client
	mu      sync.Mutex
	pending []action
	nextID  uint32
	rounds  int
	parties map[uint32]uint32    // partyId → the member who speaks for it
	leaders map[uuid.UUID]uint32 // instance → that member
	wg      sync.WaitGroup
}

type action struct {
	at time.Time
	do func()
}

// New connects to the broker the service uses and loads the same
// configuration to know the sample routes and quests.
func New(cfg service.Config, log *zap.Logger) (*Demo, error) {
	var opts []config.Option
	if cfg.DefinitionsPath != "" { // the service loads these too
		opts = append(opts, config.WithDefinitionsPath(cfg.DefinitionsPath))
	}
	c, _, err := config.Load(cfg.ConfigPath, opts...)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if len(c.Tenants) == 0 {
		return nil, fmt.Errorf("demo: %s has no tenant", cfg.ConfigPath)
	}
	seeds := kgo.SeedBrokers(strings.Split(cfg.Bootstrap, ",")...)
	client, err := kgo.NewClient(seeds)
	if err != nil {
		return nil, fmt.Errorf("demo producer: %w", err)
	}
	outs := []string{}
	for _, t := range []messages.Topic{messages.EventTopicTransportStatus, messages.EventTopicInstanceTransport,
		messages.CommandTopicCharacter, messages.EventTopicPartyQuestStatus, messages.DeadLetterTopic} {
		outs = append(outs, cfg.Topics.Name(t))
	}
	tail, err := kgo.NewClient(seeds, kgo.ConsumeTopics(outs...), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()))
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("demo tail: %w", err)
	}
	return &Demo{log: log, names: cfg.Topics, tenant: c.Tenants[0], client: client, tail: tail, nextID: 100000,
		parties: map[uint32]uint32{}, leaders: map[uuid.UUID]uint32{}}, nil
}

// Close waits for the demo's goroutines (ctx must have ended) and releases
// both clients.
func (d *Demo) Close() {
	d.wg.Wait()
	d.tail.Close()
	d.client.Close()
}

// Start produces traffic and logs outputs on goroutines of its own until
// ctx ends; Close waits for them.
func (d *Demo) Start(ctx context.Context) {
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		d.tailOutputs(ctx)
	}()
	go func() {
		defer d.wg.Done()
		d.run(ctx)
	}()
}

func (d *Demo) run(ctx context.Context) {
	d.produce(ctx, messages.EventTopicChannelStatus, nil, messages.ChannelStatusEvent{Type: messages.TypeChannelStarted, WorldID: 0, ChannelID: 1, IPAddress: "127.0.0.1", Port: 7575})
	round := time.NewTicker(20 * time.Second)
	defer round.Stop()
	step := time.NewTicker(500 * time.Millisecond)
	defer step.Stop()
	d.round(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-round.C:
			d.round(ctx)
		case <-step.C:
			d.runDue()
		}
	}
}

// round: a passenger waits in every staging room, two characters take each
// on-demand ride, and a party registers for the first party quest.
func (d *Demo) round(ctx context.Context) {
	for _, r := range d.tenant.Routes {
		c := d.character()
		d.produce(ctx, messages.EventTopicMapStatus, messages.IntKey(c), messages.MapStatusEvent[messages.CharacterBody]{
			WorldID: 0, ChannelID: 1, MapID: r.StagingMapID, Type: messages.TypeCharacterEnter, Body: messages.CharacterBody{CharacterID: c}})
	}
	for _, r := range d.tenant.InstanceRoutes {
		for i := 0; i < 2; i++ {
			c := d.character()
			d.produce(ctx, messages.CommandTopicInstanceTransport, messages.IntKey(c), messages.CharacterEvent[messages.StartTransportBody]{
				WorldID: 0, CharacterID: c, Type: messages.TypeStart, Body: messages.StartTransportBody{RouteID: r.ID, ChannelID: 1}})
		}
	}
	d.rounds++
	if len(d.tenant.QuestDefinitions) > 0 {
		def := d.tenant.QuestDefinitions[0]
		// Each round's party plays on its own channel: the quest's field
		// lock allows one run per channel.
		channel := byte(d.rounds%20 + 1)
		party := d.character()
		for i := 0; i < 4; i++ {
			c := d.character()
			if i == 0 {
				d.mu.Lock()
				d.parties[party] = c
				d.mu.Unlock()
			}
			d.produce(ctx, messages.CommandTopicPartyQuest, messages.IntKey(c), messages.Command[messages.RegisterBody]{
				WorldID: 0, CharacterID: c, Type: messages.TypeRegister,
				Body: messages.RegisterBody{QuestID: def.QuestID, PartyID: party, ChannelID: channel, MapID: def.Registration.MapID}})
		}
	}
}

func (d *Demo) character() uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nextID++
	return d.nextID
}

func (d *Demo) later(after time.Duration, do func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending = append(d.pending, action{at: time.Now().Add(after), do: do})
}

func (d *Demo) runDue() {
	d.mu.Lock()
	var due []action
	keep := d.pending[:0]
	for _, a := range d.pending {
		if time.Now().After(a.at) {
			due = append(due, a)
		} else {
			keep = append(keep, a)
		}
	}
	d.pending = keep
	d.mu.Unlock()
	for _, a := range due {
		a.do()
	}
}

func (d *Demo) produce(ctx context.Context, topic messages.Topic, key []byte, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		d.log.Error("encode", zap.Error(err))
		return
	}
	var hs []kgo.RecordHeader
	for _, h := range kafka.TenantHeaders(d.tenant.Tenant) {
		hs = append(hs, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	d.client.Produce(ctx, &kgo.Record{Topic: d.names.Name(topic), Key: key, Value: raw, Headers: hs}, func(_ *kgo.Record, err error) {
		if err != nil && ctx.Err() == nil {
			d.log.Warn("produce", zap.Error(err))
		}
	})
}

// tailOutputs logs what the service emits and plays the party's part in
// its quest: start it, fill each stage's counters, clear and advance.
func (d *Demo) tailOutputs(ctx context.Context) {
	for ctx.Err() == nil {
		fs := d.tail.PollFetches(ctx)
		fs.EachRecord(func(r *kgo.Record) {
			var env struct {
				Type        string          `json:"type"`
				InstanceID  uuid.UUID       `json:"instanceId"`
				CharacterID uint32          `json:"characterId"`
				Body        json.RawMessage `json:"body"`
			}
			_ = json.Unmarshal(r.Value, &env)
			d.log.Info("→ "+r.Topic, zap.String("type", env.Type), zap.ByteString("record", r.Value))
			if r.Topic == d.names.Name(messages.EventTopicPartyQuestStatus) {
				d.playQuest(ctx, env.Type, env.InstanceID, env.Body)
			}
		})
	}
}

func (d *Demo) playQuest(ctx context.Context, typ string, instance uuid.UUID, body json.RawMessage) {
	leader := d.leaderOf(instance, typ, body)
	if leader == 0 {
		return
	}
	send := func(v any) { d.produce(ctx, messages.CommandTopicPartyQuest, messages.UUIDKey(instance), v) }
	cmd := func(typ string) messages.Command[messages.InstanceBody] {
		return messages.Command[messages.InstanceBody]{CharacterID: leader, Type: typ, Body: messages.InstanceBody{InstanceID: instance}}
	}
	switch typ {
	case messages.TypeRegistrationOpened:
		d.later(3*time.Second, func() { send(cmd(messages.TypeStart)) })
	case messages.TypeStarted, messages.TypeStageAdvanced:
		d.later(4*time.Second, func() {
			send(messages.Command[messages.UpdateStageStateBody]{CharacterID: leader, Type: messages.TypeUpdateStageState,
				Body: messages.UpdateStageStateBody{InstanceID: instance, ItemCounts: d.allItems()}})
			send(cmd(messages.TypeStageClearAttempt))
		})
	case messages.TypeStageCleared:
		d.later(3*time.Second, func() { send(cmd(messages.TypeStageAdvance)) })
	}
}

// leaderOf finds the demo member that speaks for an instance: commands must
// come from a participant.
func (d *Demo) leaderOf(instance uuid.UUID, typ string, body json.RawMessage) uint32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if typ == messages.TypeInstanceCreated {
		var b messages.InstanceCreatedBody
		if json.Unmarshal(body, &b) == nil {
			if c, ok := d.parties[b.PartyID]; ok {
				d.leaders[instance] = c
				delete(d.parties, b.PartyID)
			}
		}
	}
	if typ == messages.TypeInstanceDestroyed {
		c := d.leaders[instance]
		delete(d.leaders, instance)
		return c
	}
	return d.leaders[instance]
}

// allItems reports enough of every item any clear condition asks for.
func (d *Demo) allItems() map[uint32]uint32 {
	items := map[uint32]uint32{}
	for _, def := range d.tenant.QuestDefinitions {
		for _, s := range def.Stages {
			for _, c := range s.ClearConditions {
				if c.Type == "item_count" && c.ReferenceID != 0 {
					items[c.ReferenceID] = c.Value + 1
				}
			}
		}
	}
	return items
}
