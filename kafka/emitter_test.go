package kafka

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/tenant"
)

// Held effects are encoded when held and reach the outbox only when
// released, stamped with the instant given; a release never called submits
// nothing.
func TestEmitterHoldSubmitsOnlyWhenReleased(t *testing.T) {
	tenantA := tenant.Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	// The outbox's queue alone: nothing runs it, so what is queued stays.
	o := &Outbox{in: make(chan Batch, 4), done: make(chan struct{}), abort: make(chan struct{})}
	e := NewEmitter(messages.TopicNames{}, o, zap.NewNop(), metrics.New())
	recs := []messages.Record{{Topic: messages.EventTopicTransportStatus, Key: []byte("route"), Value: map[string]int{"n": 1}}}
	release, err := e.Hold(tenantA, recs)
	require.NoError(t, err)
	_, err = e.Hold(tenantA, recs) // never released
	require.NoError(t, err)
	assert.Zero(t, o.Queued(), "nothing submitted while held")

	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	require.NoError(t, release(at))
	require.Equal(t, 1, o.Queued())
	b := <-o.in
	assert.Equal(t, at, b.At, "stamped with the release")
	require.Len(t, b.Records, 1)
	assert.JSONEq(t, `{"n":1}`, string(b.Records[0].Value))
	assert.Nil(t, b.Source, "a timer's effects complete no input")

	_, err = e.Hold(tenantA, []messages.Record{{Topic: messages.EventTopicTransportStatus, Value: func() {}}})
	assert.Error(t, err, "a value that does not encode is refused when held")
}
