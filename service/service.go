package service

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	ckafka "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/quest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/board"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/partyquest/clients"
	"github.com/gamehost/transitquest/rest"
)

// Service is one running replica.
type Service struct {
	cfg       Config
	log       *zap.Logger
	clk       clock.Clock
	metrics   *metrics.Metrics
	sys       *actor.ActorSystem
	transport *transport.Subsystem // nil when disabled
	quests    *quest.Subsystem     // nil when disabled
	// subsystems are the enabled ones, each run the same way.
	subsystems []subsystem
	pipes      []*kafka.Pipeline // every stage of every subsystem
	listener   net.Listener
	http       *http.Server

	events *board.Events // the latest committed records, for the live board
}

// subsystem is what the service runs: actors behind a Kafka topology.
type subsystem interface {
	// Topology declares the subsystem's topics; its Owner starts and stops
	// the actors of the internal partitions this replica is assigned.
	Topology() kafka.Topology
	// Start readies the subsystem to emit through fx; its actors start
	// when their partitions are assigned.
	Start(fx actors.Effects) error
	Shutdown(ctx context.Context) error
	// Halt stops every actor at once, timers included, dropping what
	// their mailboxes still hold, and waits for them.
	Halt()
}

// Option adjusts a Service for tests.
type Option func(*Service)

// WithClock replaces the wall clock.
func WithClock(c clock.Clock) Option { return func(s *Service) { s.clk = c } }

// New loads the configuration, connects to Kafka and starts the actors
// (routes start their timetables at once); Run starts consuming.
func New(ctx context.Context, cfg Config, log *zap.Logger, opts ...Option) (*Service, error) {
	s := &Service{cfg: cfg, log: log, clk: clock.Real{}, metrics: metrics.New(), events: board.NewEvents(0)}
	for _, o := range opts {
		o(s)
	}
	if cfg.Bootstrap == "" {
		return nil, errors.New("BOOTSTRAP_SERVERS is not set: point it at a Kafka cluster, or run with -embedded for a local broker")
	}
	tenants, err := s.loadTenants()
	if err != nil {
		return nil, err
	}
	s.sys = actors.NewSystem(log)
	s.subsystems = s.declare(s.sys, tenants)
	if _, err := kafka.PrepareTopics(ctx, kafka.TopicsConfig{Bootstrap: cfg.Bootstrap, Extra: s.extra(),
		Creation: cfg.TopicCreation, Topics: s.topicSpecs()}, log.Named("topics")); err != nil {
		return nil, err
	}
	for _, sub := range s.subsystems {
		topo := sub.Topology()
		st, err := s.stages(ctx, topo)
		if err != nil {
			return nil, err
		}
		if err := sub.Start(st.Emitter()); err != nil {
			return nil, err
		}
	}
	l, err := net.Listen("tcp", cfg.RESTAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.RESTAddr, err)
	}
	s.listener = l
	s.http = &http.Server{Handler: rest.New(rest.Deps{Log: log.Named("rest"), Metrics: s.metrics,
		Transport: s.transport, Quests: s.quests, Ready: s.readiness().Ready, Token: cfg.RESTToken,
		Board: board.New(board.Deps{Transport: s.transport, Quests: s.quests, Metrics: s.metrics, Events: s.events, Clock: s.clk}),
	}), ReadHeaderTimeout: 5 * time.Second}
	return s, nil
}

