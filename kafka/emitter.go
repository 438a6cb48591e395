package kafka

import (
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/metrics"
	"github.com/gamehost/transitquest/tenant"
)

// maxDeadLetterValue bounds a dead-letter copy's value well under
// librdkafka's default message.max.bytes (1,000,000), headers included.
const maxDeadLetterValue = 900_000

// Emitter turns domain records into encoded Kafka records and hands them to
// the outbox. Actors use it from their own goroutines.
type Emitter struct {
	names messages.TopicNames
	out   *Outbox
	log   *zap.Logger
	m     *metrics.Metrics
	// observe, when set, sees every record of each committed Emit.
	observe Observer
	// placed are the partition counts of the topics whose records are
	// placed by actor identity (internal topic and changelog), by real name.
	placed    map[string]int32
	internal  string // the internal topic's real name; "" before Place
	changelog string // the changelog's real name
	// internalTenantHeaders writes the tenant headers on internal records too,
	// although their keys name the tenant (PipelineConfig.InternalTenantHeaders).
	internalTenantHeaders bool
	// tracker is the tracker of the internal partitions the actors run
	// on, which stamps their timer effects (see ownerOf); nil without it.
	tracker *Tracker
	// tenantHeaders are the headers of each tenant's untraced operations,
	// built once: they were two allocations per operation (4 % of the
	// bytes allocated at 3,000 commands/s). Read without a lock; a tenant
	// not seen before is added under addMu to a new copy of the map.
	tenantHeaders atomic.Pointer[map[tenant.Tenant][]ck.Header]
	addMu         sync.Mutex
}

// maxCachedTenants bounds tenantHeaders: tenants come from input headers
// too, and a producer sending made-up tenants must not grow it for ever.
const maxCachedTenants = 64

// Observer sees one record of a committed Emit: the operation's tenant, the
// record's logical topic, its key and its encoded value. It runs on the
// outbox's goroutine after the commit, so it must be quick and must not
// modify or keep a reference it would later mutate (key and value are not
// changed by anyone after encoding).
type Observer func(t tenant.Tenant, topic messages.Topic, key, value []byte)

// Observe installs an observer of committed records (for the live board).
// Call it before any Emit; it is not synchronised with them.
func (e *Emitter) Observe(o Observer) { e.observe = o }

// NewEmitter returns an emitter writing to out.
func NewEmitter(names messages.TopicNames, out *Outbox, log *zap.Logger, m *metrics.Metrics) *Emitter {
	return &Emitter{names: names, out: out, log: log, m: m}
}

// Place makes records of the internal topic and the changelog go to the
// partition their owner's identity hashes to, among n, and ties timer
// effects to that partition. Call it before any Emit.
func (e *Emitter) Place(internal, changelog messages.Topic, n int32) {
	e.internal, e.changelog = e.names.Name(internal), e.names.Name(changelog)
	e.placed = map[string]int32{e.internal: n, e.changelog: n}
}

// Encode turns domain records into Kafka records with the operation's
// tenant and trace headers, except changelog records, and internal records
// whose key names their tenant (Router.HandleKeyed), which carry only the
// trace headers. The changelog is the service's own state, whose key and
// value name the tenant; it is never routed and its writes are not traced.
// Headers are costly: the Go client copies every header's key and value
// into C memory at each produce, and builds each consumed record's
// headers twice (confluent-kafka-go v2.15.0). JSON encoding
// happens here, on the caller's goroutine, so it spreads over cores instead
// of queueing at the outbox.
func (e *Emitter) Encode(t tenant.Tenant, tr Trace, recs []messages.Record) ([]Out, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	hs := e.headers(t, tr)
	out := make([]Out, len(recs))
	for i, r := range recs {
		v, err := EncodeValue(r.Value)
		if err != nil {
			return nil, err
		}
		out[i] = Out{Topic: e.names.Name(r.Topic), Partition: ck.PartitionAny, Key: r.Key, Value: v, Headers: hs}
		switch out[i].Topic {
		case e.changelog:
			out[i].Headers = nil
		case e.internal:
			if !e.internalTenantHeaders && t.KeyedBy(r.Key) {
				out[i].Headers = traceHeaders(tr)
			}
		}
		if n, ok := e.placed[out[i].Topic]; ok {
			owner := r.Owner
			if owner == nil {
				owner = r.Key
			}
			out[i].Partition = PartitionFor(owner, n)
		}
	}
	return out, nil
}

// headers are an operation's tenant and trace headers. An untraced
// operation's are shared with every other of its tenant, so nobody may
// modify them (nobody does: the outbox hands them to the client, which
// copies them).
func (e *Emitter) headers(t tenant.Tenant, tr Trace) []ck.Header {
	if tr.Parent != "" {
		return Headers(t, tr)
	}
	if m := e.tenantHeaders.Load(); m != nil {
		if hs, ok := (*m)[t]; ok {
			return hs
		}
	}
	e.addMu.Lock()
	defer e.addMu.Unlock()
	var old map[tenant.Tenant][]ck.Header
	if m := e.tenantHeaders.Load(); m != nil {
		old = *m
	}
	if hs, ok := old[t]; ok {
		return hs
	}
	hs := TenantHeaders(t)
	if len(old) >= maxCachedTenants {
		return hs
	}
	next := make(map[tenant.Tenant][]ck.Header, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	hs = hs[:len(hs):len(hs)] // an append by anyone copies
	next[t] = hs
	e.tenantHeaders.Store(&next)
	return hs
}

// EncodeValue is the bytes a record value is produced as: nil for a
// tombstone (the key's state is gone), raw JSON as is, a value that
// appends its own JSON by its AppendJSON, anything else JSON encoded. Test
// harnesses that stand in for the emitter use it too.
func EncodeValue(v any) ([]byte, error) {
	switch val := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		return val, nil
	case []byte: // encoded already, in a form of its own (a binary changelog value)
		return val, nil
	case messages.Envelope:
		return val.Encode(), nil
	case jsonbytes.Appender:
		return val.AppendJSON(make([]byte, 0, 192)) // an event or a warp is ~150 bytes
	default:
		return json.Marshal(val)
	}
}

