package audit_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/audit"
	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

var (
	tn = tenant.Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	// t0 is a whole minute, well inside a UTC day.
	t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

	train = schedule.Route{ID: uuid.MustParse("1a074474-af1b-5af1-8d8d-0ec5f15a8865"), Name: "train-0",
		StartMapID: 100, StagingMapID: 101, EnRouteMapIDs: []uint32{102}, DestinationMapID: 105, ObservationMapID: 100,
		BoardingWindow: 4 * time.Second, PreDeparture: time.Second, Travel: 5 * time.Second, CycleInterval: 10 * time.Second}
	subway = ride.Route{ID: uuid.MustParse("38632730-ab1a-4a74-bfe3-f2f48a6fa340"), Name: "subway",
		StartMapID: 200, TransitMapID: 201, DestinationMapID: 202, Capacity: 2, BoardingWindow: 2 * time.Second, Travel: 5 * time.Second}
	quest = definition.Definition{QuestID: "pq", Name: "PQ", FieldLock: definition.FieldLockNone, Duration: 3600,
		Registration: definition.Registration{Type: definition.RegistrationParty, Mode: definition.ModeTimed, Duration: 600},
		Stages:       []definition.Stage{{Index: 0, Duration: 3}, {Index: 1, Duration: 600}}}
	cfg = config.Config{Tenants: []config.Tenant{{Tenant: tn, Routes: []schedule.Route{train},
		InstanceRoutes: []ride.Route{subway}, QuestDefinitions: []definition.Definition{quest}}}}
)

// stream builds the records an audit reads.
type stream struct {
	t      *testing.T
	recs   []audit.Record
	noTrip bool // audit without the scheduled route, for ride and quest tests
}

// rideStream is a stream audited without the train's timetable.
func rideStream(t *testing.T) *stream { return &stream{t: t, noTrip: true} }

// add appends r as produced at `at`, with a traceparent when trace is set.
func (s *stream) add(r messages.Record, at time.Time, trace string) {
	s.t.Helper()
	v, err := json.Marshal(r.Value)
	require.NoError(s.t, err)
	s.recs = append(s.recs, audit.Record{Topic: r.Topic, Offset: int64(len(s.recs)), Key: r.Key, Value: v,
		Headers: headers(tn, trace), Timestamp: at})
}

// deadLetter appends the dead-lettered copy of a command.
func (s *stream) deadLetter(trace, reason string, at time.Time) {
	hs := append(headers(tn, trace), audit.Header{Key: "dlq.reason", Value: []byte(reason)})
	s.recs = append(s.recs, audit.Record{Topic: messages.DeadLetterTopic, Offset: int64(len(s.recs)), Value: []byte("{}"), Headers: hs, Timestamp: at})
}

func headers(t tenant.Tenant, trace string) []audit.Header {
	ver := func(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
	hs := []audit.Header{{Key: "TENANT_ID", Value: []byte(t.ID.String())}, {Key: "REGION", Value: []byte(t.Region)},
		{Key: "MAJOR_VERSION", Value: ver(t.MajorVersion)}, {Key: "MINOR_VERSION", Value: ver(t.MinorVersion)}}
	if trace != "" {
		hs = append(hs, audit.Header{Key: "traceparent", Value: []byte(audit.Traceparent(trace, "00f067aa0ba902b7"))})
	}
	return hs
}

// trace is a distinct trace id per n.
func trace(n int) string { return fmt.Sprintf("%032x", n+1) }

// input is an audit of s over [t0, t0+d], read 30 s after its end.
func (s *stream) input(d time.Duration) audit.Input {
	c := cfg
	if s.noTrip {
		ct := c.Tenants[0]
		ct.Routes = nil
		c.Tenants = []config.Tenant{ct}
	}
	return audit.Input{Config: c, Window: audit.Interval{From: t0, To: t0.Add(d)}, ReadAt: t0.Add(d + 30*time.Second),
		Records: s.recs, Options: audit.Options{Grace: 5 * time.Second, MaxLateness: time.Second}}
}

// requireFinding asserts the report has violation name exactly n times.
func requireFinding(t *testing.T, rep audit.Report, name string, n int) audit.Finding {
	t.Helper()
	f, ok := rep.Finding(name)
	require.True(t, ok, "want finding %q in:\n%s", name, rep.Text())
	require.Equal(t, n, f.Count, "count of %q in:\n%s", name, rep.Text())
	require.NotEmpty(t, f.Examples)
	return f
}
