package loadgen

import (
	"math/rand/v2"
	"time"

	"github.com/gamehost/transitquest/tenant"
)

// Scenario is a population of simulated players. Each player is a small
// state machine: it sends a command, waits for its effect (or a timer-driven
// event), then sends the next. Methods return the commands to send next and
// are safe for concurrent use.
type Scenario interface {
	// Name labels the scenario in the report.
	Name() string
	// Owns reports whether character is one of this scenario's players.
	Owns(character uint32) bool
	// Begin returns every player's first command.
	Begin(now time.Time) []Command
	// OnEffect advances the players an output record concerns.
	OnEffect(e Effect) []Command
	// OnFailure restarts a player whose command was dead-lettered or timed out.
	OnFailure(character uint32, now time.Time) []Command
	// Sweep restarts players that waited too long for a timer-driven event
	// and reports how many it restarted.
	Sweep(now time.Time) ([]Command, int)
	// Stop makes players finish their current step without starting another cycle.
	Stop()
	// Counters are scenario-specific totals for the report.
	Counters() map[string]int
	// Live is how many players are currently inside a ride or a quest instance.
	Live() int
}

// Pacing spreads players in time.
type Pacing struct {
	// Ramp spreads the players' first commands evenly over this long.
	Ramp time.Duration
	// Think is the most a player waits between two rides or two quest runs
	// (uniformly random), so players do not stay in lockstep.
	Think time.Duration
	// StageUpdates is how many UPDATE_STAGE_STATE commands a quest player
	// sends in each command-driven stage before its clear attempt (at
	// least 1): the knob for an UPDATE_STAGE_STATE-heavy load.
	StageUpdates int
}

// ramp is player i of n's delay before its first command.
func (p Pacing) ramp(i, n int) time.Duration {
	if n == 0 {
		return 0
	}
	return time.Duration(int64(p.Ramp) * int64(i) / int64(n))
}

// think is a random pause before the next cycle.
func (p Pacing) think() time.Duration {
	if p.Think <= 0 {
		return 0
	}
	return rand.N(p.Think)
}

// tenantOf spreads players over tenants round-robin.
func tenantOf(tenants []tenant.Tenant, slot int) tenant.Tenant { return tenants[slot%len(tenants)] }
