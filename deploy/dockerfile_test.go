package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func itoa(i int) string { return strconv.Itoa(i) }

// dockerfile returns the Dockerfile's instructions with continuation lines
// joined and comments dropped.
func dockerfile(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../Dockerfile")
	require.NoError(t, err)
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cont, ok := strings.CutSuffix(trimmed, "\\"); ok {
			cur.WriteString(cont + " ")
			continue
		}
		cur.WriteString(trimmed)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

// dockerfileInstruction is the argument of the last instruction named op.
func dockerfileInstruction(t *testing.T, op string) string {
	t.Helper()
	var arg string
	for _, ins := range dockerfile(t) {
		if name, rest, _ := strings.Cut(ins, " "); strings.EqualFold(name, op) {
			arg = rest
		}
	}
	require.NotEmpty(t, arg, "no %s instruction", op)
	return arg
}

func TestDockerfileBuildsWithTheModulesGoAndCgo(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	require.NoError(t, err)
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	require.NotNil(t, goLine)
	all := strings.Join(dockerfile(t), "\n")
	assert.Contains(t, all, "ARG GO_VERSION="+string(goLine[1])+"\n", "builder Go matches go.mod")
	assert.Contains(t, all, "FROM golang:${GO_VERSION}-${DEBIAN_RELEASE} AS build")
	assert.Contains(t, all, "FROM debian:${DEBIAN_RELEASE}-slim", "runtime has the builder's glibc")
	assert.Contains(t, all, "CGO_ENABLED=1")
	assert.Contains(t, all, "./cmd/transitquest")
	assert.Equal(t, "8080", dockerfileInstruction(t, "EXPOSE"))
	assert.Contains(t, dockerfileInstruction(t, "HEALTHCHECK"), "/healthz")
	user := dockerfileInstruction(t, "USER")
	assert.NotContains(t, []string{"root", "0", "0:0"}, user)
	assert.Equal(t, `["/usr/local/bin/transitquest"]`, dockerfileInstruction(t, "ENTRYPOINT"))
}

// Everything the build copies exists and survives .dockerignore.
func TestDockerIgnoreKeepsWhatTheBuildNeeds(t *testing.T) {
	b, err := os.ReadFile("../.dockerignore")
	require.NoError(t, err)
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	ignored := func(path string) bool {
		for _, p := range patterns {
			p, anyDepth := strings.CutPrefix(p, "**/")
			// A path is excluded when it or a parent folder matches.
			for part := path; part != "."; part = filepath.Dir(part) {
				if ok, _ := filepath.Match(p, part); ok {
					return true
				}
				if ok, _ := filepath.Match(p, filepath.Base(part)); ok && anyDepth {
					return true
				}
			}
		}
		return false
	}
	for _, need := range []string{"go.mod", "go.sum", "cmd/transitquest/main.go", "config/samples/sample.json", "partyquest/samples", "kafka/router.go"} {
		_, err := os.Stat(filepath.Join("..", need))
		assert.NoError(t, err, need)
		assert.False(t, ignored(need), "%s is excluded from the build context", need)
	}
	for _, drop := range []string{".git", "deploy/compose.yaml", "kafka/router_test.go", "config/testdata/imports.json"} {
		assert.True(t, ignored(drop), "%s should stay out of the build context", drop)
	}
}
