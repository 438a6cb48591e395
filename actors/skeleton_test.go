package actors_test

import (
	"context"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/actors/actortest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// echo answers an ask from its mailbox, or never (to test the bound).
type echo struct{}

type ping struct{ reply chan<- string }

func (echo) Handle(_ actor.Context, msg any) {
	if p, ok := msg.(ping); ok && p.reply != nil {
		p.reply <- "pong"
	}
}

// handler is a domain actor made of one function.
type handler func(actor.Context, any)

func (h handler) Handle(ctx actor.Context, msg any) { h(ctx, msg) }

// An actor can start another from its own mailbox without waiting on any
// other mailbox, and StopAll stops everything the supervisor started.
func TestSupervisorSpawnsFromAMailboxAndStopsAll(t *testing.T) {
	sys := actors.NewSystem(zaptest.NewLogger(t))
	t.Cleanup(sys.Shutdown)
	env := actortest.NewEnv(t)
	sup := actors.NewSupervisor(sys, "t")
	spawned := make(chan *actor.PID, 1)
	parent, err := sup.Spawn("parent", env.Shell("parent"), func() actors.Actor {
		return handler(func(_ actor.Context, msg any) {
			if _, ok := msg.(string); ok {
				pid, err := sup.Spawn("child", env.Shell("echo"), func() actors.Actor { return echo{} })
				require.NoError(t, err)
				spawned <- pid
			}
		})
	})
	require.NoError(t, err)
	sys.Root.Send(parent, "spawn")
	<-spawned
	got, err := actors.Ask(context.Background(), sup.Mailbox("child"), func(r chan<- string) any { return ping{reply: r} })
	require.NoError(t, err)
	assert.Equal(t, "pong", got)

	sup.StopAll()
	_, err = sup.Spawn("late", env.Shell("echo"), func() actors.Actor { return echo{} })
	require.ErrorIs(t, err, actors.ErrStopped)
	_, err = actors.Ask(context.Background(), sup.Mailbox("child"), func(r chan<- string) any { return ping{reply: r} })
	require.ErrorIs(t, err, actors.ErrNotFound, "a stopped actor is gone from its registry")
}

// A tenant whose start fails leaves nothing behind, so the next input for
// it tries again.
func TestTenantsRetryAFailedStart(t *testing.T) {
	sys := actors.NewSystem(zaptest.NewLogger(t))
	t.Cleanup(sys.Shutdown)
	ts := actors.NewTenants[string](sys, "kind")
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	_, err := ts.GetOrStart(tn, func(*actors.Supervisor) (string, error) { return "", assert.AnError })
	require.ErrorIs(t, err, assert.AnError)
	_, ok := ts.Get(tn)
	require.False(t, ok)
	v, err := ts.GetOrStart(tn, func(*actors.Supervisor) (string, error) { return "started", nil })
	require.NoError(t, err)
	assert.Equal(t, "started", v)
	v, err = ts.GetOrStart(tn, func(*actors.Supervisor) (string, error) { return "again", nil })
	require.NoError(t, err)
	assert.Equal(t, "started", v, "started once")
	ts.StopAll()
	_, ok = ts.Get(tn)
	assert.False(t, ok)
}

// An origin completes its input with the effects, answers a caller after
// the commit, and routes a refusal to the dead letters or the caller.
func TestOriginEmitsAndRejects(t *testing.T) {
	env := actortest.NewEnv(t)
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	in := actortest.Input(messages.CommandTopicPartyQuest, tn, 7, []byte(`{}`))
	rec := messages.Record{Topic: messages.CommandTopicCharacter, Key: []byte("1")}
	actors.FromInput(in).Emit(env.Env, []messages.Record{rec})
	require.Equal(t, 1, env.Recorder.Times(in))
	assert.Equal(t, []messages.Record{rec}, env.Recorder.Records())

	reply := make(chan error, 1)
	actors.Origin{Tenant: tn, Reply: reply}.Emit(env.Env, nil)
	require.NoError(t, <-reply, "nothing to commit: answered at once")

	bad := actortest.Input(messages.CommandTopicPartyQuest, tn, 8, nil)
	actors.FromInput(bad).Reject(env.Env, messages.Reject(messages.ReasonWrongState, "no"))
	require.Len(t, env.Recorder.Rejections(), 1)
	assert.Equal(t, messages.ReasonWrongState, env.Recorder.Rejections()[0].Reason)

	actors.Origin{Tenant: tn, Reply: reply}.Reject(env.Env, assert.AnError)
	require.ErrorIs(t, <-reply, assert.AnError)

	env.Recorder.FailWith(assert.AnError)
	actors.Origin{Tenant: tn, Reply: reply}.Emit(env.Env, []messages.Record{rec})
	require.ErrorIs(t, <-reply, assert.AnError, "a failed emit reaches the caller")
	done := false
	actors.EmitTimer(env.Env, tn, []messages.Record{rec}, func() { done = true })
	assert.True(t, done, "a shutdown never waits on a failed emit")
}
