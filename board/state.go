package board

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/tenant"
)

// Snapshot is the JSON of GET /board/state: everything the page shows for
// one tenant, plus the service-wide dead letters and consumer lag.
type Snapshot struct {
	Now            time.Time       `json:"now"` // server time; the page's countdowns are relative to it
	Tenants        []Tenant        `json:"tenants"`
	Tenant         string          `json:"tenant,omitempty"` // the key of the tenant shown ("" when none is started)
	Routes         []Route         `json:"routes"`
	InstanceRoutes []InstanceRoute `json:"instanceRoutes"`
	Quests         []Quest         `json:"quests"`
	Events         []Event         `json:"events"`
	DeadLetters    []DeadLetters   `json:"deadLetters"`
	ConsumerLag    []GroupLag      `json:"consumerLag"`
	Problems       []string        `json:"problems,omitempty"` // parts that could not be read
}

// Tenant is one started tenant; Key selects it (?tenant=Key).
type Tenant struct {
	tenant.Tenant
	Key string `json:"key"`
}

// Route is a scheduled route with its state and next transition.
type Route struct {
	ID    uuid.UUID `json:"id"`
	Name  string    `json:"name"`
	State string    `json:"state"`
	// Next is the route's next transition (nil when it has no trip).
	Next *Transition `json:"next,omitempty"`
	// Trip is the current or next trip of today, when there is one.
	Trip *Trip `json:"trip,omitempty"`
	// Waiting and Aboard count the characters in the route's staging map
	// and in its en-route maps, from the presence the service keeps.
	Waiting int `json:"waiting"`
	Aboard  int `json:"aboard"`
}

// Transition is what happens next to a route, and when.
type Transition struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"` // boarding_opened, boarding_closed, departed, arrived, ...
	To   string    `json:"to"`   // the state it leads to
}

// Trip is one departure's four instants.
type Trip struct {
	BoardingOpen   time.Time `json:"boardingOpen"`
	BoardingClosed time.Time `json:"boardingClosed"`
	Departure      time.Time `json:"departure"`
	Arrival        time.Time `json:"arrival"`
}

// InstanceRoute is an instance route with its live rides.
type InstanceRoute struct {
	ID             uuid.UUID `json:"id"`
	Name           string    `json:"name"`
	Capacity       uint32    `json:"capacity"`
	BoardingWindow string    `json:"boardingWindow"`
	Travel         string    `json:"travel"`
	Instances      []Ride    `json:"instances"`
}

// Ride is one live instance of an instance route.
type Ride struct {
	ID            uuid.UUID `json:"id"`
	Phase         string    `json:"phase"`
	CreatedAt     time.Time `json:"createdAt"`
	BoardingUntil time.Time `json:"boardingUntil"`
	ArrivalAt     time.Time `json:"arrivalAt"`
	Riders        []uint32  `json:"riders"` // character ids, in boarding order
}

// Quest is one live party-quest instance.
type Quest struct {
	ID                 uuid.UUID  `json:"id"`
	QuestID            string     `json:"questId"`
	Name               string     `json:"name"`
	State              string     `json:"state"`
	StageIndex         uint32     `json:"stageIndex"`
	StageName          string     `json:"stageName"`
	Stages             int        `json:"stages"`
	PartyID            uint32     `json:"partyId,omitempty"`
	Characters         []uint32   `json:"characters"`
	RegisteredAt       time.Time  `json:"registeredAt"`
	RegistrationEndsAt *time.Time `json:"registrationEndsAt,omitempty"`
	StageEndsAt        *time.Time `json:"stageEndsAt,omitempty"`
	RunEndsAt          *time.Time `json:"runEndsAt,omitempty"`
}

// DeadLetters counts the inputs dead-lettered from one topic for one
// reason since the process started (service-wide, not per tenant).
type DeadLetters struct {
	Topic  string  `json:"topic"`
	Reason string  `json:"reason"`
	Count  float64 `json:"count"`
}

// GroupLag is one consumer group's lag, in total and per partition.
type GroupLag struct {
	Group      string         `json:"group"`
	Total      int64          `json:"total"`
	Partitions []PartitionLag `json:"partitions"`
}

