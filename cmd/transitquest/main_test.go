package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
		"INTERNAL_TOPIC_PARTY_QUEST 6 delete service",
		"INTERNAL_TOPIC_TRANSPORT 6 delete service",
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
		"INTERNAL_TOPIC_PARTY_QUEST 12 delete service",
	}, strings.Split(strings.TrimSpace(out.String()), "\n"))
}

// writeFile writes content to name in a fresh folder and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func noEnv(string) string { return "" }

// The sample for `make run` checks clean: only the definitions' warnings.
func TestCheckConfigSampleIsClean(t *testing.T) {
	var out bytes.Buffer
	assert.Equal(t, 0, checkConfig(&out, "../../config/samples/sample.json", noEnv), out.String())
	got := lines(out.String())
	for _, l := range got[:len(got)-1] {
		assert.True(t, strings.HasPrefix(l, "warning: "), l)
	}
	assert.Equal(t, "summary: ../../config/samples/sample.json: 1 tenants, 13 routes, 1 vessels, 3 instance routes, 2 quest definitions; 0 rejected, 2 warnings", got[len(got)-1])
}

// Every rejected record is one line with its file, record and reason, and
// one is enough to exit 1; the rest still counts in the summary.
func TestCheckConfigReportsEveryRejectedRecord(t *testing.T) {
	path := writeFile(t, "c.json", `{"tenants":[{"id":"083839c6-c47c-42a6-9585-76492795d123","region":"GMS",
		"routes":[{"id":"x","name":"a"}],
		"instanceRoutes":[{"id":"38632730-ab1a-4a74-bfe3-f2f48a6fa340","name":"ok","startMapId":1,"transitMapId":2,"destinationMapId":3,"capacity":2,"boardingWindow":"1m","travel":"4m"},
			{"id":"38632730-ab1a-4a74-bfe3-f2f48a6fa341","name":"slow","capacity":0,"boardingWindow":"1m","travell":"4m"}]}]}`)
	var out bytes.Buffer
	assert.Equal(t, 1, checkConfig(&out, path, noEnv))
	assert.Equal(t, []string{
		"rejected: " + path + ": tenants[0].routes[0] a: id \"x\" is not a UUID: invalid UUID length: 1; " +
			`boardingWindow is required (a Go duration such as "4m"); preDeparture is required (a Go duration such as "4m"); ` +
			`travel is required (a Go duration such as "4m"); cycleInterval is required (a Go duration such as "4m")`,
		"rejected: " + path + ": tenants[0].instanceRoutes[1] slow: unknown field \"travell\"",
		"summary: " + path + ": 1 tenants, 0 routes, 0 vessels, 1 instance routes, 0 quest definitions; 2 rejected, 0 warnings",
	}, lines(out.String()))
}

// A fatal configuration error is one "fatal:" line and exit 1.
func TestCheckConfigFatal(t *testing.T) {
	missingDefs := writeFile(t, "c.json", `{"tenants":[{"id":"083839c6-c47c-42a6-9585-76492795d123","region":"GMS","partyQuestDefinitions":"pq"}]}`)
	for name, c := range map[string]struct{ path, want string }{
		"top-level typo":      {writeFile(t, "c.json", `{"tenant": []}`), `unknown top-level field "tenant" (want "tenants")`},
		"missing definitions": {missingDefs, "tenants[0].partyQuestDefinitions: folder " + filepath.Join(filepath.Dir(missingDefs), "pq") + " does not exist"},
		"missing file":        {filepath.Join(t.TempDir(), "none.json"), "no such file or directory"},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			assert.Equal(t, 1, checkConfig(&out, c.path, noEnv))
			got := lines(out.String())
			require.Len(t, got, 2, out.String())
			assert.True(t, strings.HasPrefix(got[0], "fatal: config: "), got[0])
			assert.Contains(t, got[0], c.want)
			assert.Equal(t, "summary: "+c.path+": refused, the service would not start; 0 rejected, 0 warnings", got[1])
		})
	}
}

// PARTY_QUEST_DEFINITIONS_PATH is honoured as by the service: a missing
// folder is fatal, a present one adds its definitions to every tenant.
func TestCheckConfigHonoursDefinitionsPath(t *testing.T) {
	path := writeFile(t, "c.json", `{"tenants":[{"id":"083839c6-c47c-42a6-9585-76492795d123","region":"GMS"}]}`)
	env := func(dir string) func(string) string {
		return func(k string) string { return map[string]string{"PARTY_QUEST_DEFINITIONS_PATH": dir}[k] }
	}
	var out bytes.Buffer
	assert.Equal(t, 1, checkConfig(&out, path, env("no-such-folder")))
	assert.Contains(t, out.String(), "fatal: config: no-such-folder: PARTY_QUEST_DEFINITIONS_PATH: folder no-such-folder does not exist")

	out.Reset()
	assert.Equal(t, 0, checkConfig(&out, path, env("../../partyquest/samples")), out.String())
	assert.Contains(t, out.String(), "1 tenants, 0 routes, 0 vessels, 0 instance routes, 2 quest definitions")
}

// The line that ends the service is one line without a stack trace, in
// JSON and on a terminal alike.
func TestExitLogIsOneLine(t *testing.T) {
	for _, terminal := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "log")
		log, err := newLogger("", terminal, out)
		require.NoError(t, err)
		logExit(log, fmt.Errorf("load configuration: %w", errors.New(`config: c.json: unknown top-level field "tenant" (want "tenants")`)))
		require.NoError(t, log.Sync())
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		got := lines(string(b))
		require.Len(t, got, 1, "terminal=%v: %s", terminal, b)
		assert.Contains(t, got[0], `unknown top-level field`)
		assert.NotContains(t, got[0], "stacktrace")
		assert.NotContains(t, got[0], "goroutine")
	}
}
