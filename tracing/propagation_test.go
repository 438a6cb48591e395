package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/partyquest/clients"
	"github.com/gamehost/transitquest/tracing"
)

// These tests need the wiring of kafka.Router.Dispatch / Emitter and of the
// partyquest clients described in the tracing hand-off; the build tag goes
// once that wiring is in.

// relay runs a pipeline whose handler re-emits every input unchanged to the
// character command topic, on the handler's goroutine.
func relay(t *testing.T, b *kafkatest.Broker) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pl, err := kafka.NewPipeline(ctx, kafka.PipelineConfig{Bootstrap: b.Bootstrap(), Group: "trace-test", TransactionalID: "trace-test",
		Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second}}, b.Names, zaptest.NewLogger(t), metrics.New())
	require.NoError(t, err)
	em := pl.Emitter()
	pl.Router().Handle(messages.CommandTopicInstanceTransport, func(in *kafka.Input) error {
		return em.Emit(in.Tenant, in.Trace, []messages.Record{{Topic: messages.CommandTopicCharacter, Key: in.Key, Value: map[string]int{"n": 1}}}, in, nil)
	})
	require.NoError(t, pl.Start(ctx))
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_ = pl.Close(cctx)
		cancel()
	})
}

// A traceparent in → the same trace id out, with this service's consume
// span as the new parent; the consume span itself is the child of the
// incoming span.
func TestTraceparentInSameTraceOut(t *testing.T) {
	exp := on(t)
	b := kafkatest.StartBroker(t)
	relay(t, b)
	in := b.Client(t)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, messages.IntKey(5), `{}`, kafkatest.Tenant,
		kgo.RecordHeader{Key: "traceparent", Value: []byte(inParent)}, kgo.RecordHeader{Key: "tracestate", Value: []byte("vendor=x")})
	out := b.NewReader(t, false, messages.CommandTopicCharacter).WaitCount(20*time.Second, 1)[0]

	tp, ok := kafkatest.Header(out, kafka.HeaderTraceparent)
	require.True(t, ok, "produced record carries a traceparent")
	traceID, spanID, flags := parts(t, string(tp))
	assert.Equal(t, inTraceID, traceID, "same trace")
	assert.NotEqual(t, inSpanID, spanID, "parent is this service's span, not the upstream one")
	assert.Equal(t, "01", flags)
	ts, _ := kafkatest.Header(out, kafka.HeaderTracestate)
	assert.Equal(t, "vendor=x", string(ts))

	var consume tracetest.SpanStub
	kafkatest.Eventually(t, 10*time.Second, "the consume span to end", func() bool {
		for _, s := range exp.GetSpans() {
			if s.SpanKind == trace.SpanKindConsumer {
				consume = s
				return true
			}
		}
		return false
	})
	assert.Equal(t, spanID, consume.SpanContext.SpanID().String(), "the produced record's parent is the consume span")
	assert.Equal(t, inSpanID, consume.Parent.SpanID().String(), "the consume span's parent is the record's")
	assert.Equal(t, "COMMAND_TOPIC_INSTANCE_TRANSPORT process", consume.Name)
}

// A rejected record's span ends too, marked failed; its dead letter keeps
// the original headers.
func TestRejectedRecordEndsItsSpan(t *testing.T) {
	exp := on(t)
	b := kafkatest.StartBroker(t)
	relay(t, b)
	in := b.Client(t)
	noTenant := &kgo.Record{Topic: string(messages.CommandTopicInstanceTransport), Value: []byte(`{}`),
		Headers: []kgo.RecordHeader{{Key: "traceparent", Value: []byte(inParent)}}}
	require.NoError(t, in.ProduceSync(context.Background(), noTenant).FirstErr())
	dead := b.NewReader(t, false, messages.DeadLetterTopic).WaitCount(20*time.Second, 1)[0]
	tp, _ := kafkatest.Header(dead, kafka.HeaderTraceparent)
	assert.Equal(t, inParent, string(tp), "a dead letter is a copy of the original")
	kafkatest.Eventually(t, 10*time.Second, "the failed span", func() bool {
		spans := exp.GetSpans()
		return len(spans) == 1 && spans[0].Status.Description != "" && spans[0].Parent.SpanID().String() == inSpanID
	})
}

// An outgoing REST call carries the same trace with its own client span as
// parent, itself the child of the operation that made the call.
func TestTraceparentOnRESTCalls(t *testing.T) {
	exp := on(t)
	var (
		mu  sync.Mutex
		got string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Get("traceparent")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/vnd.api+json")
		_, _ = w.Write([]byte(`{"data":[]}`))
	}))
	defer srv.Close()

	op, opCtx := tracing.StartConsume(tracing.Context{Parent: inParent}, "COMMAND_TOPIC_PARTY_QUEST", 0, 1)
	ctx := clients.WithTrace(context.Background(), opCtx.Parent, opCtx.State)
	_, err := clients.NewParties(srv.URL+"/").Members(ctx, kafkatest.Tenant, 7)
	require.NoError(t, err)
	op.End(nil)

	mu.Lock()
	defer mu.Unlock()
	traceID, callSpan, _ := parts(t, got)
	_, opSpan, _ := parts(t, opCtx.Parent)
	assert.Equal(t, inTraceID, traceID)
	assert.NotEqual(t, opSpan, callSpan)
	spans := exp.GetSpans()
	require.Len(t, spans, 2)
	call := spans[0]
	assert.Equal(t, trace.SpanKindClient, call.SpanKind)
	assert.Equal(t, callSpan, call.SpanContext.SpanID().String())
	assert.Equal(t, opSpan, call.Parent.SpanID().String())
}
