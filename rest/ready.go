package rest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Names of the standard readiness checks, as /readyz reports them.
const (
	CheckBroker     = "broker_reachable"
	CheckPartitions = "partitions_assigned"
	CheckRestored   = "state_restored"
)

// Check is one readiness condition: nil when it holds, else why not. It
// must return promptly once ctx ends.
type Check func(ctx context.Context) error

// Readiness combines named checks into the answer of /readyz. Its Ready
// method is what Deps.Ready expects. Checks are added at start-up; Ready is
// safe for concurrent use.
type Readiness struct {
	timeout time.Duration
	mu      sync.RWMutex
	checks  []namedCheck
}

type namedCheck struct {
	name  string
	check Check
}

// NewReadiness returns a Readiness whose checks together get at most
// timeout per probe (1s when not positive); it holds no check yet, so it is
// ready until one is added.
func NewReadiness(timeout time.Duration) *Readiness {
	if timeout <= 0 {
		timeout = time.Second
	}
	return &Readiness{timeout: timeout}
}

// Add registers a check under name and returns r.
func (r *Readiness) Add(name string, c Check) *Readiness {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks = append(r.checks, namedCheck{name, c})
	return r
}

// NotReadyError lists the checks that failed, in the order they were added.
type NotReadyError struct {
	Failing []string // check names
	Reasons []error  // one per name
	Passing []string // the checks that held, for /readyz to show them too
}

// Error is one line per failing check, "name: reason", after a summary
// line naming them all.
func (e *NotReadyError) Error() string {
	var b strings.Builder
	b.WriteString("not ready: ")
	b.WriteString(strings.Join(e.Failing, ", "))
	for i, name := range e.Failing {
		fmt.Fprintf(&b, "\n%s: %v", name, e.Reasons[i])
	}
	return b.String()
}

// Check runs every check concurrently within the probe timeout and returns
// a *NotReadyError naming those that failed or did not answer in time (nil
// when all pass).
func (r *Readiness) Check(ctx context.Context) error {
	r.mu.RLock()
	checks := r.checks
	r.mu.RUnlock()
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	type result struct {
		i   int
		err error
	}
	results := make(chan result, len(checks)) // buffered: a late check never blocks
	for i, c := range checks {
		go func() { results <- result{i, c.check(ctx)} }()
	}
	errs := make([]error, len(checks))
	for i := range errs {
		errs[i] = errNoAnswer
	}
	for range checks {
		select {
		case res := <-results:
			errs[res.i] = res.err
		case <-ctx.Done():
			for { // keep the answers that did arrive
				select {
				case res := <-results:
					errs[res.i] = res.err
				default:
					return notReady(checks, errs)
				}
			}
		}
	}
	return notReady(checks, errs)
}

var errNoAnswer = errors.New("no answer within the probe timeout")

func notReady(checks []namedCheck, errs []error) error {
	var nr NotReadyError
	for i, err := range errs {
		if err != nil {
			nr.Failing = append(nr.Failing, checks[i].name)
			nr.Reasons = append(nr.Reasons, err)
		} else {
			nr.Passing = append(nr.Passing, checks[i].name)
		}
	}
	if len(nr.Failing) == 0 {
		return nil
	}
	return &nr
}

// Ready is Check with a background context, for Deps.Ready.
func (r *Readiness) Ready() error { return r.Check(context.Background()) }

// Pinger is what can tell whether the Kafka cluster answers, typically by a
// metadata request bounded by ctx.
type Pinger interface {
	Ping(ctx context.Context) error
}

// BrokerReachable passes when p's ping succeeds within the probe timeout.
func BrokerReachable(p Pinger) Check {
	return func(ctx context.Context) error { return p.Ping(ctx) }
}

// Assigner is a consumer that owns partitions (kafka.Pipeline).
type Assigner interface {
	Assigned() int
}

// PartitionsAssigned passes when every consumer owns at least one
// partition. A replica beyond the partition count therefore never becomes
// ready: it would have nothing to serve.
func PartitionsAssigned(consumers ...Assigner) Check {
	return func(context.Context) error {
		var idle int
		for _, c := range consumers {
			if c.Assigned() == 0 {
				idle++
			}
		}
		if idle > 0 {
			return fmt.Errorf("%d of %d consumer groups have no partition assigned", idle, len(consumers))
		}
		return nil
	}
}

// Placer is a consumer that runs actors on the internal partitions it
// owns (kafka.Pipeline of an actors stage); others say Placed false.
type Placer interface {
	Placed() bool
	Owned() []int32
}

// ActorsPlaced passes when every placing consumer runs the actors of at
// least one internal partition, their state restored (a partition is
// restored before its actors start).
func ActorsPlaced(placers ...Placer) Check {
	return func(context.Context) error {
		for _, p := range placers {
			if p.Placed() && len(p.Owned()) == 0 {
				return errNotYet
			}
		}
		return nil
	}
}

var errNotYet = errors.New("no internal partition restored yet")
