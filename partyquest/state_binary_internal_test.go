package partyquest

import (
	"encoding/json"
	"testing"
)

// BenchmarkStateBinary encodes and decodes the benchmarks' state (benchState) in
// the binary form; BenchmarkStateJSONDecode is the JSON decode to compare.
func BenchmarkStateBinary(b *testing.B) {
	st := benchState(b)
	raw, err := st.AppendBinary(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := st.AppendBinary(nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(raw)), "B/state")
	})
	b.Run("encode-reuse", func(b *testing.B) { // into a kept buffer, as a writer loop would
		buf := make([]byte, 0, 2*len(raw))
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = st.AppendBinary(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s State
			if err := s.UnmarshalBinary(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStateJSONDecode decodes the same state from JSON with
// encoding/json, for comparison with BenchmarkStateBinary/decode.
func BenchmarkStateJSONDecode(b *testing.B) {
	st := benchState(b)
	raw, err := st.AppendJSON(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var s State
		if err := json.Unmarshal(raw, &s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(raw)), "B/state")
}
