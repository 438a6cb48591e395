package service

import (
	"testing"
	"time"

	ckafka "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every stage's pipeline gets the settings read from the environment:
// TRANSACTION_LINGER reaches the outbox, STATIC_MEMBERSHIP the consumers,
// INTERNAL_TENANT the stages.
func TestPipelineBaseCarriesTheSettings(t *testing.T) {
	cfg, err := ConfigFromEnv(func(k string) string {
		return map[string]string{"TRANSACTION_LINGER": "7ms", "TRANSACTIONAL_ID_PREFIX": "replica-a",
			"BOOTSTRAP_SERVERS": "broker:9092", "STATIC_MEMBERSHIP": "true", "KAFKA_EXTRA_CONFIG": "linger.ms=9",
			"INTERNAL_TENANT": "headers"}[k]
	})
	require.NoError(t, err)
	base := (&Service{cfg: cfg}).pipelineBase()
	assert.Equal(t, 7*time.Millisecond, base.Outbox.Linger)
	assert.Equal(t, "broker:9092", base.Bootstrap)
	assert.Equal(t, "replica-a", base.TransactionalID)
	assert.Equal(t, "replica-a", base.GroupInstanceID, "static membership: completed per stage")
	assert.Equal(t, ckafka.ConfigMap{"linger.ms": "9"}, base.Extra)
	assert.True(t, base.InternalTenantHeaders, "INTERNAL_TENANT=headers")

	cfg.StaticMembership, cfg.TransactionLinger, cfg.InternalTenantHeaders = false, 0, false
	base = (&Service{cfg: cfg}).pipelineBase()
	assert.Zero(t, base.Outbox.Linger, "TRANSACTION_LINGER=0: never waits")
	assert.Empty(t, base.GroupInstanceID)
	assert.False(t, base.InternalTenantHeaders)
}
