package chaos

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/loadgen"
)

// commandLog gives every command a trace id of its own and records the
// commands the broker acknowledged, for the audit. Its methods are the
// driver's Decorate and Acked hooks and are safe for concurrent use.
type commandLog struct {
	mu       sync.Mutex
	commands []audit.Command
	refused  int
}

// decorate puts a fresh traceparent on the command's record: the service
// carries it onto every record the command causes.
func (l *commandLog) decorate(_ loadgen.Command, r *kgo.Record) {
	var b [24]byte
	_, _ = rand.Read(b[:])
	tp := audit.Traceparent(hex.EncodeToString(b[:16]), hex.EncodeToString(b[16:]))
	r.Headers = append(r.Headers, kgo.RecordHeader{Key: "traceparent", Value: []byte(tp)})
}

// acked records a command the broker accepted.
func (l *commandLog) acked(c loadgen.Command, r *kgo.Record, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.refused++
		return
	}
	var w struct {
		Type string `json:"type"`
		Body struct {
			RouteID    uuid.UUID `json:"routeId"`
			InstanceID uuid.UUID `json:"instanceId"`
		} `json:"body"`
	}
	_ = json.Unmarshal(c.Value, &w) // the driver's own encoding: it decodes
	cmd := audit.Command{Topic: c.Topic, Type: w.Type, Tenant: c.Tenant, Character: c.Character,
		Route: w.Body.RouteID, Instance: w.Body.InstanceID, Sent: time.Now()}
	for _, h := range r.Headers {
		if h.Key == "traceparent" {
			if parts := strings.Split(string(h.Value), "-"); len(parts) == 4 {
				cmd.TraceID = parts[1]
			}
		}
	}
	l.commands = append(l.commands, cmd)
}

// snapshot copies the commands acknowledged so far.
func (l *commandLog) snapshot() ([]audit.Command, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]audit.Command(nil), l.commands...), l.refused
}
