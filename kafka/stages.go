package kafka

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

// Stages are the pipelines that run one topology, each a consumer group:
// Ingress reads the contract topics (the contract's group) and forwards
// each input to the internal topic, keyed by the actor that decides it;
// Actors reads the internal partitions this replica owns and runs their
// actors (nil for a topology without an internal topic). Both commit
// through one transactional producer, Ingress's: a transaction carries
// both stages' effects and both groups' offsets, so a replica runs one
// producer per topology, not two, and one transaction where there were
// two (fewer clients polling while idle, fewer commits under load).
type Stages struct {
	Ingress *Pipeline
	Actors  *Pipeline
}

// NewStages connects the stages of topo. base gives what every stage
// shares (bootstrap, client properties, outbox, limits); its
// TransactionalID and GroupInstanceID (when set) are prefixes, completed
// per topology (the producer) and per stage (the consumers) so each is
// unique and stable per replica.
func NewStages(ctx context.Context, topo Topology, base PipelineConfig, names messages.TopicNames, log *zap.Logger, m *metrics.Metrics) (*Stages, error) {
	stage := func(suffix string, pc PipelineConfig) (*Pipeline, error) {
		pc.Bootstrap, pc.Extra, pc.Outbox = base.Bootstrap, base.Extra, base.Outbox
		pc.MaxInFlight, pc.MaxRecordBytes = base.MaxInFlight, base.MaxRecordBytes
		pc.InternalTenantHeaders = base.InternalTenantHeaders
		pc.TransactionalID = base.TransactionalID + "-" + topo.Name + suffix
		if base.GroupInstanceID != "" {
			pc.GroupInstanceID = base.GroupInstanceID + "-" + topo.Name + suffix
		}
		return NewPipeline(ctx, pc, names, log, m)
	}
	ingress, err := stage("", PipelineConfig{Group: topo.Group, LatestTopics: topo.LatestTopics()})
	if err != nil {
		return nil, fmt.Errorf("%s ingress: %w", topo.Name, err)
	}
	topo.Route(ingress.Router())
	st := &Stages{Ingress: ingress}
	if topo.Internal.Topic == "" {
		return st, nil
	}
	st.Actors, err = stage("-actors", PipelineConfig{Group: topo.ActorsGroup(), CommitVia: ingress,
		Internal: topo.Internal.Topic, Changelog: topo.Changelog, Owner: topo.Owner})
	if err != nil {
		ingress.closeClients()
		return nil, fmt.Errorf("%s actors: %w", topo.Name, err)
	}
	st.Actors.Router().HandleKeyed(topo.Internal.Topic, topo.Internal.Handler)
	// Ingress's emitter writes the forwards to the internal topic (an input
	// is emitted by the pipeline that read it): it places them, and leaves
	// their tenant to their keys, as the actors stage's does.
	ingress.emitter.Place(topo.Internal.Topic, topo.Changelog, st.Actors.count)
	return st, nil
}

// Emitter is what the topology's actors emit through: the actors stage's
// (an input is committed by the stage that read it in any case).
func (st *Stages) Emitter() *Emitter {
	if st.Actors != nil {
		return st.Actors.Emitter()
	}
	return st.Ingress.Emitter()
}

// Pipelines lists the stages, actors first: started first so the internal
// partitions are being taken while ingress starts forwarding to them, and
// drained and closed first, while ingress still runs the outbox they share.
func (st *Stages) Pipelines() []*Pipeline {
	if st.Actors == nil {
		return []*Pipeline{st.Ingress}
	}
	return []*Pipeline{st.Actors, st.Ingress}
}

// Start starts every stage.
func (st *Stages) Start(ctx context.Context) error {
	for _, pl := range st.Pipelines() {
		if err := pl.Start(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Close closes every stage by ctx's deadline.
func (st *Stages) Close(ctx context.Context) error {
	var errs []error
	for _, pl := range st.Pipelines() {
		errs = append(errs, pl.Close(ctx))
	}
	return errors.Join(errs...)
}
