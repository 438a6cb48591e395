// Package demo plays the rest of the game server against a locally running
// service, and logs every record the service produces. It exists for
// `make run`:
//
//   - as the channel servers do, it answers every CHANGE_MAP with
//     CHARACTER_EXIT from the character's old map and CHARACTER_ENTER into
//     the new one, so the service's presence index follows the warps;
//   - travellers walk to a scheduled route's staging room, are boarded at
//     departure, ride, arrive at the destination and move on to another
//     route;
//   - riders walk to an instance route's start map and START a ride;
//   - parties play every sample party quest to its end, stage by stage by
//     its clear conditions (items, monster kills, puzzles), failing a clear
//     attempt now and then, sometimes forfeiting, sometimes letting a stage
//     or registration timer run out;
//   - a summary line every minute counts what happened.
//
// Log lines name routes and quests, not bare UUIDs. All of the demo's work
// runs on one goroutine (plus one tailing the outputs and the small guilds
// service); a panic in a handler is logged, never fatal. Close stops them all.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
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

// world and channel the demo plays on.
const (
	world   byte = 0
	channel byte = 1
)

// Option adjusts a Demo.
type Option func(*Demo)

// WithPace scales the demo's own think times (a party's time to collect
// items, a traveller's walk, ...): 1 is the default real pace, 0.1 ten
// times faster. The service's timers (schedules, stage limits) are not
// affected.
func WithPace(p float64) Option {
	return func(d *Demo) {
		if p > 0 {
			d.pace = p
		}
	}
}

// WithSummaryEvery sets the interval of the summary line (default 1m).
func WithSummaryEvery(every time.Duration) Option {
	return func(d *Demo) {
		if every > 0 {
			d.summaryEvery = every
		}
	}
}

// WithReadyURL makes the demo wait, before sending anything, until GET url
// answers 200 (the service's /readyz): map status is consumed from the
// latest offset, so an ENTER sent before the service joined would be lost.
// It gives up waiting after a minute.
func WithReadyURL(url string) Option { return func(d *Demo) { d.readyURL = url } }

// WithSeed makes the demo's random choices repeatable.
func WithSeed(seed uint64) Option {
	return func(d *Demo) { d.rnd = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
}

// Demo is the game-server stand-in and output tail.
type Demo struct {
	log          *zap.Logger
	names        messages.TopicNames
	tenant       config.Tenant
	client       *kgo.Client
	tail         *kgo.Client
	pace         float64
	summaryEvery time.Duration
	readyURL     string
	rnd          *rand.Rand

	// Owned by the loop goroutine.
	pending    []action
	nextID     uint32
	at         map[uint32]location // where each character is, as the demo told the service
	travellers map[uint32]*traveller
	riders     map[uint32]*rider
	teams      []*team
	byInstance map[uuid.UUID]*team
	routeNames map[uuid.UUID]string
	mapNames   map[uint32]string
	started    time.Time

	statsMu sync.Mutex
	stats   Stats

	guilds   *guilds
	listener net.Listener
	server   *http.Server

	records chan *kgo.Record
	wg      sync.WaitGroup
}

// Stats counts what the demo saw; Snapshot returns a copy.
type Stats struct {
	QuestsStarted      int
	QuestsCompleted    int
	QuestsFailed       map[string]int // by reason
	InstancesDestroyed int
	ClearAttemptsFail  int
	Forfeits           int
	Boarded            int // travellers put on board at a departure
	Arrived            int // travellers warped to their route's destination
	Departures         int
	RidesStarted       int
	RidesCompleted     int
	RidesCancelled     int
	MapChanges         int // CHANGE_MAP commands answered
	Rejected           int // records on the dead-letter topic
}

// Snapshot returns a copy of the counters.
func (d *Demo) Snapshot() Stats {
	d.statsMu.Lock()
	defer d.statsMu.Unlock()
	s := d.stats
	s.QuestsFailed = map[string]int{}
	for k, v := range d.stats.QuestsFailed {
		s.QuestsFailed[k] = v
	}
	return s
}

func (d *Demo) count(f func(*Stats)) {
	d.statsMu.Lock()
	defer d.statsMu.Unlock()
	f(&d.stats)
}

type action struct {
	at time.Time
	do func()
}

type location struct {
	mapID    uint32
	instance uuid.UUID
	channel  byte
}

// New connects to the broker the service uses, loads the same configuration
// to know the sample routes and quests, and starts a small guilds service
// (see GuildsURL).
func New(cfg service.Config, log *zap.Logger, opts ...Option) (*Demo, error) {
	var copts []config.Option
	if cfg.DefinitionsPath != "" { // the service loads these too
		copts = append(copts, config.WithDefinitionsPath(cfg.DefinitionsPath))
	}
	c, _, err := config.Load(cfg.ConfigPath, copts...)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if len(c.Tenants) == 0 {
		return nil, fmt.Errorf("demo: %s has no tenant", cfg.ConfigPath)
	}
	d := &Demo{log: log, names: cfg.Topics, tenant: c.Tenants[0], pace: 1, summaryEvery: time.Minute,
		rnd: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7)), nextID: 100000,
		at: map[uint32]location{}, travellers: map[uint32]*traveller{}, riders: map[uint32]*rider{},
		byInstance: map[uuid.UUID]*team{}, routeNames: map[uuid.UUID]string{}, mapNames: map[uint32]string{},
		records: make(chan *kgo.Record, 1024), guilds: newGuilds()}
	d.stats.QuestsFailed = map[string]int{}
	for _, o := range opts {
		o(d)
	}
	d.indexNames()
	seeds := kgo.SeedBrokers(strings.Split(cfg.Bootstrap, ",")...)
	if d.client, err = kgo.NewClient(seeds); err != nil {
		return nil, fmt.Errorf("demo producer: %w", err)
	}
	outs := []string{}
	for _, t := range []messages.Topic{messages.EventTopicTransportStatus, messages.EventTopicInstanceTransport,
		messages.CommandTopicCharacter, messages.EventTopicPartyQuestStatus, messages.DeadLetterTopic} {
		outs = append(outs, cfg.Topics.Name(t))
	}
	d.tail, err = kgo.NewClient(seeds, kgo.ConsumeTopics(outs...), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()))
	if err != nil {
		d.client.Close()
		return nil, fmt.Errorf("demo tail: %w", err)
	}
	if err := d.startGuilds(); err != nil {
		d.tail.Close()
		d.client.Close()
		return nil, err
	}
	return d, nil
}

