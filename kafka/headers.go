// Package kafka is the service's only contact with Kafka: the consumer loop and
// router, header codecs, the transactional outbox, offset tracking, topic
// administration and the embedded broker used by `make run` and the tests.
package kafka

import (
	"encoding/binary"
	"regexp"
	"strconv"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Header names shared with the other services of the game server.
const (
	HeaderTenantID     = "TENANT_ID"
	HeaderRegion       = "REGION"
	HeaderMajorVersion = "MAJOR_VERSION"
	HeaderMinorVersion = "MINOR_VERSION"
	HeaderTraceparent  = "traceparent"
	HeaderTracestate   = "tracestate"
)

// Dead-letter headers added to a rejected record's copy.
const (
	HeaderDLQReason    = "dlq.reason"
	HeaderDLQDetail    = "dlq.detail"
	HeaderDLQTopic     = "dlq.topic"
	HeaderDLQPartition = "dlq.partition"
	HeaderDLQOffset    = "dlq.offset"
	// HeaderDLQTruncated carries the original length when the copy's value
	// had to be cut to fit the producer's size limit.
	HeaderDLQTruncated = "dlq.truncated"
)

// Trace is the W3C trace context carried by a record, propagated unchanged to
// everything the record causes.
type Trace struct {
	Parent string // traceparent, empty when absent or malformed
	State  string // tracestate
}

var traceparentRE = regexp.MustCompile(`^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$`)

// ValidTraceparent reports whether s is a well-formed W3C traceparent with
// non-zero trace and span ids.
func ValidTraceparent(s string) bool {
	return traceparentRE.MatchString(s) && s[0:2] != "ff" &&
		s[3:35] != "00000000000000000000000000000000" && s[36:52] != "0000000000000000"
}

func header(hs []ck.Header, key string) ([]byte, bool) {
	for _, h := range hs {
		if h.Key == key {
			return h.Value, true
		}
	}
	return nil, false
}

// TenantFromHeaders parses the four tenant headers. All four must be present
// and well formed: a record without a valid tenant is never processed as an
// all-zero tenant.
func TenantFromHeaders(hs []ck.Header) (tenant.Tenant, error) {
	var t tenant.Tenant
	id, ok := header(hs, HeaderTenantID)
	if !ok {
		return t, messages.Reject(messages.ReasonBadTenant, "%s header missing", HeaderTenantID)
	}
	if len(id) != 36 {
		return t, messages.Reject(messages.ReasonBadTenant, "%s is %d bytes, want a 36-char UUID", HeaderTenantID, len(id))
	}
	parsed, err := uuid.ParseBytes(id)
	if err != nil || parsed == uuid.Nil {
		return t, messages.Reject(messages.ReasonBadTenant, "%s %q is not a non-nil UUID", HeaderTenantID, truncate(id))
	}
	t.ID = parsed
	region, ok := header(hs, HeaderRegion)
	if !ok || len(region) == 0 {
		return t, messages.Reject(messages.ReasonBadTenant, "%s header missing", HeaderRegion)
	}
	t.Region = string(region)
	if t.MajorVersion, err = version(hs, HeaderMajorVersion); err != nil {
		return t, err
	}
	if t.MinorVersion, err = version(hs, HeaderMinorVersion); err != nil {
		return t, err
	}
	return t, nil
}

func version(hs []ck.Header, key string) (uint16, error) {
	v, ok := header(hs, key)
	if !ok {
		return 0, messages.Reject(messages.ReasonBadTenant, "%s header missing", key)
	}
	if len(v) != 2 {
		return 0, messages.Reject(messages.ReasonBadTenant, "%s is %d bytes, want 2 (big-endian uint16)", key, len(v))
	}
	return binary.BigEndian.Uint16(v), nil
}

func truncate(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "…"
	}
	return string(b)
}

// TenantHeaders encodes a tenant as the four Kafka headers.
func TenantHeaders(t tenant.Tenant) []ck.Header {
	return appendTenantHeaders(make([]ck.Header, 0, 4), t)
}

// appendTenantHeaders appends the four tenant headers to hs, their values
// written into one buffer: two allocations per record set instead of
// seven. Header values are never modified once built.
func appendTenantHeaders(hs []ck.Header, t tenant.Tenant) []ck.Header {
	r := len(t.Region)
	buf := make([]byte, 0, 36+r+4)
	buf = jsonbytes.AppendUUID(buf, t.ID)
	buf = append(buf, t.Region...)
	buf = binary.BigEndian.AppendUint16(buf, t.MajorVersion)
	buf = binary.BigEndian.AppendUint16(buf, t.MinorVersion)
	// Sliced once everything is written, so no append moves a value.
	return append(hs,
		ck.Header{Key: HeaderTenantID, Value: buf[:36:36]},
		ck.Header{Key: HeaderRegion, Value: buf[36 : 36+r : 36+r]},
		ck.Header{Key: HeaderMajorVersion, Value: buf[36+r : 38+r : 38+r]},
		ck.Header{Key: HeaderMinorVersion, Value: buf[38+r : 40+r : 40+r]})
}

// TraceFromHeaders extracts the W3C trace context; a malformed traceparent is
// dropped rather than propagated.
func TraceFromHeaders(hs []ck.Header) Trace {
	var tr Trace
	if p, ok := header(hs, HeaderTraceparent); ok && ValidTraceparent(string(p)) {
		tr.Parent = string(p)
		if s, ok := header(hs, HeaderTracestate); ok {
			tr.State = string(s)
		}
	}
	return tr
}

// Headers returns the tenant and trace headers of an operation.
func Headers(t tenant.Tenant, tr Trace) []ck.Header {
	if tr.Parent == "" {
		return TenantHeaders(t)
	}
	return appendTraceHeaders(appendTenantHeaders(make([]ck.Header, 0, 6), t), tr)
}

// traceHeaders are the trace headers alone (nil when untraced): the
// headers of a record whose key names its tenant.
func traceHeaders(tr Trace) []ck.Header {
	if tr.Parent == "" {
		return nil
	}
	return appendTraceHeaders(make([]ck.Header, 0, 2), tr)
}

// appendTraceHeaders appends a traced operation's trace headers to hs.
func appendTraceHeaders(hs []ck.Header, tr Trace) []ck.Header {
	hs = append(hs, ck.Header{Key: HeaderTraceparent, Value: []byte(tr.Parent)})
	if tr.State != "" {
		hs = append(hs, ck.Header{Key: HeaderTracestate, Value: []byte(tr.State)})
	}
	return hs
}

// dlqHeaders copies the input's headers and adds the rejection's reason and
// origin. An input whose tenant came from its key (an internal record) gets
// the tenant headers, so every dead letter whose tenant is known names it
// the same way.
func dlqHeaders(in *Input, r *messages.Rejection) []ck.Header {
	orig, src := in.Headers, in.Source
	hs := make([]ck.Header, 0, len(orig)+9)
	if _, ok := header(orig, HeaderTenantID); !ok && in.Tenant != (tenant.Tenant{}) {
		hs = appendTenantHeaders(hs, in.Tenant)
	}
	hs = append(hs, orig...)
	return append(hs,
		ck.Header{Key: HeaderDLQReason, Value: []byte(r.Reason)},
		ck.Header{Key: HeaderDLQDetail, Value: []byte(r.Detail)},
		ck.Header{Key: HeaderDLQTopic, Value: []byte(src.Topic)},
		ck.Header{Key: HeaderDLQPartition, Value: []byte(strconv.Itoa(int(src.Partition)))},
		ck.Header{Key: HeaderDLQOffset, Value: []byte(strconv.FormatInt(src.Offset, 10))},
	)
}
