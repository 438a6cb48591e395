package actors

import (
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Spawn asks a supervisor to start a child. The reply is a SpawnResult.
type Spawn struct {
	Name  string
	Props *actor.Props
}

// SpawnResult answers Spawn.
type SpawnResult struct {
	PID *actor.PID
	Err error
}

// NewSupervisor is the props of a supervisor actor: it does nothing but
// start children on request and restart any that panic, one at a time
// (siblings are untouched). Restart limits are not used: each shell bounds
// the retries of the input that made it panic, so a child is never stopped
// for failing, only its poisonous input is dead-lettered.
func NewSupervisor() *actor.Props {
	strategy := actor.NewOneForOneStrategy(1<<30, time.Second, func(any) actor.Directive {
		return actor.RestartDirective
	})
	return actor.PropsFromFunc(func(ctx actor.Context) {
		if s, ok := ctx.Message().(*Spawn); ok {
			pid, err := ctx.SpawnNamed(s.Props, s.Name)
			ctx.Respond(&SpawnResult{PID: pid, Err: err})
		}
	}, actor.WithSupervisor(strategy))
}

// SpawnChild starts a child under supervisor and waits for its PID. Callers
// are either outside the actor system or actors other than the supervisor.
func SpawnChild(sender actor.SenderContext, supervisor *actor.PID, name string, props *actor.Props) (*actor.PID, error) {
	res, err := sender.RequestFuture(supervisor, &Spawn{Name: name, Props: props}, 10*time.Second).Result()
	if err != nil {
		return nil, fmt.Errorf("spawn %s: %w", name, err)
	}
	r := res.(*SpawnResult)
	if r.Err != nil {
		return nil, fmt.Errorf("spawn %s: %w", name, r.Err)
	}
	return r.PID, nil
}