// PartitionLag is the lag of one owned partition.
type PartitionLag struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Lag       int64  `json:"lag"`
}

var errUnknownTenant = errors.New("no such tenant is started")

// snapshot reads everything for the tenant whose key is given (the first
// started tenant when key is empty).
func (b *board) snapshot(ctx context.Context, key string) (Snapshot, int, error) {
	ctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
	defer cancel()
	now := b.d.Clock.Now()
	s := Snapshot{Now: now, Tenants: b.tenants(), Routes: []Route{}, InstanceRoutes: []InstanceRoute{},
		Quests: []Quest{}, Events: []Event{}}
	s.DeadLetters, s.ConsumerLag = b.deadLetters(), b.lag()
	var t tenant.Tenant
	switch {
	case key == "" && len(s.Tenants) > 0:
		t = s.Tenants[0].Tenant
	case key != "":
		found := false
		for _, c := range s.Tenants {
			if c.Key == key {
				t, found = c.Tenant, true
			}
		}
		if !found {
			return Snapshot{}, http.StatusNotFound, fmt.Errorf("%w: %q", errUnknownTenant, key)
		}
	default:
		return s, http.StatusOK, nil
	}
	s.Tenant = t.Key()
	names := map[uuid.UUID]string{}
	if tr := b.d.Transport; tr != nil {
		views, err := tr.Routes(ctx, t)
		if err != nil {
			s.Problems = append(s.Problems, "routes: "+err.Error())
		}
		riders, err := tr.RouteRiders(ctx, t)
		if err != nil {
			s.Problems = append(s.Problems, "route riders: "+err.Error())
		}
		for _, v := range views {
			names[v.Route.ID] = v.Route.Name
			r := Route{ID: v.Route.ID, Name: v.Route.Name, State: string(v.State),
				Waiting: riders[v.Route.ID].Waiting, Aboard: riders[v.Route.ID].Aboard}
			if x, ok := tr.NextTransition(t, v.Route.ID, now); ok {
				r.Next = &Transition{At: x.At, Kind: x.Kind.String(), To: string(x.To)}
			}
			for _, tp := range v.Trips {
				if tp.Arrival.After(now) {
					r.Trip = &Trip{BoardingOpen: tp.BoardingOpen, BoardingClosed: tp.BoardingClosed, Departure: tp.Departure, Arrival: tp.Arrival}
					break
				}
			}
			s.Routes = append(s.Routes, r)
		}
		for _, ir := range tr.InstanceRoutes(t) {
			names[ir.ID] = ir.Name
			v := InstanceRoute{ID: ir.ID, Name: ir.Name, Capacity: ir.Capacity,
				BoardingWindow: ir.BoardingWindow.String(), Travel: ir.Travel.String(), Instances: []Ride{}}
			ins, err := tr.Instances(ctx, t, ir.ID)
			if err != nil && !errors.Is(err, transport.ErrNotLocal) { // another replica's rides are its board's
				s.Problems = append(s.Problems, "instance route "+ir.Name+": "+err.Error())
			}
			for _, in := range ins {
				rd := Ride{ID: in.ID, Phase: string(in.Phase), CreatedAt: in.CreatedAt, BoardingUntil: in.BoardingUntil,
					ArrivalAt: in.ArrivalAt, Riders: make([]uint32, 0, len(in.Riders))}
				for _, r := range in.Riders {
					rd.Riders = append(rd.Riders, r.CharacterID)
				}
				v.Instances = append(v.Instances, rd)
			}
			s.InstanceRoutes = append(s.InstanceRoutes, v)
		}
	}
	if qs := b.d.Quests; qs != nil {
		states, err := qs.Instances(ctx, t)
		if err != nil {
			s.Problems = append(s.Problems, "party quests: "+err.Error())
		}
		for _, st := range states {
			s.Quests = append(s.Quests, questOf(st))
		}
	}
	s.Events = b.events(t, names)
	return s, http.StatusOK, nil
}

