package rest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.uber.org/zap/zaptest"

	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/rest"
)

// One good and one malformed record through a real pipeline move exactly
// the counters /metrics promises, by topic and reason.
func TestMetricsCountAKnownInput(t *testing.T) {
	b := kafkatest.StartBroker(t)
	m := metrics.New()
	_, start := newPipeline(t, b, m, "rest-metrics")
	start()
	h := rest.New(rest.Deps{Log: zaptest.NewLogger(t), Metrics: m})

	in := b.Client(t)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, messages.IntKey(1), startCommand(1), kafkatest.Tenant)
	b.Produce(t, in, messages.CommandTopicInstanceTransport, messages.IntKey(2), `{"type":"START","body":`, kafkatest.Tenant)
	b.NewReader(t, false, messages.DeadLetterTopic).WaitCount(20*time.Second, 1)
	b.NewReader(t, false, messages.CommandTopicCharacter, messages.EventTopicInstanceTransport).WaitCount(20*time.Second, 2)

	cmdTopic := string(messages.CommandTopicInstanceTransport)
	produced := func(tp messages.Topic) float64 {
		return value(scrape(t, h), "transitquest_records_produced_total", map[string]string{"topic": string(tp)})
	}
	// Counters move right after the commit the readers just saw.
	kafkatest.Eventually(t, 10*time.Second, "produced counters", func() bool {
		return produced(messages.CommandTopicCharacter) == 1 && produced(messages.EventTopicInstanceTransport) == 1 &&
			produced(messages.DeadLetterTopic) == 1
	})
	kafkatest.Eventually(t, 10*time.Second, "nothing in flight", func() bool {
		return value(scrape(t, h), "transitquest_inputs_in_flight", map[string]string{"group": testGroup}) == 0
	})

	fams := scrape(t, h)
	assert.Equal(t, 2.0, value(fams, "transitquest_records_consumed_total", map[string]string{"topic": cmdTopic}))
	assert.Equal(t, 2.0, value(fams, "transitquest_records_consumed_total", nil), "no other topic consumed")
	assert.Equal(t, 1.0, value(fams, "transitquest_records_rejected_total", map[string]string{"topic": cmdTopic, "reason": "bad_json"}))
	assert.Equal(t, 1.0, value(fams, "transitquest_records_rejected_total", nil), "no other rejection")
	assert.Equal(t, 1.0, value(fams, "transitquest_records_dead_lettered_total", map[string]string{"topic": cmdTopic, "reason": "bad_json"}))
	assert.Equal(t, 1.0, value(fams, "transitquest_records_dead_lettered_total", nil))
	assert.Equal(t, 3.0, value(fams, "transitquest_records_produced_total", nil), "two effects and one dead letter")
	txns := value(fams, "transitquest_transaction_seconds", nil)
	assert.True(t, txns >= 1 && txns <= 2, "one or two committed transactions (the outbox may batch both inputs), got %v", txns)
	assert.Zero(t, value(fams, "transitquest_transaction_failures_total", nil))
	assert.Contains(t, fams, "go_goroutines", "runtime collectors are exposed too")
}
