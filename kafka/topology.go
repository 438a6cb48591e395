package kafka

import (
	"sort"

	"github.com/gamehost/transitquest/messages"
)

// Topology declares one subsystem's place in the Kafka graph in one value,
// as goka declares a group graph: its consumer group, the topics it reads
// with the handler of each, the topics it writes, and its changelog. The
// service builds the subsystem's pipeline from it, and -list-topics prints
// it.
type Topology struct {
	// Name is the subsystem's short name (transactional id suffix, logs).
	Name string
	// Group is the consumer group, as the contract names it.
	Group string
	// Inputs are the topics read, each with its handler.
	Inputs []Consumed
	// Outputs are the contract topics written.
	Outputs []messages.Topic
	// Changelog is the compacted topic holding the subsystem's state, written
	// in the transaction of its effects and read back at start-up.
	Changelog messages.Topic
}

// Consumed is one input topic of a topology.
type Consumed struct {
	Topic   messages.Topic
	Handler Handler
	// FromLatest starts at the end when the group has no committed offset:
	// events that only matter live (map status), unlike commands.
	FromLatest bool
}

// Route registers every input's handler on r.
func (t Topology) Route(r *Router) {
	for _, in := range t.Inputs {
		r.Handle(in.Topic, in.Handler)
	}
}

// LatestTopics are the inputs read from the end for a new group.
func (t Topology) LatestTopics() []messages.Topic {
	var out []messages.Topic
	for _, in := range t.Inputs {
		if in.FromLatest {
			out = append(out, in.Topic)
		}
	}
	return out
}

// Owners of a topic, as -list-topics prints them.
const (
	OwnerService  = "service"  // the service creates it when missing
	OwnerExternal = "external" // a contract topic: the game server's to create
)

// TopicUse is one topic the service reads, writes or owns.
type TopicUse struct {
	Topic messages.Topic
	// Partitions is the count the service creates it with; 0 for an
	// external topic, whose count is the cluster's business.
	Partitions int
	Compact    bool
	Owner      string
}

// CleanupPolicy is the topic's cleanup.policy.
func (u TopicUse) CleanupPolicy() string {
	if u.Compact {
		return "compact"
	}
	return "delete"
}

// TopicUses lists every topic of the topologies once, sorted by logical
// name: their inputs and outputs (external), their changelogs and the
// shared dead-letter topic (the service's own, created with partitions).
func TopicUses(partitions int, ts ...Topology) []TopicUse {
	seen := map[messages.Topic]TopicUse{
		messages.DeadLetterTopic: {Topic: messages.DeadLetterTopic, Partitions: partitions, Owner: OwnerService},
	}
	external := func(tp messages.Topic) {
		if _, ok := seen[tp]; !ok {
			seen[tp] = TopicUse{Topic: tp, Owner: OwnerExternal}
		}
	}
	for _, t := range ts {
		for _, in := range t.Inputs {
			external(in.Topic)
		}
		for _, o := range t.Outputs {
			external(o)
		}
		if t.Changelog != "" {
			seen[t.Changelog] = TopicUse{Topic: t.Changelog, Partitions: partitions, Compact: true, Owner: OwnerService}
		}
	}
	out := make([]TopicUse, 0, len(seen))
	for _, u := range seen {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}
