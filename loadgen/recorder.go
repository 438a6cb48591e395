package loadgen

import (
	"sync"
	"time"
)

// sample is one command→effect latency, observed at At.
type sample struct {
	At       time.Time
	Latency  time.Duration
	Commands int
}

// Recorder collects latency samples and completed-command counts from any
// goroutine. Windows are cut afterwards, so warm-up can be excluded.
type Recorder struct {
	mu      sync.Mutex
	samples []sample
	sent    []time.Time
}

// Observe records an effect seen at at, latency after its command was sent,
// completing commands commands.
func (r *Recorder) Observe(at time.Time, latency time.Duration, commands int) {
	r.mu.Lock()
	r.samples = append(r.samples, sample{At: at, Latency: latency, Commands: commands})
	r.mu.Unlock()
}

// Sent records that a command was produced at at.
func (r *Recorder) Sent(at time.Time) {
	r.mu.Lock()
	r.sent = append(r.sent, at)
	r.mu.Unlock()
}

// Window is what the recorder saw in [From, To).
type Window struct {
	From, To  time.Time
	Latency   Summary
	Completed int // commands whose effect was seen
	Sent      int // commands produced
}

// Throughput is completed commands per second over the window.
func (w Window) Throughput() float64 {
	if s := w.To.Sub(w.From).Seconds(); s > 0 {
		return float64(w.Completed) / s
	}
	return 0
}

// Window summarises [from, to).
func (r *Recorder) Window(from, to time.Time) Window {
	r.mu.Lock()
	defer r.mu.Unlock()
	return window(r.samples, r.sent, from, to)
}

// Series cuts [from, to) into consecutive windows of step (for the chart).
func (r *Recorder) Series(from, to time.Time, step time.Duration) []Window {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Window
	for t := from; t.Before(to); t = t.Add(step) {
		out = append(out, window(r.samples, r.sent, t, minTime(t.Add(step), to)))
	}
	return out
}

func window(samples []sample, sent []time.Time, from, to time.Time) Window {
	w := Window{From: from, To: to}
	var lat []time.Duration
	for _, s := range samples {
		if !s.At.Before(from) && s.At.Before(to) {
			lat = append(lat, s.Latency)
			w.Completed += s.Commands
		}
	}
	for _, t := range sent {
		if !t.Before(from) && t.Before(to) {
			w.Sent++
		}
	}
	w.Latency = Summarize(lat)
	return w
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
