package kafka

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Vectors from Kafka's own partitioner tests (signed 32-bit results).
func TestMurmur2KafkaVectors(t *testing.T) {
	for in, want := range map[string]int32{
		"21":                         -973932308,
		"foobar":                     -790332482,
		"a-little-bit-long-string":   -985981536,
		"a-little-bit-longer-string": -1486304829,
		"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
		"abc": 479470107,
	} {
		assert.Equal(t, want, int32(murmur2([]byte(in))), in)
	}
}
