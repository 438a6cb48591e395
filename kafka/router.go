package kafka

import (
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/tracing"
)

// Input is one consumed record on its way to an actor. Whoever finishes
// handling it must pass it to Emitter.Emit or Emitter.Reject exactly once:
// that is what lets its offset be committed.
type Input struct {
	Topic     messages.Topic
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []ck.Header
	Timestamp time.Time
	Tenant    tenant.Tenant
	Trace     Trace
	Source    Source
	topicName string
	span      tracing.Span // this replica's handling of the record; ended by Emit or Reject
	// via is the emitter of the pipeline that read the record: its offset
	// can only be committed by that pipeline's transactions, whichever
	// emitter its handler was given.
	via *Emitter
}

// Handler decodes an input and hands it to its actor. A returned error
// rejects the input (logged, counted, dead-lettered); nil means the handler
// has taken ownership of completing it.
type Handler func(in *Input) error

// Router dispatches consumed records by topic. Checks every record has a
// valid tenant and a sane size before any handler sees it.
type Router struct {
	names    messages.TopicNames
	routes   map[string]route // by real topic name
	emitter  *Emitter
	maxBytes int
}

// route is what the router knows of one routed topic.
type route struct {
	topic   messages.Topic
	handler Handler
	// keyed: the topic's keys start with their tenant's key, which a
	// record without tenant headers is read from (see HandleKeyed).
	keyed bool
	// consumed counts the topic's records, resolved once rather than
	// looked up by label for every record.
	consumed prometheus.Counter
}

// NewRouter returns a router that rejects records larger than maxBytes.
func NewRouter(names messages.TopicNames, emitter *Emitter, maxBytes int) *Router {
	return &Router{names: names, routes: map[string]route{}, emitter: emitter, maxBytes: maxBytes}
}

// Handle registers the handler of a logical topic.
func (r *Router) Handle(topic messages.Topic, h Handler) { r.handle(topic, h, false) }

// HandleKeyed registers the handler of a topic whose records are keyed by
// actor identity, which starts with the tenant's key (tenant.ParseKey): the
// internal topic. Its records may leave their tenant to their key and
// carry no tenant headers; a record that has them (written by a version
// that always wrote them) is read by them, as on any topic.
func (r *Router) HandleKeyed(topic messages.Topic, h Handler) { r.handle(topic, h, true) }

func (r *Router) handle(topic messages.Topic, h Handler, keyed bool) {
	name := r.names.Name(topic)
	r.routes[name] = route{topic: topic, handler: h, keyed: keyed, consumed: r.emitter.m.Consumed.WithLabelValues(name)}
}

// Topics lists the real names of every routed topic.
func (r *Router) Topics() []string {
	out := make([]string, 0, len(r.routes))
	for name := range r.routes {
		out = append(out, name)
	}
	return out
}

// Dispatch routes one record. It never blocks on an actor.
func (r *Router) Dispatch(msg *ck.Message, src Source) {
	name := *msg.TopicPartition.Topic
	rt, ok := r.routes[name]
	in := &Input{Topic: rt.topic, topicName: name, Partition: msg.TopicPartition.Partition,
		Offset: int64(msg.TopicPartition.Offset), Key: msg.Key, Value: msg.Value, Headers: msg.Headers,
		Timestamp: msg.Timestamp, Source: src, via: r.emitter}
	// The span is this replica's part of the record's trace: what the
	// record causes names it as parent (the trace id never changes).
	span, tc := tracing.StartConsume(tracing.Context(TraceFromHeaders(msg.Headers)), name, in.Partition, in.Offset)
	in.Trace, in.span = Trace(tc), span
	if ok {
		rt.consumed.Inc()
	} else {
		r.emitter.m.Consumed.WithLabelValues(name).Inc()
	}
	if !ok {
		r.emitter.Reject(in, messages.Reject(messages.ReasonUnknownTopic, "no handler for topic %s", name))
		return
	}
	if r.maxBytes > 0 && len(msg.Value) > r.maxBytes {
		r.emitter.Reject(in, messages.Reject(messages.ReasonOversized, "%d bytes, limit %d", len(msg.Value), r.maxBytes))
		return
	}
	t, err := rt.tenant(msg)
	if err != nil {
		r.emitter.Reject(in, err)
		return
	}
	in.Tenant = t
	if err := rt.handler(in); err != nil {
		r.emitter.Reject(in, err)
	}
}

// tenant reads a record's tenant from its headers or, on a keyed topic when
// it has no tenant header at all, from its key.
func (rt route) tenant(msg *ck.Message) (tenant.Tenant, error) {
	if rt.keyed {
		if _, ok := header(msg.Headers, HeaderTenantID); !ok {
			t, _, err := tenant.ParseKey(msg.Key)
			if err != nil {
				return t, messages.Reject(messages.ReasonBadTenant, "no %s header, and the key names no tenant: %v", HeaderTenantID, err)
			}
			return t, nil
		}
	}
	return TenantFromHeaders(msg.Headers)
}
