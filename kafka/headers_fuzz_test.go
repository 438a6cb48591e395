package kafka

import (
	"errors"
	"testing"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"

	"github.com/gamehost/transitquest/messages"
)

// FuzzTenantFromHeaders: no header value may panic the parser; a parsed
// tenant re-encodes to the same four headers, anything else is a
// bad_tenant rejection.
func FuzzTenantFromHeaders(f *testing.F) {
	f.Add([]byte("083839c6-c47c-42a6-9585-76492795d123"), []byte("GMS"), []byte{0, 83}, []byte{0, 1})
	f.Add([]byte("00000000-0000-0000-0000-000000000000"), []byte(""), []byte{}, []byte{0, 0, 1})
	f.Add([]byte("{083839c6-c47c-42a6-9585-76492795d1}"), []byte("\x00"), []byte("83"), []byte{0xff, 0xff})
	f.Fuzz(func(t *testing.T, id, region, major, minor []byte) {
		hs := []ck.Header{{Key: HeaderTenantID, Value: id}, {Key: HeaderRegion, Value: region},
			{Key: HeaderMajorVersion, Value: major}, {Key: HeaderMinorVersion, Value: minor}}
		tn, err := TenantFromHeaders(hs)
		if err != nil {
			var r *messages.Rejection
			if !errors.As(err, &r) || r.Reason != messages.ReasonBadTenant {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		back, err := TenantFromHeaders(TenantHeaders(tn))
		if err != nil || back != tn {
			t.Fatalf("round trip: %v %v != %v", err, back, tn)
		}
	})
}

// FuzzTraceFromHeaders: any traceparent either passes through unchanged
// (when well formed) or is dropped; nothing panics.
func FuzzTraceFromHeaders(f *testing.F) {
	f.Add([]byte("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), []byte("a=b"))
	f.Add([]byte("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), []byte(""))
	f.Add([]byte("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), []byte("x"))
	f.Fuzz(func(t *testing.T, parent, state []byte) {
		tr := TraceFromHeaders([]ck.Header{{Key: HeaderTraceparent, Value: parent}, {Key: HeaderTracestate, Value: state}})
		if tr.Parent != "" && (tr.Parent != string(parent) || !ValidTraceparent(tr.Parent)) {
			t.Fatalf("traceparent %q became %q", parent, tr.Parent)
		}
		if tr.Parent == "" && tr.State != "" {
			t.Fatal("tracestate kept without a traceparent")
		}
	})
}