func (s *Service) loadTenants() ([]config.Tenant, error) {
	if s.cfg.ConfigPath == "" {
		s.log.Warn("CONFIG_PATH is not set: no tenant has routes or quest definitions")
		return nil, nil
	}
	var opts []config.Option
	if s.cfg.DefinitionsPath != "" {
		opts = append(opts, config.WithDefinitionsPath(s.cfg.DefinitionsPath))
	}
	// A fatal error (a top-level typo, a named folder or file that cannot
	// be used) refuses the start; records rejected one at a time are
	// logged and the rest runs.
	c, problems, err := config.Load(s.cfg.ConfigPath, opts...)
	for _, p := range problems {
		msg := "configuration record rejected"
		if p.Warning {
			msg = "configuration warning (record loaded)"
		}
		s.log.Warn(msg, zap.String("file", p.File), zap.String("record", p.Record), zap.String("reason", p.Reason))
	}
	if err != nil {
		return nil, fmt.Errorf("load configuration: %w", err)
	}
	for _, t := range c.Tenants {
		s.log.Info("tenant loaded", zap.Stringer("tenant", t.Tenant), zap.Int("routes", len(t.Routes)),
			zap.Int("vessels", len(t.Vessels)), zap.Int("instanceRoutes", len(t.InstanceRoutes)),
			zap.Int("questDefinitions", len(t.QuestDefinitions)))
	}
	return c.Tenants, nil
}

// declare builds the enabled subsystems; nothing runs until their Start.
func (s *Service) declare(sys *actor.ActorSystem, tenants []config.Tenant) []subsystem {
	var subs []subsystem
	if s.cfg.Transport {
		s.transport = transport.New(sys, transport.Deps{Clock: s.clk, Log: s.log.Named("transport"), Metrics: s.metrics,
			TimerLead: s.cfg.TimerLead}, tenants)
		subs = append(subs, s.transport)
	}
	if s.cfg.PartyQuests {
		s.quests = quest.New(sys, quest.Deps{Clock: s.clk, Log: s.log.Named("partyquest"), Metrics: s.metrics,
			PassivateAfter: s.cfg.PassivateAfter, TimerLead: s.cfg.TimerLead, JSONChangelog: s.cfg.JSONChangelog, Parties: clients.NewParties(s.cfg.PartiesURL), Guilds: clients.NewGuilds(s.cfg.GuildsURL)}, tenants)
		subs = append(subs, s.quests)
	}
	return subs
}

func (s *Service) topologies() []kafka.Topology {
	out := make([]kafka.Topology, len(s.subsystems))
	for i, sub := range s.subsystems {
		out[i] = sub.Topology()
	}
	return out
}

// topicSpecs are the topics prepared at start: the service's own
// (changelogs, compacted and co-partitioned, and dead letters), created when
// missing, and the contract topics it reads or writes, only looked for.
func (s *Service) topicSpecs() []kafka.TopicSpec {
	var specs []kafka.TopicSpec
	for _, u := range kafka.TopicUses(s.cfg.ChangelogPartitions, s.topologies()...) {
		specs = append(specs, kafka.TopicSpec{Name: s.cfg.Topics.Name(u.Topic), Partitions: u.Partitions,
			Compact: u.Compact, CoPartitioned: u.Compact, External: u.Owner == kafka.OwnerExternal})
	}
	return specs
}

// TopicUses lists every topic the configured service reads, writes or
// owns (-list-topics), without connecting to anything.
func TopicUses(cfg Config) []kafka.TopicUse {
	s := &Service{cfg: cfg, clk: clock.Real{}, log: zap.NewNop(), metrics: metrics.New()}
	s.subsystems = s.declare(nil, nil)
	return kafka.TopicUses(cfg.ChangelogPartitions, s.topologies()...)
}

// pipelineBase is what every stage's pipeline takes from the service's
// configuration; kafka.NewStages completes it per stage.
func (s *Service) pipelineBase() kafka.PipelineConfig {
	base := kafka.PipelineConfig{Bootstrap: s.cfg.Bootstrap, TransactionalID: s.cfg.TxnIDPrefix, Extra: s.extra(),
		Outbox: kafka.OutboxConfig{Linger: s.cfg.TransactionLinger}, InternalTenantHeaders: s.cfg.InternalTenantHeaders}
	if s.cfg.StaticMembership {
		base.GroupInstanceID = s.cfg.TxnIDPrefix // completed per stage: unique per replica and group
	}
	return base
}

