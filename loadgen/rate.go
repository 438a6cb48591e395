package loadgen

import (
	"context"
	"time"
)

// Limiter paces sends to a rate per second; a zero rate never waits. It
// allows a burst of up to a tenth of a second's worth, so high rates are not
// throttled by sleep granularity. Only one goroutine may call Wait.
type Limiter struct {
	rate  float64
	start time.Time
	sent  float64
	now   func() time.Time
}

// NewLimiter returns a limiter for rate sends per second (0 = unlimited).
func NewLimiter(rate float64) *Limiter { return &Limiter{rate: rate, now: time.Now} }

// Wait blocks until one more send is allowed or ctx ends.
func (l *Limiter) Wait(ctx context.Context) error {
	if l.rate <= 0 {
		return nil
	}
	now := l.now()
	if l.start.IsZero() {
		l.start = now
	}
	burst := max(1, l.rate/10)
	due := now.Sub(l.start).Seconds() * l.rate
	l.sent = max(l.sent, due) // an idle spell does not bank more than the burst
	allowed := due + burst
	if l.sent+1 > allowed {
		wait := time.Duration((l.sent + 1 - allowed) / l.rate * float64(time.Second))
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	l.sent++
	return nil
}
