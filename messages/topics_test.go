package messages_test

import (
	"testing"

	"github.com/gamehost/transitquest/messages"
)

func TestAllTopicsAreTheEnvVarNames(t *testing.T) {
	want := []string{
		"COMMAND_TOPIC_PARTY_QUEST", "EVENT_TOPIC_PARTY_QUEST_STATUS", "COMMAND_TOPIC_CHARACTER",
		"EVENT_TOPIC_CHARACTER_STATUS", "EVENT_TOPIC_CHANNEL_STATUS", "COMMAND_TOPIC_INSTANCE_TRANSPORT",
		"EVENT_TOPIC_MAP_STATUS", "EVENT_TOPIC_TRANSPORT_STATUS", "EVENT_TOPIC_INSTANCE_TRANSPORT",
		"DEAD_LETTER_TOPIC", "CHANGELOG_TOPIC_TRANSPORT", "CHANGELOG_TOPIC_PARTY_QUEST",
		"INTERNAL_TOPIC_TRANSPORT", "INTERNAL_TOPIC_PARTY_QUEST",
	}
	if len(messages.AllTopics) != len(want) {
		t.Fatalf("AllTopics has %d topics, want %d", len(messages.AllTopics), len(want))
	}
	for i, topic := range messages.AllTopics {
		if string(topic) != want[i] {
			t.Errorf("AllTopics[%d] = %s, want %s", i, topic, want[i])
		}
	}
}

func TestTopicNamesFromEnvUnset(t *testing.T) {
	var asked []string
	names := messages.TopicNamesFromEnv(func(k string) string { asked = append(asked, k); return "" })
	if len(asked) != len(messages.AllTopics) {
		t.Errorf("read %d variables, want %d: %v", len(asked), len(messages.AllTopics), asked)
	}
	for _, topic := range messages.AllTopics {
		if got := names.Name(topic); got != string(topic) {
			t.Errorf("unset %s: name %q, want the variable's own name", topic, got)
		}
		if got, ok := names.Logical(string(topic)); !ok || got != topic {
			t.Errorf("Logical(%q) = %s, %v", topic, got, ok)
		}
	}
}

func TestTopicNamesFromEnvSet(t *testing.T) {
	env := map[string]string{
		"COMMAND_TOPIC_PARTY_QUEST":      "prod.pq.commands",
		"EVENT_TOPIC_PARTY_QUEST_STATUS": "prod.pq.status",
		"COMMAND_TOPIC_CHARACTER":        "prod.character.commands",
		"EVENT_TOPIC_MAP_STATUS":         "", // set but empty: as if unset
	}
	names := messages.TopicNamesFromEnv(func(k string) string { return env[k] })
	for _, topic := range messages.AllTopics {
		want := env[string(topic)]
		if want == "" {
			want = string(topic)
		}
		if got := names.Name(topic); got != want {
			t.Errorf("%s: name %q, want %q", topic, got, want)
		}
		if got, ok := names.Logical(want); !ok || got != topic {
			t.Errorf("Logical(%q) = %s, %v, want %s", want, got, ok, topic)
		}
	}
	// A logical name that was renamed is not a real topic any more.
	if got, ok := names.Logical("COMMAND_TOPIC_PARTY_QUEST"); ok {
		t.Errorf("Logical of a renamed topic's variable name = %s, want not found", got)
	}
	if got, ok := names.Logical("no.such.topic"); ok || got != "" {
		t.Errorf("Logical(unknown) = %q, %v", got, ok)
	}
}

func TestTopicNamesNameUnmapped(t *testing.T) {
	names := messages.TopicNames{}
	if got := names.Name(messages.DeadLetterTopic); got != "DEAD_LETTER_TOPIC" {
		t.Errorf("Name of an unmapped topic = %q", got)
	}
	var nilNames messages.TopicNames
	if got := nilNames.Name("X"); got != "X" {
		t.Errorf("nil TopicNames Name = %q", got)
	}
	if _, ok := nilNames.Logical("X"); ok {
		t.Error("nil TopicNames Logical found a topic")
	}
}

// TestLogicalDeterministic checks a real name shared by several logical
// topics (a misconfiguration) always resolves the same way.
func TestLogicalDeterministic(t *testing.T) {
	names := messages.TopicNamesFromEnv(func(k string) string {
		switch k {
		case "EVENT_TOPIC_MAP_STATUS", "EVENT_TOPIC_CHARACTER_STATUS", "COMMAND_TOPIC_PARTY_QUEST":
			return "shared"
		}
		return ""
	})
	names["ZZ_EXTRA"], names["AA_EXTRA"] = "extra", "extra"
	for range 50 {
		if got, _ := names.Logical("shared"); got != messages.CommandTopicPartyQuest {
			t.Fatalf("Logical(shared) = %s, want the first of AllTopics (%s)", got, messages.CommandTopicPartyQuest)
		}
		if got, _ := names.Logical("extra"); got != "AA_EXTRA" {
			t.Fatalf("Logical(extra) = %s, want AA_EXTRA", got)
		}
	}
}
