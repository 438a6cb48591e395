package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -list-topics prints one line per topic, in logical-name order, from the subsystems' topology
// declarations: contract topics as external, changelogs (compacted) and
// dead letters as the service's own, with real names from the environment.
func TestListTopics(t *testing.T) {
	env := map[string]string{"CHANGELOG_PARTITIONS": "6", "EVENT_TOPIC_MAP_STATUS": "prod.map-status", "TRANSACTIONAL_ID_PREFIX": "x"}
	var out bytes.Buffer
	require.NoError(t, printTopics(&out, func(k string) string { return env[k] }))
	assert.Equal(t, []string{
		"CHANGELOG_TOPIC_PARTY_QUEST 6 compact service",
		"CHANGELOG_TOPIC_TRANSPORT 6 compact service",
		"COMMAND_TOPIC_CHARACTER - delete external",
		"COMMAND_TOPIC_INSTANCE_TRANSPORT - delete external",
		"COMMAND_TOPIC_PARTY_QUEST - delete external",
		"DEAD_LETTER_TOPIC 6 delete service",
		"EVENT_TOPIC_CHANNEL_STATUS - delete external",
		"EVENT_TOPIC_CHARACTER_STATUS - delete external",
		"EVENT_TOPIC_INSTANCE_TRANSPORT - delete external",
		"prod.map-status - delete external",
		"EVENT_TOPIC_PARTY_QUEST_STATUS - delete external",
		"EVENT_TOPIC_TRANSPORT_STATUS - delete external",
	}, strings.Split(strings.TrimSpace(out.String()), "\n"))
}

// With one subsystem only its topics are listed, and dead letters always.
func TestListTopicsOfOneSubsystem(t *testing.T) {
	env := map[string]string{"SUBSYSTEMS": "partyquest", "TRANSACTIONAL_ID_PREFIX": "x"}
	var out bytes.Buffer
	require.NoError(t, printTopics(&out, func(k string) string { return env[k] }))
	assert.Equal(t, []string{
		"CHANGELOG_TOPIC_PARTY_QUEST 12 compact service",
		"COMMAND_TOPIC_CHARACTER - delete external",
		"COMMAND_TOPIC_PARTY_QUEST - delete external",
		"DEAD_LETTER_TOPIC 12 delete service",
		"EVENT_TOPIC_PARTY_QUEST_STATUS - delete external",
	}, strings.Split(strings.TrimSpace(out.String()), "\n"))
}
