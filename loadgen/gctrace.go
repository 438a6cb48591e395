package loadgen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GCCycle is one cycle of the service's collector, as GODEBUG=gctrace=1
// prints it.
type GCCycle struct {
	Start  time.Time     // when the cycle began
	Mark   time.Duration // wall time of its concurrent mark
	Assist time.Duration // CPU the program's own goroutines spent marking
}

// End is when the cycle's mark ended.
func (c GCCycle) End() time.Time { return c.Start.Add(c.Mark) }

// gcLine matches a gctrace line's cycle start (seconds since the process
// started), its clock phases (sweep termination + mark + mark
// termination) and its CPU phases, whose mark part is assist/background/idle:
//
//	gc 42 @118.892s 4%: 1.0+729+0.005 ms clock, 2.1+142/375/141+0.010 ms cpu, ...
var gcLine = regexp.MustCompile(`^gc \d+ @([0-9.]+)s \d+%: [0-9.]+\+([0-9.]+)\+[0-9.]+ ms clock, [0-9.]+\+([0-9.]+)/`)

// ReadGCTrace reads the collector's cycles from a GODEBUG=gctrace=1 stream
// whose first line is "start SECONDS", the Unix time the process started
// (bench/setup.sh writes it just before the service starts): gctrace counts
// from the process's start. Other lines, such as the service's own logs,
// are skipped.
func ReadGCTrace(r io.Reader) ([]GCCycle, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("gctrace: empty: %w", sc.Err())
	}
	v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "start ")
	if !ok {
		return nil, fmt.Errorf("gctrace: first line %q is not \"start SECONDS\"", sc.Text())
	}
	start, err := seconds(v)
	if err != nil {
		return nil, fmt.Errorf("gctrace: start: %w", err)
	}
	cycles := []GCCycle{} // traced, if without a cycle: not nil
	for sc.Scan() {
		m := gcLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		at, err1 := seconds(m[1])
		mark, err2 := strconv.ParseFloat(m[2], 64)
		assist, err3 := strconv.ParseFloat(m[3], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue // a line cut short when the process was stopped
		}
		cycles = append(cycles, GCCycle{Start: time.Unix(0, 0).Add(start + at),
			Mark: msDuration(mark), Assist: msDuration(assist)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("gctrace: %w", err)
	}
	return cycles, nil
}

func seconds(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number of seconds", s)
	}
	return time.Duration(f * float64(time.Second)), nil
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// GCSummary says how the service's collector lined up with the latency
// over a window.
type GCSummary struct {
	Cycles     int           // cycles that began in the window
	Every      time.Duration // mean time between them
	MarkP50    time.Duration
	MarkMax    time.Duration
	AssistMean time.Duration // mean CPU per cycle the program's goroutines spent marking
	MarkShare  float64       // part of the window's time inside a mark
	// Spikes are the window's seconds whose latency p99 was more than
	// twice the median of the seconds' p99s; OnMark those of them that
	// overlapped a mark or the second after it (the backlog it left).
	Spikes, OnMark int
}

// SummarizeGC lines the cycles up with the seconds of series inside w.
func SummarizeGC(cycles []GCCycle, series []Window, w Window) GCSummary {
	var s GCSummary
	var marks []time.Duration
	var inMark, assist time.Duration
	var first, last time.Time
	for _, c := range cycles {
		inMark += overlap(c.Start, c.End(), w.From, w.To)
		if c.Start.Before(w.From) || !c.Start.Before(w.To) {
			continue
		}
		if s.Cycles == 0 {
			first = c.Start
		}
		last = c.Start
		s.Cycles++
		marks = append(marks, c.Mark)
		assist += c.Assist
	}
	if s.Cycles > 0 {
		slices.Sort(marks)
		s.MarkP50, s.MarkMax = Percentile(marks, 0.5), marks[len(marks)-1]
		s.AssistMean = assist / time.Duration(s.Cycles)
	}
	if s.Cycles > 1 {
		s.Every = last.Sub(first) / time.Duration(s.Cycles-1)
	}
	if d := w.To.Sub(w.From); d > 0 {
		s.MarkShare = float64(inMark) / float64(d)
	}
	var secs []Window
	var p99s []time.Duration
	for _, sec := range series {
		if sec.Latency.Count > 0 && !sec.From.Before(w.From) && !sec.To.After(w.To) {
			secs = append(secs, sec)
			p99s = append(p99s, sec.Latency.P99)
		}
	}
	slices.Sort(p99s)
	median := Percentile(p99s, 0.5)
	for _, sec := range secs {
		if sec.Latency.P99 <= 2*median {
			continue
		}
		s.Spikes++
		for _, c := range cycles {
			if overlap(c.Start, c.End().Add(time.Second), sec.From, sec.To) > 0 {
				s.OnMark++
				break
			}
		}
	}
	return s
}

// overlap is how long [a0, a1) and [b0, b1) share.
func overlap(a0, a1, b0, b1 time.Time) time.Duration {
	from, to := a0, a1
	if b0.After(from) {
		from = b0
	}
	if b1.Before(to) {
		to = b1
	}
	if !to.After(from) {
		return 0
	}
	return to.Sub(from)
}
