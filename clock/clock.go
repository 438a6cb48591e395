// Package clock is the single source of "now" for every time decision in the
// service, so tests can drive timers deterministically.
package clock

import "time"

// Clock tells the time and schedules callbacks.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has elapsed on this clock.
	AfterFunc(d time.Duration, f func()) Timer
	// At calls f in its own goroutine at instant t on this clock (soon if
	// t has passed). A deadline is an instant: scheduling it as a duration
	// from a Now read earlier would move it by any time that passed in
	// between, which on a test's clock can be a whole Advance.
	At(t time.Time, f func()) Timer
}

// Timer is a scheduled callback that can be cancelled.
type Timer interface {
	// Stop prevents the callback from running; it reports whether it did so.
	Stop() bool
}

// Real is the wall clock, in UTC.
type Real struct{}

// Now returns the current UTC time.
func (Real) Now() time.Time { return time.Now().UTC() }

// AfterFunc wraps time.AfterFunc.
func (Real) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// At is time.AfterFunc until t.
func (Real) At(t time.Time, f func()) Timer { return time.AfterFunc(time.Until(t), f) }
