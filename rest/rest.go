// Package rest is the service's HTTP surface: the JSON:API read API of both
// subsystems (tenant headers required, as on Kafka but in decimal text), the
// instance-transport start endpoint, health probes and Prometheus metrics.
package rest

import (
	"net/http"
	"strconv"

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
	// Board serves the live board at / and /board/ (nil: no board).
	Board http.Handler
}

// New returns the HTTP handler.
func New(d Deps) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if d.Ready != nil {
			if err := d.Ready(); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.Metrics.Registry, promhttp.HandlerOpts{}))
	if d.Transport != nil {
		t := transportAPI{s: d.Transport, log: d.Log}
		mux.HandleFunc("GET /api/transports/routes", withTenant(t.routes))
		mux.HandleFunc("GET /api/transports/routes/{id}", withTenant(t.route))
		mux.HandleFunc("GET /api/transports/routes/{id}/state", withTenant(t.routeState))
		mux.HandleFunc("GET /api/transports/routes/{id}/schedule", withTenant(t.routeSchedule))
		mux.HandleFunc("GET /api/transports/instance-routes", withTenant(t.instanceRoutes))
		mux.HandleFunc("GET /api/transports/instance-routes/{id}", withTenant(t.instanceRoute))
		mux.HandleFunc("GET /api/transports/instance-routes/{id}/status", withTenant(t.instanceStatus))
		mux.HandleFunc("POST /api/transports/instance-routes/{id}/start", withTenant(t.start))
	}
	if d.Quests != nil {
		questAPI{s: d.Quests}.routes(mux)
	}
	if d.Board != nil {
		mux.Handle("GET /{$}", d.Board)
		mux.Handle("GET /board/", d.Board)
	}
	return mux
}

type tenantHandler func(w http.ResponseWriter, r *http.Request, t tenant.Tenant)

// withTenant requires the four tenant headers (versions in decimal text).
func withTenant(h tenantHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := tenantFromRequest(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		h(w, r, t)
	}
}

type headerError string

func (e headerError) Error() string { return string(e) }

func tenantFromRequest(r *http.Request) (tenant.Tenant, error) {
	var t tenant.Tenant
	id, err := uuid.Parse(r.Header.Get("TENANT_ID"))
	if err != nil || id == uuid.Nil {
		return t, headerError("TENANT_ID header must be a non-nil UUID")
	}
	t.ID = id
	if t.Region = r.Header.Get("REGION"); t.Region == "" {
		return t, headerError("REGION header is required")
	}
	major, err := strconv.ParseUint(r.Header.Get("MAJOR_VERSION"), 10, 16)
	if err != nil {
		return t, headerError("MAJOR_VERSION header must be a decimal uint16")
	}
	minor, err := strconv.ParseUint(r.Header.Get("MINOR_VERSION"), 10, 16)
	if err != nil {
		return t, headerError("MINOR_VERSION header must be a decimal uint16")
	}
	t.MajorVersion, t.MinorVersion = uint16(major), uint16(minor)
	return t, nil
}

func pathUUID(w http.ResponseWriter, r *http.Request) (uuid.UUID, bool) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "id must be a UUID")
		return uuid.Nil, false
	}
	return id, true
}
