package service_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/clients"
	"github.com/gamehost/transitquest/service"
	"github.com/gamehost/transitquest/tracing"
)

// pendingReaders are listed variables whose reading code is on another
// branch. The test fails once they are read: then drop them from here.
var pendingReaders = map[string]bool{}

// recordReads runs every reader that takes a getenv over a few
// environments chosen to reach every branch that reads a variable, and
// returns the names asked for, by reader.
func recordReads(t *testing.T) map[service.Reader]map[string]bool {
	t.Helper()
	out := map[service.Reader]map[string]bool{}
	recorder := func(r service.Reader, env map[string]string) func(string) string {
		if out[r] == nil {
			out[r] = map[string]bool{}
		}
		return func(name string) string {
			out[r][name] = true
			return env[name]
		}
	}
	envs := []map[string]string{
		{},                               // every default: nothing returns early
		{"OTEL_TRACES_EXPORTER": "otlp"}, // tracing on: the protocol variables
		{"KAFKA_EXTRA_CONFIG": "client.id=x", "CHANGELOG_PARTITIONS": "3", "SHUTDOWN_TIMEOUT": "5s", "TRANSACTIONAL_ID_PREFIX": "p"},
	}
	for _, env := range envs {
		_, err := service.ConfigFromEnv(recorder(service.ReadByConfig, env))
		require.NoError(t, err)
		messages.TopicNamesFromEnv(recorder(service.ReadByTopics, env))
		// tracing.Setup reads its environment through ConfigFromEnv only.
		_, err = tracing.ConfigFromEnv(recorder(service.ReadByTracing, env))
		require.NoError(t, err)
		clients.FromEnv(recorder(service.ReadByClients, env))
	}
	return out
}

// Every name a reader asks for is listed; every listed name of a reader
// that takes a getenv is asked for by that reader (ConfigFromEnv also asks
// for the topic variables, through TopicNamesFromEnv).
func TestEnvironmentListsWhatTheReadersRead(t *testing.T) {
	reads := recordReads(t)
	readByAny := map[string]bool{}
	for r, names := range reads {
		for name := range names {
			readByAny[name] = true
			_, ok := service.LookupEnv(name)
			assert.True(t, ok, "%s reads %s, which service.Environment does not list", r, name)
		}
	}
	recordable := []service.Reader{service.ReadByConfig, service.ReadByTopics, service.ReadByTracing, service.ReadByClients}
	for _, v := range service.Environment {
		if !slices.Contains(recordable, v.ReadBy) {
			continue
		}
		if pendingReaders[v.Name] {
			assert.False(t, readByAny[v.Name], "%s is read now: remove it from pendingReaders", v.Name)
			continue
		}
		assert.True(t, reads[v.ReadBy][v.Name], "%s is listed as read by %s, which never asks for it", v.Name, v.ReadBy)
	}
	// config.WithDefinitionsPathFromEnv reads os.Getenv itself.
	_, ok := service.LookupEnv(config.DefinitionsPathEnv)
	assert.True(t, ok)
}

func TestEnvironmentEntriesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	name := regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	for _, v := range service.Environment {
		assert.Regexp(t, name, v.Name)
		assert.False(t, seen[v.Name], "%s listed twice", v.Name)
		seen[v.Name] = true
		assert.NotEmpty(t, v.Doc, v.Name)
		assert.NotEmpty(t, v.ReadBy, v.Name)
		if v.Required {
			assert.Empty(t, v.Default, "%s is required and has a default", v.Name)
		}
	}
	bs, _ := service.LookupEnv("BOOTSTRAP_SERVERS")
	assert.True(t, bs.Required)
}

// Code that reads the process environment itself names the variable with a
// string literal (os.Getenv("LOG_LEVEL") in main): every such literal in
// the module's code is listed. Readers taking a getenv are covered above,
// whatever names they build.
func TestEveryLiteralGetenvIsListed(t *testing.T) {
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	fset := token.NewFileSet()
	found := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.Ident:
				fn = f.Name
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			}
			if !slices.Contains([]string{"Getenv", "getenv", "LookupEnv"}, fn) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			name, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			found++
			_, listed := service.LookupEnv(name)
			rel, _ := filepath.Rel(root, path)
			assert.True(t, listed, "%s reads %s, which service.Environment does not list", rel, name)
			return true
		})
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, found, 10, "the scan finds the service's own reads")
}

// The README's configuration table names every listed variable, and only
// those in its first column.
func TestREADMEConfigurationTableNamesEveryVariable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	_, after, ok := strings.Cut(string(b), "\n## Configuration\n")
	require.True(t, ok)
	var table []string
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "|") {
			table = append(table, line)
		} else if len(table) > 0 {
			break
		}
	}
	require.NotEmpty(t, table)
	code := regexp.MustCompile("`([A-Z][A-Z0-9_]*)`")
	named := map[string]bool{}
	for _, row := range table {
		cells := strings.Split(row, "|")
		for _, m := range code.FindAllStringSubmatch(row, -1) {
			named[m[1]] = true
		}
		if len(cells) > 1 {
			for _, m := range code.FindAllStringSubmatch(cells[1], -1) {
				_, ok := service.LookupEnv(m[1])
				assert.True(t, ok, "README lists %s, which service.Environment does not", m[1])
			}
		}
	}
	for _, v := range service.Environment {
		assert.True(t, named[v.Name], "README's configuration table does not name %s", v.Name)
	}
}

// What the README's managed-Kafka section promises about KAFKA_EXTRA_CONFIG:
// items split at every comma (no escaping), key and value at the first "="
// (so a value may hold "="), spaces around an item trimmed, an empty item
// (a trailing comma) or one without "=" rejected.
func TestKafkaExtraConfigSyntax(t *testing.T) {
	extra := func(v string) (map[string]string, error) {
		c, err := service.ConfigFromEnv(func(k string) string {
			if k == "KAFKA_EXTRA_CONFIG" {
				return v
			}
			return ""
		})
		return c.KafkaExtra, err
	}
	got, err := extra(" security.protocol=SASL_SSL, sasl.mechanisms=SCRAM-SHA-512,sasl.username=svc,sasl.password=a=b+c/d== ,ssl.ca.location=/etc/ca/ca.pem")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512",
		"sasl.username": "svc", "sasl.password": "a=b+c/d==", "ssl.ca.location": "/etc/ca/ca.pem"}, got)

	_, err = extra("sasl.username=svc,sasl.password=x,y")
	assert.Error(t, err, "a comma inside a value splits it: the rest is not key=value")
	_, err = extra("security.protocol=SASL_SSL,")
	assert.Error(t, err, "trailing comma")
}
