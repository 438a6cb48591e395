// Package messages holds the wire types of every Kafka topic the service
// consumes or produces, exactly as the Transport Service and Party Quest
// Service contracts define them, plus strict decoding with a reason for every
// rejection. Nothing else in the code builds JSON by hand.
package messages

// Topic is the logical name of a topic: the environment variable that names it.
// Domain code speaks in Topics; the producer resolves them to real names.
type Topic string

// Topics of both contracts, plus our dead-letter topic.
const (
	CommandTopicPartyQuest        Topic = "COMMAND_TOPIC_PARTY_QUEST"
	EventTopicPartyQuestStatus    Topic = "EVENT_TOPIC_PARTY_QUEST_STATUS"
	CommandTopicCharacter         Topic = "COMMAND_TOPIC_CHARACTER"
	EventTopicCharacterStatus     Topic = "EVENT_TOPIC_CHARACTER_STATUS"
	EventTopicChannelStatus       Topic = "EVENT_TOPIC_CHANNEL_STATUS"
	CommandTopicInstanceTransport Topic = "COMMAND_TOPIC_INSTANCE_TRANSPORT"
	EventTopicMapStatus           Topic = "EVENT_TOPIC_MAP_STATUS"
	EventTopicTransportStatus     Topic = "EVENT_TOPIC_TRANSPORT_STATUS"
	EventTopicInstanceTransport   Topic = "EVENT_TOPIC_INSTANCE_TRANSPORT"
	DeadLetterTopic               Topic = "DEAD_LETTER_TOPIC"

	// Compacted state topics, one per subsystem: each actor's state keyed by
	// its identity, written in the transaction of its effects.
	ChangelogTopicTransport  Topic = "CHANGELOG_TOPIC_TRANSPORT"
	ChangelogTopicPartyQuest Topic = "CHANGELOG_TOPIC_PARTY_QUEST"

	// Internal (repartition) topics, one per subsystem: every input on its
	// way to the actor that decides it, keyed by that actor's identity, and
	// every message between actors. Their partitions place the actors: the
	// replica that owns partition p runs every actor whose key hashes to p,
	// and restores partition p of the changelog.
	InternalTopicTransport  Topic = "INTERNAL_TOPIC_TRANSPORT"
	InternalTopicPartyQuest Topic = "INTERNAL_TOPIC_PARTY_QUEST"
)

// AllTopics lists every logical topic, for topic creation and configuration docs.
var AllTopics = []Topic{
	CommandTopicPartyQuest, EventTopicPartyQuestStatus, CommandTopicCharacter,
	EventTopicCharacterStatus, EventTopicChannelStatus, CommandTopicInstanceTransport,
	EventTopicMapStatus, EventTopicTransportStatus, EventTopicInstanceTransport,
	DeadLetterTopic, ChangelogTopicTransport, ChangelogTopicPartyQuest,
	InternalTopicTransport, InternalTopicPartyQuest,
}

// TopicNames maps logical topics to the real topic names of a deployment.
type TopicNames map[Topic]string

// TopicNamesFromEnv reads each topic's env var; an unset or empty variable
// means the variable's own name is the topic name, as the contracts require.
func TopicNamesFromEnv(getenv func(string) string) TopicNames {
	names := make(TopicNames, len(AllTopics))
	for _, t := range AllTopics {
		if v := getenv(string(t)); v != "" {
			names[t] = v
		} else {
			names[t] = string(t)
		}
	}
	return names
}

// Name returns the real name of t (t itself when unmapped).
func (n TopicNames) Name(t Topic) string {
	if v, ok := n[t]; ok {
		return v
	}
	return string(t)
}

// Logical returns the logical topic for a real topic name. If several
// logical topics share that name (a misconfiguration), the answer is still
// deterministic: the first of AllTopics, else the smallest other Topic.
func (n TopicNames) Logical(name string) (Topic, bool) {
	for _, t := range AllTopics {
		if v, ok := n[t]; ok && v == name {
			return t, true
		}
	}
	var found Topic
	ok := false
	for t, v := range n {
		if v == name && (!ok || t < found) {
			found, ok = t, true
		}
	}
	return found, ok
}