// Close waits for the demo's goroutines (the ctx given to Start must have
// ended) and releases the clients and the guilds service.
func (d *Demo) Close() {
	d.stopGuilds()
	d.wg.Wait()
	d.tail.Close()
	d.client.Close()
}

// Start plays on goroutines of its own until ctx ends; Close waits for
// them. Options given here (WithReadyURL, known only once the service
// listens) apply before anything starts.
func (d *Demo) Start(ctx context.Context, opts ...Option) {
	for _, o := range opts {
		o(d)
	}
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		d.tailOutputs(ctx)
	}()
	go func() {
		defer d.wg.Done()
		d.loop(ctx)
	}()
}

// think scales one of the demo's own delays by the pace.
func (d *Demo) think(base time.Duration) time.Duration {
	return time.Duration(float64(base) * d.pace)
}

func (d *Demo) character() uint32 {
	d.nextID++
	return d.nextID
}

func (d *Demo) later(after time.Duration, do func()) {
	d.pending = append(d.pending, action{at: time.Now().Add(after), do: do})
}

// safely runs f, logging a panic instead of crashing the process.
func (d *Demo) safely(what string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("demo: recovered from a panic", zap.String("in", what), zap.Any("panic", r), zap.Stack("stack"))
		}
	}()
	f()
}

func (d *Demo) loop(ctx context.Context) {
	d.waitReady(ctx)
	if ctx.Err() != nil {
		return
	}
	d.started = time.Now()
	d.safely("setup", func() {
		d.channelStarted(ctx)
		d.startTravellers(ctx)
		d.startTeams(ctx)
		d.rideRound(ctx)
	})
	step := time.NewTicker(200 * time.Millisecond)
	defer step.Stop()
	summary := time.NewTicker(d.summaryEvery)
	defer summary.Stop()
	rides := time.NewTicker(max(d.think(30*time.Second), time.Second))
	defer rides.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-d.records:
			d.safely("record", func() { d.handle(ctx, r) })
		case <-step.C:
			d.runDue()
		case <-rides.C:
			d.safely("rides", func() { d.rideRound(ctx) })
		case <-summary.C:
			d.safely("summary", func() {
				d.channelStarted(ctx) // harmless again; covers a service that missed the first
				d.summary()
			})
		}
	}
}

