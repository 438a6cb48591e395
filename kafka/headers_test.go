package kafka

import (
	"encoding/json"
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

// An untraced operation's headers are built once per tenant and shared;
// a traced one gets its own with the trace; past the cache's bound a
// tenant still gets its headers, built for the operation.
func TestEmitterSharesEachTenantsHeaders(t *testing.T) {
	e := NewEmitter(messages.TopicNames{}, nil, nil, nil)
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	recs := []messages.Record{{Topic: messages.EventTopicMapStatus, Key: []byte("k"), Value: []byte("{}")}}
	encode := func(tn tenant.Tenant, tr Trace) []ck.Header {
		out, err := e.Encode(tn, tr, recs)
		require.NoError(t, err)
		return out[0].Headers
	}

	first, second := encode(tn, Trace{}), encode(tn, Trace{})
	assert.Equal(t, TenantHeaders(tn), first)
	assert.Same(t, &first[0], &second[0], "one tenant's headers are built once")
	assert.Equal(t, len(first), cap(first), "an append to shared headers must copy them")

	traced := encode(tn, Trace{Parent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})
	assert.Equal(t, Headers(tn, Trace{Parent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}), traced)

	for range maxCachedTenants + 2 {
		other := tenant.Tenant{ID: uuid.New(), Region: "EMS", MajorVersion: 1}
		assert.Equal(t, TenantHeaders(other), encode(other, Trace{}))
	}
	assert.Len(t, *e.tenantHeaders.Load(), maxCachedTenants)
	assert.Same(t, &first[0], &encode(tn, Trace{})[0], "the first tenants stay cached")
}

// Changelog records are the service's own state: produced without
// headers (the key and value name the tenant). Internal records keyed by
// their tenant's actor identity carry only the trace's headers (the router
// reads their tenant from the key), unless the emitter is told to write
// the tenant's too, for a rolling upgrade; one whose key does not name the
// operation's tenant keeps them. Every other record carries both.
func TestEmitterWritesChangelogRecordsWithoutHeaders(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	other := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	keyed := append(tn.AppendKey(nil), "|instance|x"...)
	recs := []messages.Record{
		{Topic: messages.EventTopicPartyQuestStatus, Key: keyed, Value: json.RawMessage(`{}`)},
		{Topic: messages.ChangelogTopicPartyQuest, Key: keyed, Value: json.RawMessage(`{}`)},
		{Topic: messages.InternalTopicPartyQuest, Key: keyed, Value: json.RawMessage(`{}`)},
		{Topic: messages.InternalTopicPartyQuest, Key: []byte("k"), Value: json.RawMessage(`{}`)},
		{Topic: messages.InternalTopicPartyQuest, Key: append(other.AppendKey(nil), "|instance|x"...), Value: json.RawMessage(`{}`)},
	}
	traced := Trace{Parent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", State: "a=b"}
	for _, tc := range []struct {
		name          string
		tenantHeaders bool
		tr            Trace
		keyedInternal []ck.Header
	}{
		{"traced", false, traced, []ck.Header{{Key: HeaderTraceparent, Value: []byte(traced.Parent)}, {Key: HeaderTracestate, Value: []byte("a=b")}}},
		{"untraced", false, Trace{}, nil},
		{"tenant headers on internal records", true, traced, Headers(tn, traced)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEmitter(messages.TopicNames{}, nil, nil, nil)
			e.Place(messages.InternalTopicPartyQuest, messages.ChangelogTopicPartyQuest, 4)
			e.internalTenantHeaders = tc.tenantHeaders
			out, err := e.Encode(tn, tc.tr, recs)
			require.NoError(t, err)
			all := Headers(tn, tc.tr)
			assert.Equal(t, all, out[0].Headers, "the event")
			assert.Empty(t, out[1].Headers, "the changelog record")
			assert.Equal(t, tc.keyedInternal, out[2].Headers, "the internal record keyed by its tenant")
			assert.Equal(t, all, out[3].Headers, "the internal record whose key names no tenant")
			assert.Equal(t, all, out[4].Headers, "the internal record keyed by another tenant")
		})
	}
}

// BenchmarkEmitterEncode is one untraced operation's two records encoded
// with their headers, as an actor's effects are.
func BenchmarkEmitterEncode(b *testing.B) {
	e := NewEmitter(messages.TopicNames{}, nil, nil, nil)
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	recs := []messages.Record{
		{Topic: messages.EventTopicMapStatus, Key: []byte("k"), Value: json.RawMessage(`{"type":"x"}`)},
		{Topic: messages.EventTopicMapStatus, Key: []byte("k"), Value: json.RawMessage(`{"type":"y"}`)},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Encode(tn, Trace{}, recs); err != nil {
			b.Fatal(err)
		}
	}
}

// On a keyed topic (the internal one) a record without tenant headers has
// its key's tenant; one with them has theirs, as a replica that wrote
// them meant. Elsewhere, and when the key names no tenant, a record
// without them is refused as bad_tenant.
func TestKeyedTopicsReadATenantWithoutHeadersFromTheKey(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	old := tenant.Tenant{ID: uuid.New(), Region: "EMS", MajorVersion: 1, MinorVersion: 2}
	keyed := append(tn.AppendKey(nil), "|instance|x"...)
	traced := []ck.Header{{Key: HeaderTraceparent, Value: []byte("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")}}
	for _, tc := range []struct {
		name    string
		keyed   bool
		key     []byte
		headers []ck.Header
		want    tenant.Tenant // zero: refused
	}{
		{"keyed topic, no headers", true, keyed, nil, tn},
		{"keyed topic, trace headers only", true, keyed, traced, tn},
		{"keyed topic, tenant headers", true, keyed, TenantHeaders(old), old},
		{"keyed topic, key names no tenant", true, []byte("k"), nil, tenant.Tenant{}},
		{"keyed topic, bad tenant headers", true, keyed, TenantHeaders(old)[:1], tenant.Tenant{}},
		{"other topic, no headers", false, keyed, nil, tenant.Tenant{}},
	} {
		msg := &ck.Message{Key: tc.key, Headers: tc.headers}
		got, err := route{keyed: tc.keyed}.tenant(msg)
		if tc.want == (tenant.Tenant{}) {
			var r *messages.Rejection
			require.ErrorAs(t, err, &r, tc.name)
			assert.Equal(t, messages.ReasonBadTenant, r.Reason, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}
}

// A dead letter copies its input's headers; an input whose tenant came
// from its key gets the tenant's headers first.
func TestDeadLettersNameTheirTenant(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	old := tenant.Tenant{ID: uuid.New(), Region: "EMS", MajorVersion: 1, MinorVersion: 2}
	r := messages.Reject(messages.ReasonBadJSON, "x")
	src := Source{Topic: "t", Partition: 3, Offset: 7}
	traced := []ck.Header{{Key: HeaderTraceparent, Value: []byte("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")}}
	for _, tc := range []struct {
		name string
		in   Input
		want []ck.Header // before the dead-letter headers
	}{
		{"tenant from the key", Input{Tenant: tn, Headers: traced, Source: src}, append(TenantHeaders(tn), traced...)},
		{"tenant headers", Input{Tenant: old, Headers: TenantHeaders(old), Source: src}, TenantHeaders(old)},
		{"no tenant", Input{Source: src}, nil},
	} {
		hs := dlqHeaders(&tc.in, r)
		require.Len(t, hs, len(tc.want)+5, tc.name)
		if tc.want != nil {
			assert.Equal(t, tc.want, hs[:len(tc.want):len(tc.want)], tc.name)
		}
		assert.Equal(t, HeaderDLQReason, hs[len(tc.want)].Key, tc.name)
	}
}
