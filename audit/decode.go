package audit

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// event is the part of an output record the checks need, whatever its topic.
type event struct {
	rec    *Record
	topic  messages.Topic
	tenant tenant.Tenant
	trace  string // trace id of the traceparent header, "" when none
	at     time.Time
	typ    string

	character uint32
	route     uuid.UUID
	instance  uuid.UUID
	quest     string
	stage     uint32
	hasStage  bool
	mapID     uint32
	channel   byte
	reason    string
}

// wire covers every output envelope the audit reads (see messages/).
type wire struct {
	CharacterID *uint32   `json:"characterId"`
	RouteID     uuid.UUID `json:"routeId"`
	InstanceID  uuid.UUID `json:"instanceId"`
	QuestID     string    `json:"questId"`
	Type        string    `json:"type"`
	Body        struct {
		RouteID     uuid.UUID `json:"routeId"`
		InstanceID  uuid.UUID `json:"instanceId"`
		Instance    uuid.UUID `json:"instance"`
		StageIndex  *uint32   `json:"stageIndex"`
		CharacterID uint32    `json:"characterId"`
		MapID       uint32    `json:"mapId"`
		ChannelID   byte      `json:"channelId"`
		Reason      string    `json:"reason"`
	} `json:"body"`
}

// decode reads one output record; dead letters keep only the headers
// (their value is the rejected input, possibly not even JSON).
func decode(r *Record) (event, error) {
	e := event{rec: r, topic: r.Topic, at: r.Timestamp, trace: traceID(r)}
	t, err := tenantOf(r)
	if err != nil {
		return e, err
	}
	e.tenant = t
	if r.Topic == messages.DeadLetterTopic {
		e.typ, _ = r.Header("dlq.reason")
		return e, nil
	}
	var w wire
	if err := json.Unmarshal(r.Value, &w); err != nil {
		return e, fmt.Errorf("value: %w", err)
	}
	e.typ = w.Type
	switch r.Topic {
	case messages.EventTopicTransportStatus:
		e.route, e.mapID = w.RouteID, w.Body.MapID
	case messages.EventTopicInstanceTransport:
		if w.CharacterID == nil {
			return e, fmt.Errorf("no characterId")
		}
		e.character, e.route, e.instance, e.reason = *w.CharacterID, w.Body.RouteID, w.Body.InstanceID, w.Body.Reason
	case messages.CommandTopicCharacter:
		if w.CharacterID == nil {
			return e, fmt.Errorf("no characterId")
		}
		e.character, e.mapID, e.instance, e.channel = *w.CharacterID, w.Body.MapID, w.Body.Instance, w.Body.ChannelID
	case messages.EventTopicPartyQuestStatus:
		e.instance, e.quest, e.reason, e.character = w.InstanceID, w.QuestID, w.Body.Reason, w.Body.CharacterID
		if w.Body.StageIndex != nil {
			e.stage, e.hasStage = *w.Body.StageIndex, true
		}
	default:
		return e, fmt.Errorf("not an output topic")
	}
	if e.typ == "" {
		return e, fmt.Errorf("no type")
	}
	return e, nil
}

// tenantOf parses the four tenant headers as the service writes them
// (TENANT_ID text, REGION text, versions as 2-byte big-endian), without
// the service's Kafka package, so the audit stays free of cgo.
func tenantOf(r *Record) (tenant.Tenant, error) {
	var t tenant.Tenant
	id, ok := r.Header("TENANT_ID")
	if !ok {
		return t, fmt.Errorf("no TENANT_ID header")
	}
	var err error
	if t.ID, err = uuid.Parse(id); err != nil {
		return t, fmt.Errorf("TENANT_ID %q: %w", id, err)
	}
	if t.Region, ok = r.Header("REGION"); !ok {
		return t, fmt.Errorf("no REGION header")
	}
	for _, v := range []struct {
		key string
		dst *uint16
	}{{"MAJOR_VERSION", &t.MajorVersion}, {"MINOR_VERSION", &t.MinorVersion}} {
		s, ok := r.Header(v.key)
		if !ok || len(s) != 2 {
			return t, fmt.Errorf("%s header missing or not 2 bytes", v.key)
		}
		*v.dst = binary.BigEndian.Uint16([]byte(s))
	}
	return t, nil
}

// traceID is the trace id of a record's W3C traceparent
// (version-traceid-spanid-flags), "" when it has none.
func traceID(r *Record) string {
	tp, ok := r.Header("traceparent")
	if !ok {
		return ""
	}
	parts := strings.Split(tp, "-")
	if len(parts) != 4 || len(parts[1]) != 32 {
		return ""
	}
	return parts[1]
}

// Traceparent builds a W3C traceparent for a trace and span id (hex), as a
// driver puts on each command so its effects can be told apart.
func Traceparent(traceID, spanID string) string { return "00-" + traceID + "-" + spanID + "-01" }

// stamp formats an instant for examples.
func stamp(t time.Time) string { return t.UTC().Format("15:04:05.000") }
