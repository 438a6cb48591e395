package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// guilds is the demo's stand-in for the guilds service: a quest registered
// individually with guild affinity (sharenian_trial) needs the sender's
// guild, and without a guilds service every such REGISTER is refused.
type guilds struct {
	mu sync.Mutex
	of map[uint32]uint32 // character → guild
}

func newGuilds() *guilds { return &guilds{of: map[uint32]uint32{}} }

func (g *guilds) set(c, guild uint32) {
	if guild == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.of[c] = guild
}

// ServeHTTP answers GET .../guilds?filter[members.id]=N with a JSON:API
// list holding the character's guild, or an empty list.
func (g *guilds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/guilds") {
		http.NotFound(w, r)
		return
	}
	c, err := strconv.ParseUint(r.URL.Query().Get("filter[members.id]"), 10, 32)
	if err != nil {
		http.Error(w, "bad filter", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	guild, ok := g.of[uint32(c)]
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.api+json")
	if !ok {
		_, _ = w.Write([]byte(`{"data":[]}`))
		return
	}
	_, _ = fmt.Fprintf(w, `{"data":[{"type":"guilds","id":"%d","attributes":{}}]}`, guild)
}

func (d *Demo) startGuilds() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo guilds service: %w", err)
	}
	d.listener = l
	d.server = &http.Server{Handler: d.guilds, ReadHeaderTimeout: 5 * time.Second}
	d.wg.Go(func() {
		if err := d.server.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Warn("demo guilds service", zap.Error(err))
		}
	})
	return nil
}

// GuildsURL is the base URL of the demo's guilds service, for the
// service's GUILDS_SERVICE_URL when none is configured.
func (d *Demo) GuildsURL() string { return "http://" + d.listener.Addr().String() + "/" }

func (d *Demo) stopGuilds() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.server.Shutdown(ctx)
}
