package kafka

import (
	"errors"
	"testing"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

func TestTenantHeadersRoundTrip(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	hs := TenantHeaders(tn)
	assert.Equal(t, []ck.Header{
		{Key: "TENANT_ID", Value: []byte("083839c6-c47c-42a6-9585-76492795d123")},
		{Key: "REGION", Value: []byte("GMS")},
		{Key: "MAJOR_VERSION", Value: []byte{0x00, 0x53}},
		{Key: "MINOR_VERSION", Value: []byte{0x00, 0x01}},
	}, hs)
	got, err := TenantFromHeaders(hs)
	require.NoError(t, err)
	assert.Equal(t, tn, got)
}

func TestTenantFromHeadersRejects(t *testing.T) {
	good := TenantHeaders(tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1})
	with := func(key string, v []byte) []ck.Header {
		out := []ck.Header{}
		for _, h := range good {
			if h.Key == key {
				if v == nil {
					continue
				}
				h.Value = v
			}
			out = append(out, h)
		}
		return out
	}
	for name, hs := range map[string][]ck.Header{
		"none":          nil,
		"no tenant":     with("TENANT_ID", nil),
		"short tenant":  with("TENANT_ID", []byte("083839c6")),
		"nil tenant":    with("TENANT_ID", []byte(uuid.Nil.String())),
		"garbage id":    with("TENANT_ID", []byte("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")),
		"no region":     with("REGION", nil),
		"no major":      with("MAJOR_VERSION", nil),
		"3-byte minor":  with("MINOR_VERSION", []byte{0, 0, 1}),
		"decimal major": with("MAJOR_VERSION", []byte("83")[:1]),
	} {
		_, err := TenantFromHeaders(hs)
		var r *messages.Rejection
		require.True(t, errors.As(err, &r), name)
		assert.Equal(t, messages.ReasonBadTenant, r.Reason, name)
	}
}

func TestTraceFromHeaders(t *testing.T) {
	tp := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tr := TraceFromHeaders([]ck.Header{{Key: "traceparent", Value: []byte(tp)}, {Key: "tracestate", Value: []byte("a=b")}})
	assert.Equal(t, Trace{Parent: tp, State: "a=b"}, tr)
	assert.Equal(t, Trace{}, TraceFromHeaders([]ck.Header{{Key: "traceparent", Value: []byte("00-zz")}}))
	assert.Equal(t, Trace{}, TraceFromHeaders([]ck.Header{{Key: "traceparent", Value: []byte("00-00000000000000000000000000000000-00f067aa0ba902b7-01")}}))
	hs := Headers(tenant.Tenant{ID: uuid.New(), Region: "R"}, tr)
	assert.Len(t, hs, 6)
}