func (d *Demo) waitReady(ctx context.Context) {
	if d.readyURL == "" {
		return
	}
	deadline := time.Now().Add(time.Minute)
	hc := &http.Client{Timeout: 2 * time.Second}
	for ctx.Err() == nil && time.Now().Before(deadline) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.readyURL, nil)
		if err == nil {
			if resp, err := hc.Do(req); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
	if ctx.Err() == nil {
		d.log.Warn("demo: the service is not ready after a minute; playing anyway", zap.String("url", d.readyURL))
	}
}

func (d *Demo) runDue() {
	now := time.Now()
	var due []action
	keep := d.pending[:0]
	for _, a := range d.pending {
		if !now.Before(a.at) {
			due = append(due, a)
		} else {
			keep = append(keep, a)
		}
	}
	d.pending = keep
	for _, a := range due {
		d.safely("action", a.do)
	}
}

func (d *Demo) channelStarted(ctx context.Context) {
	d.produce(ctx, messages.EventTopicChannelStatus, nil, messages.ChannelStatusEvent{
		Type: messages.TypeChannelStarted, WorldID: world, ChannelID: channel, IPAddress: "127.0.0.1", Port: 7575})
	for _, t := range d.teams { // parties play on channels of their own
		if t.channel != channel {
			d.produce(ctx, messages.EventTopicChannelStatus, nil, messages.ChannelStatusEvent{
				Type: messages.TypeChannelStarted, WorldID: world, ChannelID: t.channel, IPAddress: "127.0.0.1", Port: 7575 + int(t.channel)})
		}
	}
}

func (d *Demo) produce(ctx context.Context, topic messages.Topic, key []byte, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		d.log.Error("demo: encode", zap.Error(err))
		return
	}
	var hs []kgo.RecordHeader
	for _, h := range kafka.TenantHeaders(d.tenant.Tenant) {
		hs = append(hs, kgo.RecordHeader{Key: h.Key, Value: h.Value})
	}
	d.client.Produce(ctx, &kgo.Record{Topic: d.names.Name(topic), Key: key, Value: raw, Headers: hs}, func(_ *kgo.Record, err error) {
		if err != nil && ctx.Err() == nil {
			d.log.Warn("demo: produce", zap.Error(err))
		}
	})
}

// walk moves a character as a player does through a portal: EXIT from
// where it is (if known), ENTER into mapID.
func (d *Demo) walk(ctx context.Context, c uint32, ch byte, mapID uint32, instance uuid.UUID) {
	if old, ok := d.at[c]; ok {
		d.produce(ctx, messages.EventTopicMapStatus, messages.IntKey(c), messages.MapStatusEvent[messages.CharacterBody]{
			TransactionID: uuid.New(), WorldID: world, ChannelID: old.channel, MapID: old.mapID, Instance: old.instance,
			Type: messages.TypeCharacterExit, Body: messages.CharacterBody{CharacterID: c}})
	}
	d.produce(ctx, messages.EventTopicMapStatus, messages.IntKey(c), messages.MapStatusEvent[messages.CharacterBody]{
		TransactionID: uuid.New(), WorldID: world, ChannelID: ch, MapID: mapID, Instance: instance,
		Type: messages.TypeCharacterEnter, Body: messages.CharacterBody{CharacterID: c}})
	d.at[c] = location{mapID: mapID, instance: instance, channel: ch}
}

// forget drops a character the demo no longer plays.
func (d *Demo) forget(c uint32) {
	delete(d.at, c)
	delete(d.riders, c)
}

func (d *Demo) summary() {
	s := d.Snapshot()
	failed := 0
	for _, n := range s.QuestsFailed {
		failed += n
	}
	d.log.Info(fmt.Sprintf("demo summary after %s: party quests %d started, %d completed, %d failed %v, %d ended; "+
		"%d failed clear attempts, %d forfeits; boats: %d departures, %d riders boarded, %d arrived; "+
		"instance rides: %d started, %d completed, %d cancelled; %d map changes answered; %d rejected inputs",
		time.Since(d.started).Round(time.Second), s.QuestsStarted, s.QuestsCompleted, failed, s.QuestsFailed, s.InstancesDestroyed,
		s.ClearAttemptsFail, s.Forfeits, s.Departures, s.Boarded, s.Arrived,
		s.RidesStarted, s.RidesCompleted, s.RidesCancelled, s.MapChanges, s.Rejected))
}
