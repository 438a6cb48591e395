// Package rest is the service's HTTP surface: the JSON:API read API of both
// subsystems (tenant headers required, as on Kafka but in decimal text), the
// instance-transport start endpoint, health probes and Prometheus metrics.
//
// Conventions (README, "REST"): every duration is a JSON number of seconds,
// every timestamp RFC 3339; every error under /api, and every unknown path
// or wrong method, is a JSON:API error document.
package rest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors/quest"
	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/tenant"
)

// Deps are the subsystems the API reads from (nil when disabled).
type Deps struct {
	Log       *zap.Logger
	Metrics   *metrics.Metrics
	Transport *transport.Subsystem
	Quests    *quest.Subsystem
	// Ready reports whether the service is ready for traffic (nil: always).
	Ready func() error
	// Token, when not empty, closes the endpoint that acts (POST
	// …/instance-routes/{id}/start) and the board to callers without
	// "Authorization: Bearer <Token>" (see RequireToken). Empty: open.
	Token string
	// Board serves GET / and everything under /board/ (nil: 404), behind
	// Token.
	Board http.Handler
	// Now is the clock trip windows start from (time.Now when nil); the
	// transport subsystem's clock in tests.
	Now func() time.Time
}

// New returns the HTTP handler.
func New(d Deps) http.Handler {
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	guard := RequireToken(d.Token)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /readyz", readyz(d.Ready))
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.Metrics.Registry, promhttp.HandlerOpts{}))
	board := d.Board
	if board == nil {
		board = http.HandlerFunc(notFound)
	}
	mux.Handle("/{$}", guard(board))
	mux.Handle("/board/", guard(board))

	a := &api{transport: d.Transport, quests: d.Quests}
	if d.Transport != nil {
		t := transportAPI{s: d.Transport, log: d.Log, now: d.Now}
		mux.Handle("GET /api/transports/routes", a.withTenant(t.routes))
		mux.Handle("GET /api/transports/routes/{id}", a.withTenant(t.route))
		mux.Handle("GET /api/transports/routes/{id}/state", a.withTenant(t.routeState))
		mux.Handle("GET /api/transports/routes/{id}/schedule", a.withTenant(t.routeSchedule))
		mux.Handle("GET /api/transports/instance-routes", a.withTenant(t.instanceRoutes))
		mux.Handle("GET /api/transports/instance-routes/{id}", a.withTenant(t.instanceRoute))
		mux.Handle("GET /api/transports/instance-routes/{id}/status", a.withTenant(t.instanceStatus))
		mux.Handle("POST /api/transports/instance-routes/{id}/start", guard(a.withTenant(t.start)))
	}
	if d.Quests != nil {
		questAPI{s: d.Quests}.routes(mux, a)
	}
	return jsonRouteErrors(mux)
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	writeTyped(w, "application/json", http.StatusOK, map[string]string{"status": "ok"})
}

// readyBody is the answer of /readyz.
type readyBody struct {
	Status string       `json:"status"` // "ready" or "not ready"
	Checks []checkState `json:"checks,omitempty"`
	Detail string       `json:"detail,omitempty"`
}

type checkState struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

func readyz(ready func() error) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		var err error
		if ready != nil {
			err = ready()
		}
		if err == nil {
			writeTyped(w, "application/json", http.StatusOK, readyBody{Status: "ready"})
			return
		}
		body := readyBody{Status: "not ready"}
		if nr, ok := err.(*NotReadyError); ok {
			for i, name := range nr.Failing {
				body.Checks = append(body.Checks, checkState{Name: name, Detail: nr.Reasons[i].Error()})
			}
			for _, name := range nr.Passing {
				body.Checks = append(body.Checks, checkState{Name: name, OK: true})
			}
		} else {
			body.Detail = err.Error()
		}
		writeTyped(w, "application/json", http.StatusServiceUnavailable, body)
	}
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, fmt.Sprintf("no resource at %s", r.URL.Path))
}

