package actortest

import (
	"sync"
	"testing"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
)

// Relay plays an internal topic without a broker: every record on the
// topic that actors emit through a Recorder is handed to a handler as a
// consumed input of the partition its Owner (or Key) hashes to among
// count, one at a time, in emission order, on one goroutine, as the
// topic's consumer hands records to the router. A handler error rejects
// the input, as the router does. It runs until the test ends.
type Relay struct {
	rec    *Recorder
	topic  messages.Topic
	count  int32
	handle kafka.Handler
	wake   <-chan struct{}

	mu      sync.Mutex
	scanned int // the Recorder's Emits handed over so far
	offsets map[int32]int64
	inputs  []Relayed
}

// Relayed is one record handed over: the input as the handler got it,
// the record's value as produced (a handler may change In.Value), its
// envelope's type, and the input whose Emit carried the record (nil for
// effects no input caused).
type Relayed struct {
	In    *kafka.Input
	Value []byte
	Type  string
	From  *kafka.Input
}

// NewRelay starts relaying topic from rec to handle.
func NewRelay(t testing.TB, rec *Recorder, topic messages.Topic, count int32, handle kafka.Handler) *Relay {
	r := &Relay{rec: rec, topic: topic, count: count, handle: handle, wake: rec.subscribe(), offsets: map[int32]int64{}}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			r.pass()
			select {
			case <-stop:
				return
			case <-r.wake:
			}
		}
	}()
	t.Cleanup(func() {
		close(stop)
		<-done
	})
	return r
}

// pass hands over every Emit not handed over yet.
func (r *Relay) pass() {
	for {
		r.mu.Lock()
		from := r.scanned
		r.mu.Unlock()
		batches := r.rec.batchesFrom(from)
		if len(batches) == 0 {
			return
		}
		for _, b := range batches {
			for _, rec := range b.Records {
				if rec.Topic == r.topic {
					r.deliver(b, rec)
				}
			}
			r.mu.Lock()
			r.scanned++
			r.mu.Unlock()
		}
	}
}

func (r *Relay) deliver(b Batch, rec messages.Record) {
	owner := rec.Owner
	if owner == nil {
		owner = rec.Key
	}
	value, err := kafka.EncodeValue(rec.Value)
	if err != nil {
		panic(err) // the emitter would have refused it: a bug in the test's actors
	}
	p := kafka.PartitionFor(owner, r.count)
	typ := ""
	if env, ok := rec.Value.(messages.Envelope); ok {
		typ = env.Type
	}
	r.mu.Lock()
	in := &kafka.Input{Topic: r.topic, Partition: p, Offset: r.offsets[p], Key: rec.Key, Value: value,
		Tenant: b.Tenant, Trace: b.Trace}
	in.Source = kafka.Source{Topic: string(r.topic), Partition: p, Offset: in.Offset}
	r.offsets[p]++
	r.mu.Unlock()
	if err := r.handle(in); err != nil {
		r.rec.Reject(in, err)
	}
	r.mu.Lock()
	r.inputs = append(r.inputs, Relayed{In: in, Value: value, Type: typ, From: b.In})
	r.mu.Unlock()
}

// Inputs returns every record handed over so far (its handler returned),
// in order.
func (r *Relay) Inputs() []Relayed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Relayed(nil), r.inputs...)
}

// Idle reports whether every Emit so far has been handed over.
func (r *Relay) Idle() bool {
	r.mu.Lock()
	scanned := r.scanned
	r.mu.Unlock()
	return len(r.rec.batchesFrom(scanned)) == 0
}
