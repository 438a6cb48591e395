package rest

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gamehost/transitquest/schedule"
)

// Trip windows: a schedule answer holds the trips that overlap
// [from, from+window): boarding opens before the window ends and arrival
// is after it starts. The window is the page; links.prev and links.next
// are the adjacent windows.
const (
	defaultWindow = 2 * time.Hour
	maxWindow     = 24 * time.Hour
	// maxFromDistance bounds from on either side of now: a week of
	// timetable is plenty, and the bound keeps every answer finite.
	maxFromDistance = 7 * 24 * time.Hour
	day             = 24 * time.Hour
)

// tripWindow is the time window of one schedule answer.
type tripWindow struct {
	from, to time.Time
	now      time.Time
}

// parseWindow reads the window and from query parameters: window in whole
// seconds (default 7200, at most 86400), from in RFC 3339 (default now).
func parseWindow(r *http.Request, now time.Time) (tripWindow, *apiError) {
	q := r.URL.Query()
	w := tripWindow{from: now.UTC().Truncate(time.Second), now: now}
	length := defaultWindow
	if v := q.Get("window"); v != "" {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 || time.Duration(n)*time.Second > maxWindow {
			return w, paramError("window", fmt.Sprintf("window must be whole seconds, 1 to %d", int(maxWindow.Seconds())))
		}
		length = time.Duration(n) * time.Second
	}
	if v := q.Get("from"); v != "" {
		f, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return w, paramError("from", "from must be an RFC 3339 timestamp")
		}
		if f.Sub(now).Abs() > maxFromDistance {
			return w, paramError("from", fmt.Sprintf("from must be within %d seconds of now", int(maxFromDistance.Seconds())))
		}
		w.from = f.UTC()
	}
	w.to = w.from.Add(length)
	return w, nil
}

func paramError(param, detail string) *apiError {
	e := newError(http.StatusBadRequest, detail)
	e.Source = &errorSource{Parameter: param}
	return &e
}

func (w tripWindow) length() time.Duration { return w.to.Sub(w.from) }

// trips selects the window's trips from one day's timetable of a route
// (a route's trips are the same every UTC day; ids are recomputed for the
// day they run on).
func (w tripWindow) trips(oneDay []schedule.Trip) []schedule.Trip {
	if len(oneDay) == 0 {
		return nil
	}
	base := oneDay[0].BoardingOpen.UTC().Truncate(day)
	var out []schedule.Trip
	// The day before from's day too: its last trips may still be running.
	for d := w.from.Truncate(day).Add(-day); d.Before(w.to); d = d.Add(day) {
		shift := d.Sub(base)
		for _, t := range oneDay {
			open, arrival := t.BoardingOpen.Add(shift), t.Arrival.Add(shift)
			if !open.Before(w.to) || !arrival.After(w.from) {
				continue
			}
			out = append(out, schedule.Trip{ID: schedule.TripID(t.RouteID, open), RouteID: t.RouteID,
				BoardingOpen: open, BoardingClosed: t.BoardingClosed.Add(shift),
				Departure: t.Departure.Add(shift), Arrival: arrival})
		}
	}
	return out
}

// links are self, and prev/next when the adjacent window's from is still
// within bounds; other query parameters are kept.
func (w tripWindow) links(r *http.Request) *links {
	at := func(from time.Time) string {
		q := r.URL.Query()
		q.Set("from", from.Format(time.RFC3339))
		q.Set("window", strconv.Itoa(int(w.length().Seconds())))
		return (&url.URL{Path: r.URL.Path, RawQuery: q.Encode()}).String()
	}
	l := &links{Self: at(w.from)}
	if prev := w.from.Add(-w.length()); prev.Sub(w.now).Abs() <= maxFromDistance {
		l.Prev = at(prev)
	}
	if w.to.Sub(w.now).Abs() <= maxFromDistance {
		l.Next = at(w.to)
	}
	return l
}

func (w tripWindow) meta() map[string]any {
	return map[string]any{"window": map[string]any{"from": w.from, "to": w.to, "seconds": int(w.length().Seconds())}}
}
