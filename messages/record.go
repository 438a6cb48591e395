package messages

import "github.com/google/uuid"

// Record is one outgoing Kafka record as domain logic describes it: a logical
// topic, the partition key, and a wire value that the producer encodes as
// JSON. Tenant and trace headers are added by the actor that emits it.
type Record struct {
	Topic Topic
	Key   []byte
	Value any
	// Owner, when set, is the identity of the actor that owns the record:
	// it goes to the partition Owner hashes to rather than the one Key
	// does. A changelog entry of a sub-entity (one ride instance of a
	// route) is stored where its actor's state is restored from.
	Owner []byte
}

// ChangeMap is a CHANGE_MAP command for one character, keyed by character id.
func ChangeMap(world byte, character uint32, body ChangeMapBody) Record {
	return Record{
		Topic: CommandTopicCharacter,
		Key:   IntKey(character),
		Value: Command[ChangeMapBody]{WorldID: world, CharacterID: character, Type: TypeChangeMap, Body: body},
	}
}

// TransportStatus is an ARRIVED or DEPARTED event keyed by route id.
func TransportStatus(route uuid.UUID, typ string, observationMap uint32) Record {
	return Record{
		Topic: EventTopicTransportStatus,
		Key:   UUIDKey(route),
		Value: TransportStatusEvent[MapBody]{RouteID: route, Type: typ, Body: MapBody{MapID: observationMap}},
	}
}

// RideEvent is an instance-transport STARTED, COMPLETED or CANCELLED event
// keyed by character id. The transaction id stays nil, as in the reference.
func RideEvent[E RideBody | RideCancelledBody](world byte, character uint32, typ string, body E) Record {
	return Record{
		Topic: EventTopicInstanceTransport,
		Key:   IntKey(character),
		Value: CharacterEvent[E]{WorldID: world, CharacterID: character, Type: typ, Body: body},
	}
}

// PartyQuestStatus is a party-quest status event keyed by instance id, so all
// events of one instance stay in order on one partition.
func PartyQuestStatus[E any](world byte, instance uuid.UUID, questID, typ string, body E) Record {
	return Record{
		Topic: EventTopicPartyQuestStatus,
		Key:   UUIDKey(instance),
		Value: PartyQuestStatusEvent[E]{WorldID: world, InstanceID: instance, QuestID: questID, Type: typ, Body: body},
	}
}
