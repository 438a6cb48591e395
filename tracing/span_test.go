package tracing_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/gamehost/transitquest/tracing"
)

const (
	inTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	inSpanID  = "00f067aa0ba902b7"
	inParent  = "00-" + inTraceID + "-" + inSpanID + "-01"
)

// on installs tracing with an in-memory exporter for the test's lifetime.
func on(t *testing.T) *tracetest.InMemoryExporter {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	shutdown := tracing.Install(sdktrace.NewSimpleSpanProcessor(exp), tracing.Settings{ServiceName: "transitquest-test"})
	t.Cleanup(func() { require.NoError(t, shutdown(context.Background())) })
	return exp
}

// parts splits a traceparent into trace id, parent span id and flags.
func parts(t *testing.T, tp string) (traceID, spanID, flags string) {
	t.Helper()
	require.Len(t, tp, 55, "traceparent %q", tp)
	return tp[3:35], tp[36:52], tp[53:55]
}

func TestOffPassesTheContextThroughWithoutAllocating(t *testing.T) {
	require.False(t, tracing.Enabled())
	in := tracing.Context{Parent: inParent, State: "vendor=x"}
	span, out := tracing.StartConsume(in, "EVENT_TOPIC_MAP_STATUS", 3, 42)
	assert.Equal(t, in, out)
	assert.Empty(t, span.TraceID())
	span.End(errors.New("ignored"))

	_, out = tracing.StartClient(in, "GET", "http://127.0.0.1/parties/1/members")
	assert.Equal(t, in, out)
	allocs := testing.AllocsPerRun(100, func() {
		s, _ := tracing.StartConsume(in, "EVENT_TOPIC_MAP_STATUS", 3, 42)
		s.End(nil)
	})
	assert.Zero(t, allocs)
}

func TestConsumeSpanIsChildOfTheRecordAndParentOfItsEffects(t *testing.T) {
	exp := on(t)
	span, out := tracing.StartConsume(tracing.Context{Parent: inParent, State: "vendor=x"}, "COMMAND_TOPIC_PARTY_QUEST", 2, 17)
	traceID, spanID, flags := parts(t, out.Parent)
	assert.Equal(t, inTraceID, traceID, "same trace")
	assert.NotEqual(t, inSpanID, spanID, "this service's span is the new parent")
	assert.Equal(t, "01", flags)
	assert.Equal(t, "vendor=x", out.State)
	assert.Equal(t, inTraceID, span.TraceID())
	span.End(nil)

	spans := exp.GetSpans()
	require.Len(t, spans, 1)
	s := spans[0]
	assert.Equal(t, "COMMAND_TOPIC_PARTY_QUEST process", s.Name)
	assert.Equal(t, trace.SpanKindConsumer, s.SpanKind)
	assert.Equal(t, inSpanID, s.Parent.SpanID().String())
	assert.True(t, s.Parent.IsRemote())
	assert.Equal(t, spanID, s.SpanContext.SpanID().String())
	attrs := map[string]string{}
	for _, kv := range s.Attributes {
		attrs[string(kv.Key)] = kv.Value.Emit()
	}
	assert.Equal(t, map[string]string{"messaging.system": "kafka", "messaging.operation": "process",
		"messaging.destination.name": "COMMAND_TOPIC_PARTY_QUEST", "messaging.kafka.destination.partition": "2",
		"messaging.kafka.message.offset": "17"}, attrs)
}

func TestRecordWithoutTraceStartsOne(t *testing.T) {
	exp := on(t)
	for _, parent := range []string{"", "not-a-traceparent"} {
		span, out := tracing.StartConsume(tracing.Context{Parent: parent}, "T", 0, 0)
		traceID, _, _ := parts(t, out.Parent)
		assert.Equal(t, span.TraceID(), traceID)
		assert.NotEqual(t, inTraceID, traceID)
		span.End(nil)
	}
	spans := exp.GetSpans()
	require.Len(t, spans, 2)
	for _, s := range spans {
		assert.False(t, s.Parent.IsValid(), "root span")
	}
}

func TestUnsampledParentStaysUnsampled(t *testing.T) {
	exp := on(t)
	span, out := tracing.StartConsume(tracing.Context{Parent: "00-" + inTraceID + "-" + inSpanID + "-00"}, "T", 0, 0)
	span.End(nil)
	traceID, spanID, flags := parts(t, out.Parent)
	assert.Equal(t, inTraceID, traceID)
	assert.NotEqual(t, inSpanID, spanID)
	assert.Equal(t, "00", flags)
	assert.Empty(t, exp.GetSpans(), "not exported")
}

func TestClientSpanIsChildOfTheOperation(t *testing.T) {
	exp := on(t)
	consume, op := tracing.StartConsume(tracing.Context{Parent: inParent}, "T", 0, 0)
	call, hdr := tracing.StartClient(op, "GET", "http://127.0.0.1:1/parties/7/members")
	call.End(errors.New("connection refused"))
	consume.End(nil)

	_, opSpan, _ := parts(t, op.Parent)
	traceID, callSpan, _ := parts(t, hdr.Parent)
	assert.Equal(t, inTraceID, traceID)
	assert.NotEqual(t, opSpan, callSpan)
	spans := exp.GetSpans()
	require.Len(t, spans, 2)
	c := spans[0]
	assert.Equal(t, "GET", c.Name)
	assert.Equal(t, trace.SpanKindClient, c.SpanKind)
	assert.Equal(t, opSpan, c.Parent.SpanID().String())
	assert.Equal(t, codes.Error, c.Status.Code)
	assert.Equal(t, "connection refused", c.Status.Description)
}

func TestInternalSpanContinuesTheTrace(t *testing.T) {
	exp := on(t)
	span, out := tracing.StartInternal(tracing.Context{Parent: inParent}, "route timer")
	span.End(nil)
	traceID, _, _ := parts(t, out.Parent)
	assert.Equal(t, inTraceID, traceID)
	require.Len(t, exp.GetSpans(), 1)
	assert.Equal(t, trace.SpanKindInternal, exp.GetSpans()[0].SpanKind)
}

func TestShutdownTurnsTracingOff(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	shutdown := tracing.Install(sdktrace.NewSimpleSpanProcessor(exp), tracing.Settings{ServiceName: "x"})
	assert.True(t, tracing.Enabled())
	require.NoError(t, shutdown(context.Background()))
	assert.False(t, tracing.Enabled())
	in := tracing.Context{Parent: inParent}
	_, out := tracing.StartConsume(in, "T", 0, 0)
	assert.Equal(t, in, out)
}