func (b *board) tenants() []Tenant {
	seen := map[string]bool{}
	var out []Tenant
	add := func(ts []tenant.Tenant) {
		for _, t := range ts {
			if !seen[t.Key()] {
				seen[t.Key()] = true
				out = append(out, Tenant{Tenant: t, Key: t.Key()})
			}
		}
	}
	if b.d.Transport != nil {
		add(b.d.Transport.Tenants())
	}
	if b.d.Quests != nil {
		add(b.d.Quests.Tenants())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	if out == nil {
		out = []Tenant{}
	}
	return out
}

func questOf(st partyquest.State) Quest {
	q := Quest{ID: st.ID, QuestID: st.QuestID, Name: st.Definition.Name, State: string(st.State),
		StageIndex: st.CurrentStageIndex, Stages: len(st.Definition.Stages), PartyID: st.PartyID,
		RegisteredAt: st.RegisteredAt, Characters: make([]uint32, 0, len(st.Characters)),
		RegistrationEndsAt: instant(st.RegistrationEndsAt), StageEndsAt: instant(st.StageEndsAt), RunEndsAt: instant(st.RunEndsAt)}
	if q.Name == "" {
		q.Name = st.QuestID
	}
	if st.State == partyquest.StateRegistering {
		q.StageName = "registration"
	} else if int(st.CurrentStageIndex) < len(st.Definition.Stages) {
		q.StageName = st.Definition.Stages[st.CurrentStageIndex].Name
	}
	for _, c := range st.Characters {
		q.Characters = append(q.Characters, c.ID)
	}
	return q
}

func instant(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// events names each recent record after the route or quest it is about.
func (b *board) events(t tenant.Tenant, routeNames map[uuid.UUID]string) []Event {
	evs := b.d.Events.Latest(t)
	questNames := map[string]string{}
	for i := range evs {
		switch ev := &evs[i]; {
		case ev.RouteID != uuid.Nil:
			ev.Name = routeNames[ev.RouteID]
		case ev.QuestID != "":
			name, ok := questNames[ev.QuestID]
			if !ok && b.d.Quests != nil {
				if d, found := b.d.Quests.DefinitionByQuest(t, ev.QuestID); found {
					name = d.Definition.Name
				}
				questNames[ev.QuestID] = name
			}
			if name == "" {
				name = ev.QuestID
			}
			ev.Name = name
		}
	}
	if evs == nil {
		evs = []Event{}
	}
	return evs
}

func (b *board) deadLetters() []DeadLetters {
	out := []DeadLetters{}
	if b.d.Metrics == nil {
		return out
	}
	for _, m := range collect(b.d.Metrics.DeadLettered) {
		l := labels(m)
		out = append(out, DeadLetters{Topic: l["topic"], Reason: l["reason"], Count: m.GetCounter().GetValue()})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}

func (b *board) lag() []GroupLag {
	out := []GroupLag{}
	if b.d.Metrics == nil || b.d.Metrics.ConsumerLag == nil {
		return out
	}
	byGroup := map[string]*GroupLag{}
	for _, m := range collect(b.d.Metrics.ConsumerLag) {
		l := labels(m)
		g, ok := byGroup[l["group"]]
		if !ok {
			g = &GroupLag{Group: l["group"], Partitions: []PartitionLag{}}
			byGroup[l["group"]] = g
		}
		p, _ := strconv.ParseInt(l["partition"], 10, 32)
		lag := int64(m.GetGauge().GetValue())
		g.Total += lag
		g.Partitions = append(g.Partitions, PartitionLag{Topic: l["topic"], Partition: int32(p), Lag: lag})
	}
	for _, g := range byGroup {
		sort.Slice(g.Partitions, func(i, j int) bool {
			if g.Partitions[i].Topic != g.Partitions[j].Topic {
				return g.Partitions[i].Topic < g.Partitions[j].Topic
			}
			return g.Partitions[i].Partition < g.Partitions[j].Partition
		})
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}

// collect reads a collector's current samples without a registry scrape.
func collect(c prometheus.Collector) []*dto.Metric {
	ch := make(chan prometheus.Metric, 64)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var out []*dto.Metric
	for m := range ch {
		var d dto.Metric
		if m.Write(&d) == nil {
			out = append(out, &d)
		}
	}
	return out
}

func labels(m *dto.Metric) map[string]string {
	out := make(map[string]string, len(m.GetLabel()))
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}
