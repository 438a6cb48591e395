package demo

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kgo"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/messages"
)

// tailOutputs hands every record the service produces to the loop.
func (d *Demo) tailOutputs(ctx context.Context) {
	for ctx.Err() == nil {
		fs := d.tail.PollFetches(ctx)
		fs.EachRecord(func(r *kgo.Record) {
			select {
			case d.records <- r:
			case <-ctx.Done():
			}
		})
	}
}

// indexNames maps route ids and well-known maps to names for the log.
func (d *Demo) indexNames() {
	for _, r := range d.tenant.Routes {
		d.routeNames[r.ID] = r.Name
		d.nameMap(r.StagingMapID, r.Name+" staging")
		for _, m := range r.EnRouteMapIDs {
			d.nameMap(m, r.Name+" en route")
		}
		d.nameMap(r.DestinationMapID, r.Name+" destination")
		d.nameMap(r.StartMapID, r.Name+" start")
	}
	for _, r := range d.tenant.InstanceRoutes {
		d.routeNames[r.ID] = r.Name
		d.nameMap(r.TransitMapID, r.Name+" transit")
		d.nameMap(r.DestinationMapID, r.Name+" destination")
		d.nameMap(r.StartMapID, r.Name+" start")
	}
	for _, q := range d.tenant.QuestDefinitions {
		for _, s := range q.Stages {
			for _, m := range s.MapIDs {
				d.nameMap(m, fmt.Sprintf("%s stage %d %q", q.QuestID, s.Index, s.Name))
			}
		}
		d.nameMap(q.Exit, q.QuestID+" exit")
		d.nameMap(q.Registration.MapID, q.QuestID+" registration")
	}
}

// nameMap keeps the first name a map gets (a map shared by routes is named
// after the first).
func (d *Demo) nameMap(m uint32, name string) {
	if _, ok := d.mapNames[m]; !ok && m != 0 {
		d.mapNames[m] = name
	}
}

func (d *Demo) routeName(id uuid.UUID) string {
	if n, ok := d.routeNames[id]; ok {
		return n
	}
	return id.String()
}

func (d *Demo) mapField(key string, m uint32) zap.Field {
	if n, ok := d.mapNames[m]; ok {
		return zap.String(key, fmt.Sprintf("%d (%s)", m, n))
	}
	return zap.Uint32(key, m)
}

// handle logs one produced record with names, then plays its part.
func (d *Demo) handle(ctx context.Context, r *kgo.Record) {
	switch r.Topic {
	case d.names.Name(messages.EventTopicTransportStatus):
		var ev messages.TransportStatusEvent[messages.MapBody]
		if json.Unmarshal(r.Value, &ev) != nil {
			break
		}
		d.log.Info("→ route "+ev.Type, zap.String("route", d.routeName(ev.RouteID)), d.mapField("map", ev.Body.MapID))
		if ev.Type == messages.TypeDeparted {
			d.count(func(s *Stats) { s.Departures++ })
		}
		d.routeEvent(ctx, ev.RouteID, ev.Type)
		return
	case d.names.Name(messages.EventTopicInstanceTransport):
		var ev messages.CharacterEvent[messages.RideCancelledBody]
		if json.Unmarshal(r.Value, &ev) != nil {
			break
		}
		fields := []zap.Field{zap.String("route", d.routeName(ev.Body.RouteID)), zap.Uint32("character", ev.CharacterID),
			zap.Stringer("ride", ev.Body.InstanceID)}
		if ev.Body.Reason != "" {
			fields = append(fields, zap.String("reason", ev.Body.Reason))
		}
		d.log.Info("→ ride "+ev.Type, fields...)
		d.rideEvent(ev.CharacterID, ev.Type)
		return
	case d.names.Name(messages.CommandTopicCharacter):
		var cmd messages.Command[messages.ChangeMapBody]
		if json.Unmarshal(r.Value, &cmd) != nil || cmd.Type != messages.TypeChangeMap {
			break
		}
		d.log.Info("→ CHANGE_MAP", zap.Uint32("character", cmd.CharacterID), zap.String("who", d.who(cmd.CharacterID)),
			d.mapField("map", cmd.Body.MapID), zap.Uint8("channel", cmd.Body.ChannelID))
		d.changeMap(ctx, cmd)
		return
	case d.names.Name(messages.EventTopicPartyQuestStatus):
		var ev messages.PartyQuestStatusEvent[json.RawMessage]
		if json.Unmarshal(r.Value, &ev) != nil {
			break
		}
		d.questEvent(ctx, ev)
		return
	case d.names.Name(messages.DeadLetterTopic):
		d.count(func(s *Stats) { s.Rejected++ })
		d.log.Warn("→ input rejected by the service", zap.ByteString("record", r.Value))
		return
	}
	d.log.Info("→ "+r.Topic, zap.ByteString("record", r.Value))
}

// who says what a character is to the demo.
func (d *Demo) who(c uint32) string {
	if t, ok := d.travellers[c]; ok {
		return "traveller on " + t.route.Name
	}
	if r, ok := d.riders[c]; ok {
		return "rider on " + r.route.Name
	}
	for _, t := range d.teams {
		for _, m := range t.members {
			if m == c {
				return "party " + t.name
			}
		}
	}
	return "unknown"
}
