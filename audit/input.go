package audit

import (
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Header is one Kafka record header.
type Header struct {
	Key   string
	Value []byte
}

// Record is one record read (read_committed) from an output topic.
type Record struct {
	Topic     messages.Topic // logical topic (the env-var name)
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []Header
	// Timestamp is the record's create time, set by the service's producer
	// when it produced the record: the audit's only clock for effects.
	Timestamp time.Time
}

// Header returns the value of the record's first header named key.
func (r Record) Header(key string) (string, bool) {
	for _, h := range r.Headers {
		if h.Key == key {
			return string(h.Value), true
		}
	}
	return "", false
}

// Command is one command the driver produced (and the broker acknowledged).
type Command struct {
	Topic     messages.Topic
	Type      string // START, REGISTER, STAGE_ADVANCE, ...
	Tenant    tenant.Tenant
	Character uint32
	Route     uuid.UUID // instance-transport START
	Instance  uuid.UUID // party-quest instance commands
	// TraceID is the 32-hex trace id of the command's traceparent, unique
	// per command: every record the command causes carries it (DECISIONS
	// "Common": produced records carry the operation's traceparent), and a
	// dead-lettered copy keeps the original headers.
	TraceID string
	Sent    time.Time
}

// HasEffect reports whether the contract gives the command an output
// record of its own. UPDATE_STAGE_STATE only changes counts: its effect
// shows in the clear attempt that follows, so it is not checked alone.
func (c Command) HasEffect() bool { return c.Type != messages.TypeUpdateStageState }

// Interval is a span of time, both ends included.
type Interval struct {
	From, To time.Time
	Name     string `json:",omitempty"`
}

// Contains reports whether t lies in the interval.
func (i Interval) Contains(t time.Time) bool { return !t.Before(i.From) && !t.After(i.To) }

// Options tune the checks; zero fields take the defaults (see Defaults).
type Options struct {
	// Grace shrinks the audited window at both ends for timetable checks:
	// a transition due within Grace of the window's start or end is not
	// required (the replicas were starting, or the read stopped).
	Grace time.Duration
	// MaxLateness is how late after its due instant an effect may be
	// stamped and still count as that instant's: a route status record
	// stamped later than this after every scheduled instant is unscheduled,
	// and a timer whose effect is not stamped by due + MaxLateness never
	// fired.
	MaxLateness time.Duration
	// UntracedWarpWindow: two CHANGE_MAP records without a traceparent (a
	// timer's warps) of one character to the same map and instance within
	// this long are one warp done twice. It must stay below the shortest
	// legitimate gap between two such warps (a ride's travel time).
	UntracedWarpWindow time.Duration
	// Examples is how many examples each finding keeps.
	Examples int
}

// Defaults are the options used for zero fields.
var Defaults = Options{Grace: 10 * time.Second, MaxLateness: 3 * time.Second, UntracedWarpWindow: 2 * time.Second, Examples: 5}

func (o Options) withDefaults() Options {
	if o.Grace <= 0 {
		o.Grace = Defaults.Grace
	}
	if o.MaxLateness <= 0 {
		o.MaxLateness = Defaults.MaxLateness
	}
	if o.UntracedWarpWindow <= 0 {
		o.UntracedWarpWindow = Defaults.UntracedWarpWindow
	}
	if o.Examples <= 0 {
		o.Examples = Defaults.Examples
	}
	return o
}

// Input is everything one audit looks at.
type Input struct {
	// Config is the configuration the service ran with (config.Load of its
	// CONFIG_PATH): timetables, capacities, quest timers.
	Config config.Config
	// Window is the audited span (the driven load): every scheduled
	// transition due in it, Grace excepted, must be announced once.
	Window Interval
	// ReadAt is when the records were read: timers due (plus MaxLateness
	// and Grace) before it must have fired, commands sent Grace before it
	// must have their effect.
	ReadAt time.Time
	// Starts are the spans in which a replica was starting (from its kill,
	// or its first spawn, to shortly after it was ready). A route's ARRIVED
	// again within one of them, while the vessel is docked, is the
	// start-up announcement DECISIONS prescribes, not a duplicate.
	Starts   []Interval
	Records  []Record
	Commands []Command
	Options  Options
}
