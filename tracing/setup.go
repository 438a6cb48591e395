package tracing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Protocols of the OTLP exporter (OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL).
const (
	ProtocolHTTP = "http/protobuf"
	ProtocolGRPC = "grpc"
)

// Config is what the environment asks for. The exporter's own settings
// (endpoint, headers, TLS, timeout, compression), the sampler
// (OTEL_TRACES_SAMPLER[_ARG]), the batch processor (OTEL_BSP_*) and the
// resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) are read by the SDK
// itself from the process environment.
type Config struct {
	Enabled  bool   // an OTLP exporter is wanted
	Protocol string // ProtocolHTTP or ProtocolGRPC
}

// ConfigFromEnv decides whether to export traces; getenv is os.Getenv
// outside tests. Unlike the SDK default, nothing set means off: tracing is
// on when OTEL_TRACES_EXPORTER is "otlp", or when it is unset and an OTLP
// endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
// is. OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var c Config
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return c, nil
	}
	switch exp := strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")); exp {
	case "":
		c.Enabled = getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
	case "none":
		return c, nil
	case "otlp":
		c.Enabled = true
	default:
		return c, fmt.Errorf("OTEL_TRACES_EXPORTER %q is not supported (want otlp or none)", exp)
	}
	if !c.Enabled {
		return c, nil
	}
	c.Protocol = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
	if c.Protocol == "" {
		c.Protocol = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_PROTOCOL"))
	}
	switch c.Protocol {
	case "":
		c.Protocol = ProtocolHTTP // the specification's default
	case ProtocolHTTP, ProtocolGRPC:
	default:
		return c, fmt.Errorf("OTLP protocol %q is not supported (want %s or %s)", c.Protocol, ProtocolHTTP, ProtocolGRPC)
	}
	return c, nil
}

// Settings are the service's defaults for the trace resource.
type Settings struct {
	ServiceName    string // service.name unless OTEL_SERVICE_NAME says otherwise
	ServiceVersion string // service.version, when not empty
	// OnError receives export errors (nil: the OpenTelemetry default, a log
	// line on stderr).
	OnError func(error)
}

// Shutdown flushes the spans still buffered and stops exporting; it is a
// no-op when tracing is off.
type Shutdown func(context.Context) error

func noShutdown(context.Context) error { return nil }

// Setup configures tracing from the environment and returns its Shutdown,
// to be called once the service has finished its own shutdown. With no
// exporter configured it installs nothing and returns a no-op Shutdown.
// Creating the OTLP exporter does not contact the collector.
func Setup(ctx context.Context, getenv func(string) string, s Settings) (Shutdown, error) {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil || !cfg.Enabled {
		return noShutdown, err
	}
	var exp sdktrace.SpanExporter
	if cfg.Protocol == ProtocolGRPC {
		exp, err = otlptracegrpc.New(ctx)
	} else {
		exp, err = otlptracehttp.New(ctx)
	}
	if err != nil {
		return noShutdown, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := newResource(ctx, s)
	if err != nil {
		_ = exp.Shutdown(ctx)
		return noShutdown, err
	}
	return install(sdktrace.NewBatchSpanProcessor(exp), res, s), nil
}

func newResource(ctx context.Context, s Settings) (*resource.Resource, error) {
	attrs := []attribute.KeyValue{attribute.String("service.name", s.ServiceName)}
	if s.ServiceVersion != "" {
		attrs = append(attrs, attribute.String("service.version", s.ServiceVersion))
	}
	// Later detectors win: the environment overrides the defaults.
	res, err := resource.New(ctx, resource.WithAttributes(attrs...), resource.WithTelemetrySDK(),
		resource.WithHost(), resource.WithFromEnv())
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	return res, nil
}

// Install turns tracing on with the given span processor (tests use a
// simple processor over an in-memory exporter) and returns the Shutdown
// that turns it off again. Only one installation is active at a time.
func Install(p sdktrace.SpanProcessor, s Settings) Shutdown {
	return install(p, resource.NewSchemaless(attribute.String("service.name", s.ServiceName)), s)
}

// active is the installed tracer; nil means tracing is off.
var active atomic.Pointer[installed]

type installed struct{ tracer trace.Tracer }

func install(p sdktrace.SpanProcessor, res *resource.Resource, s Settings) Shutdown {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	if s.OnError != nil {
		otel.SetErrorHandler(otel.ErrorHandlerFunc(s.OnError))
	}
	active.Store(&installed{tracer: tp.Tracer("github.com/gamehost/transitquest")})
	return func(ctx context.Context) error {
		active.Store(nil)
		otel.SetTracerProvider(noop.NewTracerProvider())
		return tp.Shutdown(ctx)
	}
}

// Enabled reports whether spans are being created.
func Enabled() bool { return active.Load() != nil }