// jsonRouteErrors turns the mux's own answers for an unknown path (404)
// and a wrong method (405, Allow kept) into JSON:API error documents.
func jsonRouteErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(&routeErrorWriter{ResponseWriter: w, r: r}, r)
	})
}

// routeErrorWriter replaces a 404 or 405 text/plain body with an error
// document; any other answer (a redirect) passes through.
type routeErrorWriter struct {
	http.ResponseWriter
	r       *http.Request
	swallow bool
}

func (w *routeErrorWriter) WriteHeader(code int) {
	switch code {
	case http.StatusNotFound:
		w.swallow = true
		notFound(w.ResponseWriter, w.r)
	case http.StatusMethodNotAllowed:
		w.swallow = true
		writeError(w.ResponseWriter, code, fmt.Sprintf("%s is not allowed on %s; allowed: %s",
			w.r.Method, w.r.URL.Path, w.Header().Get("Allow")))
	default:
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *routeErrorWriter) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

type tenantHandler func(w http.ResponseWriter, r *http.Request, t tenant.Tenant)

// api holds what every tenant-scoped handler shares: the subsystems, to
// tell a known tenant from an unknown one.
type api struct {
	transport *transport.Subsystem
	quests    *quest.Subsystem
}

// withTenant requires the four tenant headers (versions in decimal text)
// and a tenant the service knows: 404 naming it otherwise.
func (a *api) withTenant(h tenantHandler) http.Handler {
	return withHeaders(func(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
		switch {
		case !a.known(t):
			writeErrors(w, http.StatusNotFound, apiError{Status: "404", Title: "Unknown tenant",
				Detail: fmt.Sprintf("tenant %s (region %s, version %d.%d) is not configured and has not been seen by this service",
					t.ID, t.Region, t.MajorVersion, t.MinorVersion),
				Source: &errorSource{Header: "TENANT_ID"}})
		default:
			h(w, r, t)
		}
	})
}

// known reports whether the service has configuration for t or has seen it
// in a record: a subsystem has started its actors.
func (a *api) known(t tenant.Tenant) bool {
	return (a.transport != nil && a.transport.Known(t)) || (a.quests != nil && a.quests.Known(t))
}

// withHeaders requires the four tenant headers only.
func withHeaders(h tenantHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, errs := tenantFromRequest(r)
		if len(errs) > 0 {
			writeErrors(w, http.StatusBadRequest, errs...)
			return
		}
		h(w, r, t)
	})
}

// tenantFromRequest reads the tenant headers, with one error object per
// header that is missing (absent or empty) or malformed.
func tenantFromRequest(r *http.Request) (tenant.Tenant, []apiError) {
	var (
		t    tenant.Tenant
		errs []apiError
	)
	header := func(name, malformed string, parse func(string) bool) {
		v := strings.TrimSpace(r.Header.Get(name))
		detail := ""
		switch {
		case v == "":
			detail = "missing header " + name
		case !parse(v):
			detail = name + " header " + malformed
		default:
			return
		}
		e := newError(http.StatusBadRequest, detail)
		e.Source = &errorSource{Header: name}
		errs = append(errs, e)
	}
	header("TENANT_ID", "must be a non-nil UUID", func(v string) bool {
		id, err := uuid.Parse(v)
		t.ID = id
		return err == nil && id != uuid.Nil
	})
	header("REGION", "must not be empty", func(v string) bool { t.Region = v; return true })
	version := func(v string, into *uint16) bool {
		n, err := strconv.ParseUint(v, 10, 16)
		*into = uint16(n)
		return err == nil
	}
	header("MAJOR_VERSION", "must be a decimal uint16", func(v string) bool { return version(v, &t.MajorVersion) })
	header("MINOR_VERSION", "must be a decimal uint16", func(v string) bool { return version(v, &t.MinorVersion) })
	return t, errs
}

func pathUUID(w http.ResponseWriter, r *http.Request) (uuid.UUID, bool) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "id must be a UUID")
		return uuid.Nil, false
	}
	return id, true
}