// stages connects the pipelines of one topology (see kafka.Stages).
func (s *Service) stages(ctx context.Context, topo kafka.Topology) (*kafka.Stages, error) {
	st, err := kafka.NewStages(ctx, topo, s.pipelineBase(), s.cfg.Topics, s.log, s.metrics)
	if err != nil {
		return nil, err
	}
	for _, pl := range st.Pipelines() {
		s.pipes = append(s.pipes, pl)
		s.metrics.ConsumerLag.Add(pl.Group(), pl.Lag)
		pl.Emitter().Observe(s.events.Observe)
	}
	return st, nil
}

// readiness is what /readyz checks: the cluster answers, every consumer
// group owns partitions, and actors run on internal partitions, their state
// restored (a partition is restored before it is consumed).
func (s *Service) readiness() *rest.Readiness {
	r := rest.NewReadiness(2 * time.Second)
	if len(s.pipes) > 0 {
		r.Add(rest.CheckBroker, rest.BrokerReachable(s.pipes[0]))
		groups := make([]rest.Assigner, len(s.pipes))
		for i, pl := range s.pipes {
			groups[i] = pl
		}
		r.Add(rest.CheckPartitions, rest.PartitionsAssigned(groups...))
		placers := make([]rest.Placer, len(s.pipes))
		for i, pl := range s.pipes {
			placers[i] = pl
		}
		r.Add(rest.CheckRestored, rest.ActorsPlaced(placers...))
	}
	return r
}

// extra converts KAFKA_EXTRA_CONFIG for the clients; settings that make no
// sense for a client kind are ignored by librdkafka with a warning.
func (s *Service) extra() ckafka.ConfigMap {
	m := ckafka.ConfigMap{}
	for k, v := range s.cfg.KafkaExtra {
		m[k] = v
	}
	return m
}

// Addr is the REST listener's address.
func (s *Service) Addr() string { return s.listener.Addr().String() }

// Metrics exposes the collectors (for tests and the load generator).
func (s *Service) Metrics() *metrics.Metrics { return s.metrics }

