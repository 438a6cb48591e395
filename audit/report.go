package audit

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Check is one of the properties the audit proves.
type Check string

// The checks, in report order.
const (
	// Duplicates: no effect twice.
	Duplicates Check = "no effect twice"
	// Lost: no command without its effect (or a dead letter).
	Lost Check = "no command without its effect"
	// Capacity: no ride instance over its route's capacity.
	Capacity Check = "no capacity exceeded"
	// Timers: every due timer fired, once, on time.
	Timers Check = "no timer fired twice or never"
	// Records: every output record decodes and names a configured tenant,
	// route or quest.
	Records Check = "every record understood"
)

var checkOrder = []Check{Duplicates, Lost, Capacity, Timers, Records}

// Finding is one kind of violation (or, in Notes, of tolerated event):
// how many times it happened and the first few examples. For a duplicate,
// Count is the number of effects done more than once (an instant announced
// by three replicas counts once; its example shows the copies).
type Finding struct {
	Check    Check    `json:"check"`
	Name     string   `json:"name"`
	Count    int      `json:"count"`
	Examples []string `json:"examples"`
}

// Report is the audit's result. Violations fail it; Notes (tolerated
// events such as ARRIVED announced again by a starting replica) and Counts
// (what was seen and expected) explain it.
type Report struct {
	Window     Interval       `json:"window"`
	ReadAt     string         `json:"readAt"`
	Counts     map[string]int `json:"counts"`
	Violations []Finding      `json:"violations"`
	Notes      []Finding      `json:"notes"`
}

// OK reports whether no violation was found.
func (r Report) OK() bool { return len(r.Violations) == 0 }

// Violated is the total count of violations of check c.
func (r Report) Violated(c Check) int {
	n := 0
	for _, f := range r.Violations {
		if f.Check == c {
			n += f.Count
		}
	}
	return n
}

// Finding returns the violation named name, if any.
func (r Report) Finding(name string) (Finding, bool) {
	for _, f := range r.Violations {
		if f.Name == name {
			return f, true
		}
	}
	return Finding{}, false
}

// WriteText renders the report for people: verdict, one line per check,
// each violation with its examples, notes, then the counts.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "audit %s: window %s .. %s, read at %s\n", verdict,
		r.Window.From.UTC().Format("15:04:05.000"), r.Window.To.UTC().Format("15:04:05.000"), r.ReadAt)
	for _, c := range checkOrder {
		n := r.Violated(c)
		mark := "ok  "
		if n > 0 {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "  %s %s: %d violations\n", mark, c, n)
		for _, f := range r.Violations {
			if f.Check == c {
				writeFinding(&b, f)
			}
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("  notes (tolerated):\n")
		for _, f := range r.Notes {
			writeFinding(&b, f)
		}
	}
	b.WriteString("  counts:\n")
	keys := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "      %-64s %d\n", k, r.Counts[k])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Text is WriteText into a string.
func (r Report) Text() string {
	var b strings.Builder
	_ = r.WriteText(&b)
	return b.String()
}

func writeFinding(b *strings.Builder, f Finding) {
	fmt.Fprintf(b, "      %s: %d\n", f.Name, f.Count)
	for _, e := range f.Examples {
		fmt.Fprintf(b, "          e.g. %s\n", e)
	}
}

// findings collects violations or notes by name, keeping the first
// examples in the order they were found.
type findings struct {
	max   int
	order []string
	by    map[string]*Finding
}

func newFindings(max int) *findings { return &findings{max: max, by: map[string]*Finding{}} }

func (fs *findings) add(c Check, name, format string, args ...any) {
	f, ok := fs.by[name]
	if !ok {
		f = &Finding{Check: c, Name: name, Examples: []string{}}
		fs.by[name] = f
		fs.order = append(fs.order, name)
	}
	f.Count++
	if len(f.Examples) < fs.max {
		f.Examples = append(f.Examples, fmt.Sprintf(format, args...))
	}
}

// list returns the findings in check order, then in order of discovery.
func (fs *findings) list() []Finding {
	out := make([]Finding, 0, len(fs.order))
	for _, c := range checkOrder {
		for _, name := range fs.order {
			if f := fs.by[name]; f.Check == c {
				out = append(out, *f)
			}
		}
	}
	return out
}
