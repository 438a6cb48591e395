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
	// in the transaction of its effects and read back, one partition at a
	// time, when the partition is assigned.
	Changelog messages.Topic
	// Internal is the repartition topic: every input re-keyed to the actor
	// that decides it, and every message between actors, keyed by the
	// receiving actor's identity. Its handler runs only for partitions this
	// replica owns. Its partition count is the changelog's.
	Internal Consumed
	// Owner starts and stops the actors of internal partitions as they are
	// assigned and revoked.
	Owner Owner
}

// Owner is told which internal-topic partitions this replica owns. Every
// actor identity hashes (murmur2, as Kafka's partitioner) to one partition;
// the replica owning it runs the actor, and no other replica does.
type Owner interface {
	// Assign starts the actors of newly assigned partitions from their
	// restored state, with their timers armed. It runs before any record
	// of those partitions is handled.
	Assign(a Assignment) error
	// Revoke stops the actors of the partitions, once every input read
	// from them has been committed; it returns when they have stopped.
	// Whatever they emitted before stopping is committed (or dropped, when
	// the partition was lost) by the pipeline before the partitions go.
	Revoke(partitions []int32)
}

// Assignment is a set of internal partitions given to this replica, with
// the changelog state restored for them.
type Assignment struct {
	Partitions []int32
	// Count is the internal topic's (and the changelog's) partition count,
	// which placement hashes into.
	Count int32
	// State is the latest value of every live changelog key of these
	// partitions.
	State map[string][]byte
}

// Owns reports whether key hashes into one of the assignment's partitions.
func (a Assignment) Owns(key []byte) bool {
	p := PartitionFor(key, a.Count)
	for _, q := range a.Partitions {
		if p == q {
			return true
		}
	}
	return false
}

// Consumed is one input topic of a topology.
type Consumed struct {
	Topic   messages.Topic
	Handler Handler
	// FromLatest starts at the end when the group has no committed offset:
	// events that only matter live (map status), unlike commands.
	FromLatest bool
}

// Route registers every contract input's handler on r: the ingress
// pipeline's router. The internal topic has a pipeline of its own (see
// ActorsGroup).
func (t Topology) Route(r *Router) {
	for _, in := range t.Inputs {
		r.Handle(in.Topic, in.Handler)
	}
}

// ActorsGroup is the consumer group of the internal topic. It is not the
// contract's group: a group balances the total partition count of its
// topics, so one group for both could give one replica every internal
// partition (every actor) and another only contract partitions.
func (t Topology) ActorsGroup() string { return t.Group + " actors" }

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
// shared dead-letter topic (the service's own, created with partitions),
// and their internal topics (likewise).
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
		if t.Internal.Topic != "" {
			seen[t.Internal.Topic] = TopicUse{Topic: t.Internal.Topic, Partitions: partitions, Owner: OwnerService}
		}
	}
	out := make([]TopicUse, 0, len(seen))
	for _, u := range seen {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}
