package quest

import (
	"encoding/json"

	"github.com/gamehost/transitquest/actors"
	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
)

// HandleCommand forwards a COMMAND_TOPIC_PARTY_QUEST record (keyed by
// character on the contract) to the actor that decides it, through the
// internal topic keyed by that actor's identity: a REGISTER to its
// tenant's registrar, every other command to the instance it names. The
// forward commits with the record's offset, so each command reaches its
// actor exactly once, on whichever replica runs it.
//
// What can be refused without the actor is refused here: a record that
// does not decode, and a tenant without party quests.
func (s *Subsystem) HandleCommand(in *kafka.Input) error {
	cmd, err := messages.DecodePartyQuestCommand(in.Value)
	if err != nil {
		return err
	}
	if _, ok := s.see(in.Tenant, false); !ok {
		return messages.Reject(messages.ReasonUnknownTarget, "tenant %s has no party quests", in.Tenant)
	}
	key := registrarKey(in.Tenant)
	if cmd.Type != messages.TypeRegister {
		key = instanceKey(in.Tenant, cmd.InstanceID())
	}
	rec, err := messages.Internal(messages.InternalTopicPartyQuest, key, msgCommand, json.RawMessage(in.Value))
	if err != nil {
		return err
	}
	actors.FromInput(in).Emit(s.env, []messages.Record{rec})
	return nil
}
