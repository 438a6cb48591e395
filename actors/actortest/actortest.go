// Package actortest runs domain actors without a broker: a Recorder stands
// in for the Kafka outbox (it records what actors emit and reject, and
// "commits" at once), and Env builds an actor environment around it with a
// fake clock.
package actortest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/tenant"
)

// Batch is one Emit: the records that commit together, and the input they
// complete (nil for timer-driven effects).
type Batch struct {
	Tenant  tenant.Tenant
	Trace   kafka.Trace
	Records []messages.Record
	In      *kafka.Input
}

// Rejected is one Reject: the input and why.
type Rejected struct {
	In     *kafka.Input
	Reason messages.Reason
	Err    error
}

// Recorder is an actors.Effects that records instead of committing. Emit
// runs its done callback at once, as if the commit were instant.
type Recorder struct {
	mu       sync.Mutex
	batches  []Batch
	rejected []Rejected
	failWith error
}

var _ actors.Effects = (*Recorder)(nil)

// Emit implements actors.Effects.
func (r *Recorder) Emit(t tenant.Tenant, tr kafka.Trace, recs []messages.Record, in *kafka.Input, done func()) error {
	r.mu.Lock()
	if err := r.failWith; err != nil {
		r.mu.Unlock()
		return err
	}
	r.batches = append(r.batches, Batch{Tenant: t, Trace: tr, Records: append([]messages.Record(nil), recs...), In: in})
	r.mu.Unlock()
	if done != nil {
		done()
	}
	return nil
}

// Reject implements actors.Effects.
func (r *Recorder) Reject(in *kafka.Input, err error) {
	rej := Rejected{In: in, Err: err, Reason: messages.ReasonPanic}
	var rr *messages.Rejection
	if errors.As(err, &rr) {
		rej.Reason = rr.Reason
	}
	r.mu.Lock()
	r.rejected = append(r.rejected, rej)
	r.mu.Unlock()
}

// FailWith makes every later Emit fail with err (nil: succeed again), as a
// closed outbox does.
func (r *Recorder) FailWith(err error) {
	r.mu.Lock()
	r.failWith = err
	r.mu.Unlock()
}

// Batches returns every Emit so far, in order.
func (r *Recorder) Batches() []Batch {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Batch(nil), r.batches...)
}

// Records returns every emitted record so far, in order.
func (r *Recorder) Records() []messages.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []messages.Record
	for _, b := range r.batches {
		out = append(out, b.Records...)
	}
	return out
}

// Rejections returns every Reject so far, in order.
func (r *Recorder) Rejections() []Rejected {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Rejected(nil), r.rejected...)
}

// Completed reports whether in was emitted or rejected: an input must be
// completed exactly once, which Times tells.
func (r *Recorder) Completed(in *kafka.Input) bool { return r.Times(in) > 0 }

// Times counts how often in was completed (emitted with or rejected).
func (r *Recorder) Times(in *kafka.Input) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, b := range r.batches {
		if b.In == in {
			n++
		}
	}
	for _, j := range r.rejected {
		if j.In == in {
			n++
		}
	}
	return n
}

// T0 is the fake clock's start in every actortest environment.
var T0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// Env is a broker-free actor environment for one test.
type Env struct {
	actors.Env
	Sys       *actor.ActorSystem
	FakeClock *clock.Fake
	Recorder  *Recorder
}

// NewEnv starts an actor system for the test's lifetime, with a fake clock
// at T0 and a Recorder for effects.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	log := zaptest.NewLogger(t)
	sys := actors.NewSystem(log)
	t.Cleanup(sys.Shutdown)
	clk := clock.NewFake(T0)
	rec := &Recorder{}
	return &Env{
		Env:       actors.Env{Effects: rec, Clock: clk, Log: log, Metrics: metrics.New()},
		Sys:       sys,
		FakeClock: clk,
		Recorder:  rec,
	}
}

// Input is a consumed record as the router hands it to a subsystem, for a
// test that calls a handler directly.
func Input(topic messages.Topic, t tenant.Tenant, offset int64, value []byte) *kafka.Input {
	return &kafka.Input{Topic: topic, Offset: offset, Value: value, Tenant: t}
}

// Eventually waits for cond with a deadline, polling; it never sleeps to
// wait for a thing, only between checks of it.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