// Emit commits records in one transaction together with the input that
// caused them (in may be nil for timer-driven effects). An input is always
// committed by the pipeline that read it: an emitter of another pipeline
// hands it over. done, when not nil, runs after the commit. The records
// carry the instant of the call as their timestamp.
func (e *Emitter) Emit(t tenant.Tenant, tr Trace, recs []messages.Record, in *Input, done func()) error {
	if in != nil && in.via != nil && in.via != e {
		return in.via.Emit(t, tr, recs, in, done)
	}
	b, err := e.batch(t, tr, recs, in, done)
	if err != nil {
		// A value that cannot be encoded is a programming error; the input is
		// dead-lettered so its partition keeps flowing.
		if in != nil {
			e.Reject(in, messages.Reject(messages.ReasonPanic, "encode effects: %v", err))
		}
		return err
	}
	err = e.submit(b)
	if in != nil {
		in.span.End(err)
	}
	return err
}

// Hold encodes a timer's effects ahead of the instant they are due and
// returns what submits them: release hands them to the outbox stamped at
// (the instant they were released), as Emit(t, Trace{}, recs, nil, nil)
// would have then. Encoding and placing them early takes that work out of
// a burst of timers due at one instant; their owner's fence is read now, so
// effects held across a rebalance are not committed. A release that is
// never called submits nothing.
func (e *Emitter) Hold(t tenant.Tenant, recs []messages.Record) (release func(at time.Time) error, err error) {
	b, err := e.batch(t, Trace{}, recs, nil, nil)
	if err != nil {
		return nil, err
	}
	return func(at time.Time) error {
		b.At = at
		return e.out.Submit(b)
	}, nil
}

// batch encodes recs into the batch Emit submits, with its source or owner.
func (e *Emitter) batch(t tenant.Tenant, tr Trace, recs []messages.Record, in *Input, done func()) (Batch, error) {
	out, err := e.Encode(t, tr, recs)
	if err != nil {
		return Batch{}, err
	}
	if obs := e.observe; obs != nil && len(out) > 0 {
		committed := done
		done = func() {
			for i := range out {
				obs(t, recs[i].Topic, out[i].Key, out[i].Value)
			}
			if committed != nil {
				committed()
			}
		}
	}
	b := Batch{Records: out, Committed: done}
	if in != nil {
		b.Source = &in.Source
		b.Owner = &in.Source
	} else {
		b.Owner = e.ownerOf(out)
	}
	return b, nil
}

// submit stamps b with the wall clock, not an actor's injected one (a test
// clock's instant would be meaningless, or expired, to a broker), and
// queues it on the outbox.
func (e *Emitter) submit(b Batch) error {
	b.At = time.Now()
	return e.out.Submit(b)
}

// ownerOf is the internal partition a timer's effects belong to: the one
// its first state record (changelog) is placed on. Effects with no state
// record belong to no partition and always commit: an internal record
// alone does not tie them, since it names the receiver, not the sender (a
// REST action forwarded to the replica that owns its actor).
func (e *Emitter) ownerOf(out []Out) *Source {
	if e.internal == "" {
		return nil
	}
	for _, o := range out {
		if o.Topic == e.changelog && o.Partition >= 0 {
			s := Source{Topic: e.internal, Partition: o.Partition}
			if e.tracker != nil {
				s = e.tracker.Stamp(s)
			}
			return &s
		}
	}
	return nil
}

// Reject logs and counts a refused input and copies it, with its reason, to
// the dead-letter topic in the same transaction that commits its offset.
func (e *Emitter) Reject(in *Input, err error) {
	if in.via != nil && in.via != e {
		in.via.Reject(in, err)
		return
	}
	var r *messages.Rejection
	if !errors.As(err, &r) {
		r = messages.Reject(messages.ReasonPanic, "%v", err)
	}
	e.m.Rejected.WithLabelValues(in.topicName, string(r.Reason)).Inc()
	e.m.DeadLettered.WithLabelValues(in.topicName, string(r.Reason)).Inc()
	e.log.Warn("input rejected",
		zap.String("topic", in.topicName), zap.Int32("partition", in.Partition), zap.Int64("offset", in.Offset),
		zap.String("reason", string(r.Reason)), zap.String("detail", r.Detail), zap.Stringer("tenant", in.Tenant))
	value, headers := in.Value, dlqHeaders(in, r)
	if len(value) > maxDeadLetterValue {
		// A copy the producer refuses would fail its transaction forever and
		// stop every commit: keep the head of the value and say so.
		headers = append(headers, ck.Header{Key: HeaderDLQTruncated, Value: []byte(strconv.Itoa(len(value)))})
		value = value[:maxDeadLetterValue]
	}
	dlq := Out{Topic: e.names.Name(messages.DeadLetterTopic), Partition: ck.PartitionAny, Key: in.Key, Value: value, Headers: headers}
	if err := e.out.Submit(Batch{Records: []Out{dlq}, Source: &in.Source, Owner: &in.Source}); err != nil {
		e.log.Error("dead-letter after outbox closed; input will be read again", zap.Error(err))
	}
	in.span.End(r)
}