// Run consumes and serves until ctx ends or a pipeline fails, then shuts
// down gracefully within the configured timeout. Every goroutine it starts
// has ended when it returns.
func (s *Service) Run(ctx context.Context) error {
	// Pipelines get their own context: cancelling ctx starts the graceful
	// shutdown, it must not hard-stop the outbox under it.
	pctx, hardStop := context.WithCancel(context.WithoutCancel(ctx))
	defer hardStop()
	// A pipeline's Errors channel is never closed, so its forwarder also
	// ends at done; Serve ends at http.Shutdown. Each goroutine sends at
	// most once into a channel with room for all of them, so none can
	// block the wait below.
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, len(s.pipes)+1)
	var runErr error
	for _, pl := range s.pipes {
		if err := pl.Start(pctx); err != nil {
			runErr = fmt.Errorf("start consuming: %w", err)
			break
		}
		wg.Go(func() {
			select {
			case err, ok := <-pl.Errors():
				if ok {
					errs <- err
				}
			case <-done:
			}
		})
	}
	if runErr == nil {
		wg.Go(func() {
			if err := s.http.Serve(s.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- fmt.Errorf("rest: %w", err)
			}
		})
		s.log.Info("service running", zap.String("rest", s.Addr()), zap.String("bootstrap", s.cfg.Bootstrap))
		select {
		case <-ctx.Done():
		case runErr = <-errs:
			s.log.Error("stopping after a fatal error", zap.Error(runErr))
		}
	} else {
		// The pipelines already started (and the actors) still need their
		// graceful shutdown. Serve never ran, so http.Shutdown does not know
		// the listener: close it here.
		s.log.Error("stopping: a pipeline did not start", zap.Error(runErr))
		if err := s.listener.Close(); err != nil {
			s.log.Warn("close REST listener", zap.Error(err))
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.shutdown(sctx); err != nil && runErr == nil {
		runErr = err
	}
	close(done)
	wg.Wait()
	return runErr
}

// stopGrace bounds what shutdown does after its deadline: stopping the
// actors and closing the Kafka clients. With SHUTDOWN_TIMEOUT it is the
// whole bound on the process's exit after a signal.
const stopGrace = 3 * time.Second

// closeReserve is the part of stopGrace kept for closing the Kafka clients
// when stopping the actors takes long.
const closeReserve = 500 * time.Millisecond

// shutdown: stop intake, let in-flight inputs finish, run each subsystem's
// shutdown behaviour and commit everything, all by ctx's deadline; then
// stop every actor (and its timer) and close the Kafka clients, within
// stopGrace more. Nothing here waits on the broker past those bounds: a
// librdkafka call still running is abandoned (and logged). The error wraps
// kafka.ErrUncommitted when effects were not committed.
func (s *Service) shutdown(ctx context.Context) error {
	s.log.Info("shutting down")
	errs, committed := s.graceful(ctx)
	// The hard part. Emits fail at once from here on, so no actor stays
	// blocked on a full outbox and nothing retries a transaction: the
	// actors stop before anything else waits on Kafka.
	deadline := time.Now()
	if dl, ok := ctx.Deadline(); ok && dl.After(deadline) {
		deadline = dl
	}
	hctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline.Add(stopGrace))
	defer cancel()
	for _, pl := range s.pipes {
		pl.Abort()
	}
	actx, cancelActors := context.WithDeadline(hctx, deadline.Add(stopGrace-closeReserve))
	s.stopActors(actx)
	cancelActors()
	for _, pl := range s.pipes {
		if err := pl.Close(hctx); err != nil {
			if errors.Is(err, kafka.ErrUncommitted) {
				committed = false
			}
			errs = append(errs, err)
		}
	}
	if !committed {
		s.log.Error("shutdown left effects uncommitted; their inputs will be read again by the partition's next owner")
		errs = append(errs, kafka.ErrUncommitted)
	}
	s.log.Info("shut down", zap.Errors("problems", errs))
	return errors.Join(errs...)
}

// graceful is the part of the shutdown bound by ctx: REST, intake,
// in-flight inputs, with SHUTDOWN_MODE=drain each subsystem's end-of-service
// behaviour (warps home, instances destroyed), and the outbox's last
// commits. In handover mode the actors' committed state is what the
// partitions' next owner restores. It reports whether
// everything emitted was committed.
func (s *Service) graceful(ctx context.Context) (errs []error, committed bool) {
	if err := s.http.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("rest: %w", err))
		_ = s.http.Close() // requests still waiting for a commit end now
	}
	for _, pl := range s.pipes {
		pl.StopPolling()
	}
	for _, pl := range s.pipes {
		if !pl.StopConsumingWithin(ctx) {
			errs = append(errs, errors.New("a revocation did not get its commits before the shutdown deadline"))
		}
	}
	for _, pl := range s.pipes {
		if !pl.WaitIdle(ctx) {
			errs = append(errs, errors.New("in-flight inputs did not finish; they will be read again"))
		}
	}
	if s.cfg.Drain {
		for _, sub := range s.subsystems {
			if err := sub.Shutdown(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	committed = true
	for _, pl := range s.pipes {
		if err := pl.Drain(ctx); err != nil {
			committed = false
			errs = append(errs, err)
		}
	}
	return errs, committed
}

// stopActors stops every actor, timers included, by ctx's deadline. The
// outbox accepts nothing any more, so what their mailboxes still hold
// could only fail: it is dropped. Actors that still do not stop in time
// are abandoned to the process's exit.
func (s *Service) stopActors(ctx context.Context) {
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, sub := range s.subsystems {
			sub.Halt()
		}
		s.sys.Shutdown()
		s.log.Info("actors stopped", zap.Duration("took", time.Since(start)))
	}()
	select {
	case <-done:
	case <-ctx.Done():
		s.log.Error("abandoned at the shutdown deadline: actors still stopping", zap.Duration("after", time.Since(start)))
	}
}
