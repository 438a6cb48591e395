// Package board is the live board: one self-contained web page, served at
// "/", that shows what a running service is doing for one tenant at a time
// (scheduled routes and their next transitions, live rides, live party
// quests by stage, the latest committed records, dead letters and consumer
// lag). The page polls GET /board/state, a JSON snapshot, and computes its
// countdowns from the snapshot's instants and server time. Everything it
// needs is embedded in the binary: no CDN, no build step.
package board

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"time"

	"github.com/gamehost/transitquest/actors/quest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/clock"
	"github.com/gamehost/transitquest/metrics"
)

//go:embed static
var static embed.FS

// Deps are what the board reads; any of them may be nil (a disabled
// subsystem, no event observer).
type Deps struct {
	Transport *transport.Subsystem
	Quests    *quest.Subsystem
	Metrics   *metrics.Metrics
	Events    *Events
	Clock     clock.Clock // the instant snapshots are taken at; nil: the wall clock
}

// snapshotTimeout bounds the actor queries behind one snapshot.
const snapshotTimeout = 3 * time.Second

// New returns the board's handler. It serves GET / (the page), GET
// /board/static/ (its script and style) and GET /board/state?tenant=KEY.
func New(d Deps) http.Handler {
	if d.Clock == nil {
		d.Clock = clock.Real{}
	}
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	b := &board{d: d}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, files, "index.html")
	})
	mux.Handle("GET /board/static/", http.StripPrefix("/board/static/", http.FileServerFS(files)))
	mux.HandleFunc("GET /board/state", b.state)
	return mux
}

type board struct{ d Deps }

func (b *board) state(w http.ResponseWriter, r *http.Request) {
	snap, status, err := b.snapshot(r.Context(), r.URL.Query().Get("tenant"))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(snap)
}
