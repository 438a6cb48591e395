package clients

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/tracing"
)

// DefaultTimeout bounds one call when no WithTimeout option is given.
const DefaultTimeout = 2 * time.Second

// maxBody bounds how much of a response is read: a party or guild list is
// small, and a misbehaving service must not make the registrar buffer
// without limit.
const maxBody = 1 << 20

// Errors of a call. Anything else is a *StatusError or a transport error.
var (
	ErrNotFound   = errors.New("not found")
	ErrBadRequest = errors.New("bad request")
)

// StatusError is an unexpected HTTP status.
type StatusError struct {
	URL    string
	Status int
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: unexpected status %d", e.URL, e.Status)
}

// Option configures a client.
type Option func(*caller)

// WithTimeout sets the per-call timeout (DefaultTimeout when not positive).
func WithTimeout(d time.Duration) Option {
	return func(c *caller) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithHTTPClient replaces http.DefaultClient (for transports, proxies, TLS).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *caller) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// caller is what both clients share: base URL, HTTP client and timeout.
type caller struct {
	base    string
	hc      *http.Client
	timeout time.Duration
}

func newCaller(base string, opts []Option) caller {
	c := caller{base: base, hc: http.DefaultClient, timeout: DefaultTimeout}
	for _, o := range opts {
		o(&c)
	}
	return c
}

type traceKey struct{}

type trace struct{ parent, state string }

// WithTrace attaches the W3C trace context of the operation to ctx, so the
// call carries the caller's traceparent (and tracestate) headers.
func WithTrace(ctx context.Context, traceparent, tracestate string) context.Context {
	if traceparent == "" {
		return ctx
	}
	return context.WithValue(ctx, traceKey{}, trace{parent: traceparent, state: tracestate})
}

// get fetches base+path and decodes the JSON:API document's data into out.
func (c caller) get(ctx context.Context, t tenant.Tenant, path string, out any) (err error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	url := c.base + path
	var parent tracing.Context
	if tr, ok := ctx.Value(traceKey{}).(trace); ok {
		parent = tracing.Context{Parent: tr.parent, State: tr.state}
	}
	// The call's own client span is the parent the called service sees.
	span, tc := tracing.StartClient(parent, http.MethodGet, url)
	defer func() { span.End(err) }()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	h := req.Header
	h.Set("TENANT_ID", t.ID.String())
	h.Set("REGION", t.Region)
	h.Set("MAJOR_VERSION", strconv.FormatUint(uint64(t.MajorVersion), 10))
	h.Set("MINOR_VERSION", strconv.FormatUint(uint64(t.MinorVersion), 10))
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Accept", "application/vnd.api+json, application/json")
	if tc.Parent != "" {
		h.Set("traceparent", tc.Parent)
		if tc.State != "" {
			h.Set("tracestate", tc.State)
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("GET %s: read body: %w", url, err)
	}
	switch resp.StatusCode {
	case http.StatusOK, http.StatusAccepted:
	case http.StatusNotFound:
		return fmt.Errorf("GET %s: %w", url, ErrNotFound)
	case http.StatusBadRequest:
		return fmt.Errorf("GET %s: %w", url, ErrBadRequest)
	default:
		return &StatusError{URL: url, Status: resp.StatusCode}
	}
	if err := decodeData(body, out); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	return nil
}
