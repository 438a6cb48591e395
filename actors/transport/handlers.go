package transport

import (
	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// HandleMapStatus routes an EVENT_TOPIC_MAP_STATUS record to its tenant's hub.
func (s *Subsystem) HandleMapStatus(in *kafka.Input) error {
	ev, err := messages.DecodeMapStatus(in.Value)
	if err != nil {
		return err
	}
	return s.toHub(in.Tenant, mapStatus{o: actors.FromInput(in), ev: ev})
}

// HandleCharacterStatus routes an EVENT_TOPIC_CHARACTER_STATUS record
// (login, logout) to its tenant's hub.
func (s *Subsystem) HandleCharacterStatus(in *kafka.Input) error {
	ev, err := messages.DecodeCharacterStatus(in.Value)
	if err != nil {
		return err
	}
	return s.toHub(in.Tenant, characterStatus{o: actors.FromInput(in), ev: ev})
}

// HandleChannelStatus routes an EVENT_TOPIC_CHANNEL_STATUS record to its
// tenant's hub.
func (s *Subsystem) HandleChannelStatus(in *kafka.Input) error {
	ev, err := messages.DecodeChannelStatus(in.Value)
	if err != nil {
		return err
	}
	return s.toHub(in.Tenant, channelStatus{o: actors.FromInput(in), ev: ev})
}

// HandleStartCommand routes a COMMAND_TOPIC_INSTANCE_TRANSPORT START to its
// tenant's hub, which reserves the ride and hands it to the route's actor.
func (s *Subsystem) HandleStartCommand(in *kafka.Input) error {
	cmd, err := messages.DecodeStartTransport(in.Value)
	if err != nil {
		return err
	}
	return s.toHub(in.Tenant, startRide{o: actors.FromInput(in), world: cmd.WorldID, character: cmd.CharacterID,
		channel: cmd.Body.ChannelID, route: cmd.Body.RouteID})
}

func (s *Subsystem) toHub(t tenant.Tenant, msg any) error {
	ta, err := s.tenant(t)
	if err != nil {
		return messages.Reject(messages.ReasonUnknownTarget, "tenant %s: %v", t, err)
	}
	s.sys.Root.Send(ta.hub, msg)
	return nil
}
