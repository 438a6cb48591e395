package rest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/google/uuid"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
)

const testGroup = "Transport Service"

// newPipeline builds, without starting, a pipeline whose only handler turns
// a START command into a CHANGE_MAP and a STARTED event: enough of the spine
// to move every counter. start subscribes; the pipeline is closed at the
// end of the test.
func newPipeline(t *testing.T, b *kafkatest.Broker, m *metrics.Metrics, txnID string) (pl *kafka.Pipeline, start func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pl, err := kafka.NewPipeline(ctx, kafka.PipelineConfig{
		Bootstrap: b.Bootstrap(), Group: testGroup, TransactionalID: txnID,
		Outbox: kafka.OutboxConfig{TxnTimeout: 5 * time.Second},
	}, b.Names, zaptest.NewLogger(t), m)
	require.NoError(t, err)
	em := pl.Emitter()
	pl.Router().Handle(messages.CommandTopicInstanceTransport, func(in *kafka.Input) error {
		cmd, err := messages.DecodeStartTransport(in.Value)
		if err != nil {
			return err
		}
		instance := uuid.NewSHA1(uuid.Nil, in.Value)
		return em.Emit(in.Tenant, in.Trace, []messages.Record{
			messages.ChangeMap(cmd.WorldID, cmd.CharacterID, messages.ChangeMapBody{ChannelID: cmd.Body.ChannelID, MapID: 103000302, Instance: instance}),
			messages.RideEvent(cmd.WorldID, cmd.CharacterID, messages.TypeStarted, messages.RideBody{RouteID: cmd.Body.RouteID, InstanceID: instance}),
		}, in, nil)
	})
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_ = pl.Close(cctx)
		cancel()
	})
	return pl, func() { require.NoError(t, pl.Start(ctx)) }
}

func startCommand(character uint32) messages.CharacterEvent[messages.StartTransportBody] {
	return messages.CharacterEvent[messages.StartTransportBody]{WorldID: 1, CharacterID: character, Type: messages.TypeStart,
		Body: messages.StartTransportBody{RouteID: uuid.MustParse("24bb11dd-44aa-48c2-998e-a1f1644b9130"), ChannelID: 2}}
}

// get serves one GET request through h.
func get(h http.Handler, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

// scrape reads /metrics through h and parses the text exposition.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	w := get(h, "/metrics")
	require.Equal(t, http.StatusOK, w.Code)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(w.Body)
	require.NoError(t, err)
	return fams
}

// value is the sample of family name whose labels include want (0 when
// absent); for a histogram it is the sample count.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	f, ok := fams[name]
	if !ok {
		return 0
	}
	var sum float64
metricLoop:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, lp := range m.GetLabel() {
			labels[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if labels[k] != v {
				continue metricLoop
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Histogram != nil:
			sum += float64(m.Histogram.GetSampleCount())
		}
	}
	return sum
}

// adminPinger is what the service's broker check does: a metadata request
// bounded by the probe's deadline.
type adminPinger struct{ a *ck.AdminClient }

func newAdminPinger(t *testing.T, bootstrap string) adminPinger {
	t.Helper()
	a, err := ck.NewAdminClient(&ck.ConfigMap{"bootstrap.servers": bootstrap})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	return adminPinger{a}
}

func (p adminPinger) Ping(ctx context.Context) error {
	ms := 1000
	if dl, ok := ctx.Deadline(); ok {
		if ms = int(time.Until(dl).Milliseconds()); ms <= 0 {
			return context.DeadlineExceeded
		}
	}
	_, err := p.a.GetMetadata(nil, false, ms)
	return err
}
