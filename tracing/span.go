package tracing

import (
	"context"
	"strconv"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Header names of the W3C trace context.
const (
	HeaderTraceparent = "traceparent"
	HeaderTracestate  = "tracestate"
)

// Context is a W3C trace context as the header values that carry it. Its
// fields are those of kafka.Trace, so the two convert directly.
type Context struct {
	Parent string // traceparent, empty when there is none
	State  string // tracestate
}

// Span is one operation of this service. The zero Span (what every helper
// returns while tracing is off) does nothing.
type Span struct{ s trace.Span }

// End finishes the span; a non-nil err marks it failed. Call it once.
func (s Span) End(err error) {
	if s.s == nil {
		return
	}
	if err != nil && s.s.IsRecording() {
		s.s.RecordError(err)
		s.s.SetStatus(codes.Error, err.Error())
	}
	s.s.End()
}

// TraceID is the span's trace id in hex (empty for the zero Span).
func (s Span) TraceID() string {
	if s.s == nil {
		return ""
	}
	return s.s.SpanContext().TraceID().String()
}

// StartConsume starts the span of handling one record read from topic. Its
// parent is the record's trace context (a new trace when it has none). The
// Context returned is what everything the record causes must carry: produced
// records, outgoing calls, dead letters excepted (they copy the original).
// While tracing is off it returns the zero Span and parent unchanged.
func StartConsume(parent Context, topic string, partition int32, offset int64) (Span, Context) {
	in := active.Load()
	if in == nil {
		return Span{}, parent
	}
	return in.start(parent, topic+" process", trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			attribute.String("messaging.system", "kafka"),
			attribute.String("messaging.operation", "process"),
			attribute.String("messaging.destination.name", topic),
			attribute.String("messaging.kafka.destination.partition", strconv.Itoa(int(partition))),
			attribute.Int64("messaging.kafka.message.offset", offset),
		))
}

// StartClient starts the span of an outgoing HTTP call made on behalf of
// the operation whose context is parent. Put the returned Context on the
// request's traceparent/tracestate headers (nothing when its Parent is
// empty). While tracing is off it returns the zero Span and parent unchanged.
func StartClient(parent Context, method, url string) (Span, Context) {
	in := active.Load()
	if in == nil {
		return Span{}, parent
	}
	return in.start(parent, method, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("http.request.method", method), attribute.String("url.full", url)))
}

// StartInternal starts a span of internal work (a timer firing, say)
// continuing the trace of parent.
func StartInternal(parent Context, name string) (Span, Context) {
	in := active.Load()
	if in == nil {
		return Span{}, parent
	}
	return in.start(parent, name)
}

var traceContext propagation.TraceContext

func (in *installed) start(parent Context, name string, opts ...trace.SpanStartOption) (Span, Context) {
	ctx := traceContext.Extract(context.Background(), carrier{&parent})
	ctx, s := in.tracer.Start(ctx, name, opts...)
	var out Context
	traceContext.Inject(ctx, carrier{&out})
	return Span{s: s}, out
}

// carrier adapts a Context to the propagator without building a map.
type carrier struct{ c *Context }

func (c carrier) Get(key string) string {
	switch key {
	case HeaderTraceparent:
		return c.c.Parent
	case HeaderTracestate:
		return c.c.State
	}
	return ""
}

func (c carrier) Set(key, value string) {
	switch key {
	case HeaderTraceparent:
		c.c.Parent = value
	case HeaderTracestate:
		c.c.State = value
	}
}

func (c carrier) Keys() []string { return []string{HeaderTraceparent, HeaderTracestate} }
