// Package deploy holds no code. Its tests check the packaging files (the
// Dockerfile, compose.yaml, k8s/) against the service they package, since CI
// has neither Docker nor Kubernetes to try them on.
package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/gamehost/transitquest/messages"
)

// obj is one decoded YAML document.
type obj = map[string]any

// readDocs decodes every document of a YAML file.
func readDocs(t *testing.T, path string) []obj {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []obj
	for {
		var d obj
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err, path)
		if d != nil {
			out = append(out, d)
		}
	}
}

// at walks nested maps and lists: at(o, "spec", "template", "spec") or
// at(o, "containers", 0). It fails the test when the path is absent.
func at(t *testing.T, o any, path ...any) any {
	t.Helper()
	cur := o
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := cur.(obj)
			require.True(t, ok, "%v: not a map at %v", path, path[:i])
			v, ok := m[k]
			require.True(t, ok, "%v: no %q", path, k)
			cur = v
		case int:
			l, ok := cur.([]any)
			require.True(t, ok && k < len(l), "%v: no item %d", path, k)
			cur = l[k]
		}
	}
	return cur
}

func str(t *testing.T, o any, path ...any) string {
	t.Helper()
	s, ok := at(t, o, path...).(string)
	require.True(t, ok, "%v is not a string", path)
	return s
}

// repoRoot is the module root, one level up from deploy/.
func repoRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(abs, "go.mod"))
	require.NoError(t, err)
	return abs
}

// contractTopics are the topics other services own: they must exist before
// the service starts. The service creates the rest itself.
func contractTopics() []string {
	own := []messages.Topic{messages.DeadLetterTopic, messages.ChangelogTopicTransport, messages.ChangelogTopicPartyQuest,
		messages.InternalTopicTransport, messages.InternalTopicPartyQuest}
	var out []string
	for _, tp := range messages.AllTopics {
		if !slices.Contains(own, tp) {
			out = append(out, string(tp))
		}
	}
	slices.Sort(out)
	return out
}

// envLookup turns a map into a getenv.
func envLookup(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

func fields(s string) []string {
	f := strings.Fields(s)
	slices.Sort(f)
	return f
}
