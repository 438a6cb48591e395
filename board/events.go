package board

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// DefaultEventsKept is how many recent records Events keeps per tenant.
const DefaultEventsKept = 50

// Events keeps the latest committed records of each tenant in a ring, fed
// by Observe (which has the signature of kafka.Observer). Changelog records
// are state, not events, and are left out.
type Events struct {
	size int
	now  func() time.Time

	mu       sync.Mutex
	byTenant map[tenant.Tenant]*ring // by value: a key string per record was an allocation
}

type ring struct {
	recs []observed // capacity size; next overwrites the oldest once full
	next int
	full bool
}

type observed struct {
	at    time.Time
	topic messages.Topic
	key   []byte
	value []byte
}

// NewEvents keeps size records per tenant (DefaultEventsKept when size < 1).
func NewEvents(size int) *Events {
	if size < 1 {
		size = DefaultEventsKept
	}
	return &Events{size: size, now: func() time.Time { return time.Now().UTC() }, byTenant: map[tenant.Tenant]*ring{}}
}

// Observe records one committed record. It only stores references: key and
// value are immutable once encoded, and decoding waits for a reader.
func (e *Events) Observe(t tenant.Tenant, topic messages.Topic, key, value []byte) {
	if topic == messages.ChangelogTopicTransport || topic == messages.ChangelogTopicPartyQuest {
		return
	}
	rec := observed{at: e.now(), topic: topic, key: key, value: value}
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.byTenant[t]
	if !ok {
		r = &ring{recs: make([]observed, 0, e.size)}
		e.byTenant[t] = r
	}
	if !r.full && len(r.recs) < e.size {
		r.recs = append(r.recs, rec)
		if len(r.recs) == e.size {
			r.full = true
		}
		return
	}
	r.recs[r.next] = rec
	r.next = (r.next + 1) % e.size
}

// Event is one recent record as the board shows it.
type Event struct {
	Time        time.Time `json:"time"`
	Topic       string    `json:"topic"`
	Type        string    `json:"type,omitempty"`
	Key         string    `json:"key"`
	Name        string    `json:"name,omitempty"` // the route or quest it is about, when known
	RouteID     uuid.UUID `json:"-"`
	QuestID     string    `json:"-"`
	CharacterID uint32    `json:"characterId,omitempty"`
}

// Latest returns a tenant's recent records, newest first, decoded.
func (e *Events) Latest(t tenant.Tenant) []Event {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	var recs []observed
	if r, ok := e.byTenant[t]; ok {
		recs = make([]observed, 0, len(r.recs))
		// Oldest first: from next to the end, then the start.
		recs = append(recs, r.recs[r.next:]...)
		recs = append(recs, r.recs[:r.next]...)
	}
	e.mu.Unlock()
	out := make([]Event, 0, len(recs))
	for i := len(recs) - 1; i >= 0; i-- {
		out = append(out, decode(recs[i]))
	}
	return out
}

// envelope holds the fields of every contract envelope that tell what a
// record is about; absent ones stay zero.
type envelope struct {
	Type        string    `json:"type"`
	RouteID     uuid.UUID `json:"routeId"`
	QuestID     string    `json:"questId"`
	CharacterID uint32    `json:"characterId"`
	Body        struct {
		RouteID uuid.UUID `json:"routeId"`
	} `json:"body"`
}

func decode(o observed) Event {
	ev := Event{Time: o.at, Topic: string(o.topic), Key: string(o.key)}
	var env envelope
	if len(o.value) > 0 && json.Unmarshal(o.value, &env) == nil {
		ev.Type, ev.QuestID, ev.CharacterID = env.Type, env.QuestID, env.CharacterID
		ev.RouteID = env.RouteID
		if ev.RouteID == uuid.Nil {
			ev.RouteID = env.Body.RouteID
		}
	}
	return ev
}
