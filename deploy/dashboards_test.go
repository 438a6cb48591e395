package deploy

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/metrics"
)

// exportedSeries is every series name the service's registry can expose: a
// histogram family x is x_bucket, x_sum and x_count, a summary x, x_sum and
// x_count. Vectors only appear in a Gather once they have a child, so every
// vector field of metrics.Metrics gets one first, with as many label values
// as it accepts.
func exportedSeries(t *testing.T) map[string]bool {
	t.Helper()
	m := metrics.New()
	m.ConsumerLag.Add("group", func() map[string]int64 { return map[string]int64{"topic/0": 1} })
	v := reflect.ValueOf(m).Elem()
	for i := range v.NumField() {
		get := v.Field(i).MethodByName("GetMetricWithLabelValues")
		if !get.IsValid() {
			continue
		}
		touched := false
		for n := 0; n <= 8 && !touched; n++ {
			args := make([]reflect.Value, n)
			for j := range args {
				args[j] = reflect.ValueOf("x")
			}
			touched = get.Call(args)[1].IsNil()
		}
		require.True(t, touched, "metrics.Metrics.%s: no label count fits", v.Type().Field(i).Name)
	}
	fams, err := m.Registry.Gather()
	require.NoError(t, err)
	out := map[string]bool{}
	for _, f := range fams {
		name := f.GetName()
		switch f.GetType() {
		case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
			out[name+"_bucket"], out[name+"_sum"], out[name+"_count"] = true, true, true
		case dto.MetricType_SUMMARY:
			out[name], out[name+"_sum"], out[name+"_count"] = true, true, true
		default:
			out[name] = true
		}
	}
	return out
}

var (
	promStrings  = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")
	promMatchers = regexp.MustCompile(`\{[^}]*\}`)
	promRanges   = regexp.MustCompile(`\[[^\]]*\]`)
	promLabels   = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promTemplate = regexp.MustCompile(`\{\{[^}]*\}\}`)
	promToken    = regexp.MustCompile(`\$?[A-Za-z_:][A-Za-z0-9_:]*|[0-9][0-9.]*(?:[eE][+-]?[0-9]+)?[a-zA-Z]*`)
	promKeywords = []string{"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2", "start", "end"}
	labelValues  = regexp.MustCompile(`^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$`)
)

// seriesOf returns the metric names a PromQL expression reads: identifiers
// that are neither a function or aggregation (followed by "("), a keyword,
// a Grafana variable ($x) nor a number. Strings, label matchers, ranges and
// by/without/on/ignoring/group_x label lists are cut out first.
func seriesOf(t *testing.T, expr string) []string {
	t.Helper()
	if m := labelValues.FindStringSubmatch(expr); m != nil { // Grafana's variable query
		expr = m[1]
	}
	s := promTemplate.ReplaceAllString(expr, " ")
	s = promStrings.ReplaceAllString(s, `""`)
	for _, pair := range []string{"()", "{}", "[]"} {
		require.Equal(t, strings.Count(s, pair[:1]), strings.Count(s, pair[1:]), "unbalanced %s: %s", pair, expr)
	}
	s = promMatchers.ReplaceAllString(s, " ")
	s = promRanges.ReplaceAllString(s, " ")
	s = promLabels.ReplaceAllString(s, " ")
	var out []string
	for _, loc := range promToken.FindAllStringIndex(s, -1) {
		tok := s[loc[0]:loc[1]]
		if tok[0] == '$' || (tok[0] >= '0' && tok[0] <= '9') || slices.Contains(promKeywords, strings.ToLower(tok)) {
			continue
		}
		if rest := strings.TrimLeft(s[loc[1]:], " \t\n"); strings.HasPrefix(rest, "(") {
			continue // a function or an aggregation
		}
		out = append(out, tok)
	}
	return out
}

func TestPromQLTokenizer(t *testing.T) {
	for expr, want := range map[string][]string{
		`sum by (group, topic) (transitquest_consumer_lag{instance=~"$instance"}) > 1000`:         {"transitquest_consumer_lag"},
		`histogram_quantile(0.99, sum by (kind, le) (rate(a_bucket{x="y(z"}[$__rate_interval])))`: {"a_bucket"},
		`sum(rate(a_total[5m])) by (kind) / on (kind) group_left (b) c offset 1h and d`:           {"a_total", "c", "d"},
		`label_values(transitquest_live_actors, instance)`:                                        {"transitquest_live_actors"},
		`x > 1e3 unless y == bool 2`: {"x", "y"},
	} {
		assert.Equal(t, want, seriesOf(t, expr), expr)
	}
}

type alertRules struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func readAlerts(t *testing.T) alertRules {
	t.Helper()
	docs := readDocs(t, "prometheus/alerts.yaml")
	require.Len(t, docs, 1)
	var r alertRules
	require.NoError(t, remarshal(docs[0], &r))
	require.NotEmpty(t, r.Groups)
	return r
}

// remarshal moves a decoded YAML document into a typed struct.
func remarshal(in any, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

// The alerts this issue asks for exist, and each is complete.
func TestAlertRulesAreComplete(t *testing.T) {
	r := readAlerts(t)
	names := map[string]bool{}
	groups := map[string]bool{}
	for _, g := range r.Groups {
		require.NotEmpty(t, g.Name)
		require.False(t, groups[g.Name], "duplicate group %s", g.Name)
		groups[g.Name] = true
		for _, rule := range g.Rules {
			require.NotEmpty(t, rule.Alert, "group %s: only alerting rules", g.Name)
			assert.False(t, names[rule.Alert], "duplicate alert %s", rule.Alert)
			names[rule.Alert] = true
			assert.NotEmpty(t, strings.TrimSpace(rule.Expr), rule.Alert)
			assert.Regexp(t, `^[0-9]+[smh]$`, rule.For, "%s: for", rule.Alert)
			assert.Contains(t, []string{"critical", "warning", "info"}, rule.Labels["severity"], "%s: severity", rule.Alert)
			assert.NotEmpty(t, rule.Annotations["summary"], "%s: summary", rule.Alert)
			assert.NotEmpty(t, rule.Annotations["description"], "%s: description", rule.Alert)
			assert.NotContains(t, rule.Expr, "tenant", "%s: tenant-agnostic", rule.Alert)
		}
	}
	for _, want := range []string{"TransitquestConsumerLagHigh", "TransitquestDeadLetters", "TransitquestTimerLate",
		"TransitquestActorRestarts", "TransitquestFrequentRebalances", "TransitquestNoPartitionsAssigned"} {
		assert.True(t, names[want], "alert %s", want)
	}
}

type dashboard struct {
	UID           string           `json:"uid"`
	Title         string           `json:"title"`
	SchemaVersion int              `json:"schemaVersion"`
	Panels        []dashboardPanel `json:"panels"`
	Templating    struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Query      json.RawMessage `json:"query"`
			Definition string          `json:"definition"`
			Datasource map[string]any  `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

type dashboardPanel struct {
	ID         int                      `json:"id"`
	Type       string                   `json:"type"`
	Title      string                   `json:"title"`
	Datasource map[string]any           `json:"datasource"`
	GridPos    struct{ H, W, X, Y int } `json:"gridPos"`
	Targets    []struct {
		Expr       string         `json:"expr"`
		RefID      string         `json:"refId"`
		Datasource map[string]any `json:"datasource"`
	} `json:"targets"`
}

func readDashboard(t *testing.T) dashboard {
	t.Helper()
	b, err := os.ReadFile("grafana/transitquest.json")
	require.NoError(t, err)
	var d dashboard
	require.NoError(t, json.Unmarshal(b, &d))
	return d
}

// The dashboard loads in Grafana 10/11: one Prometheus data-source variable
// that every panel and query uses, unique panel ids, panels inside the
// 24-column grid, and the panels the issue asks for.
func TestGrafanaDashboardIsWellFormed(t *testing.T) {
	d := readDashboard(t)
	assert.NotEmpty(t, d.UID)
	assert.NotEmpty(t, d.Title)
	assert.GreaterOrEqual(t, d.SchemaVersion, 36, "data-source references by uid")
	var ds string
	for _, v := range d.Templating.List {
		if v.Type == "datasource" {
			require.Empty(t, ds, "one data-source variable")
			ds = v.Name
			assert.JSONEq(t, `"prometheus"`, string(v.Query))
		}
	}
	require.NotEmpty(t, ds, "a data-source variable")
	usesDS := func(what string, ref map[string]any) {
		assert.Equal(t, "prometheus", ref["type"], what)
		assert.Equal(t, "${"+ds+"}", ref["uid"], what)
	}
	ids := map[int]bool{}
	var titles []string
	for _, p := range d.Panels {
		assert.False(t, ids[p.ID], "duplicate panel id %d", p.ID)
		ids[p.ID] = true
		assert.True(t, p.GridPos.W > 0 && p.GridPos.X+p.GridPos.W <= 24 && p.GridPos.H > 0, p.Title)
		if p.Type == "row" {
			continue
		}
		titles = append(titles, p.Title)
		usesDS(p.Title, p.Datasource)
		require.NotEmpty(t, p.Targets, p.Title)
		for _, tg := range p.Targets {
			assert.NotEmpty(t, tg.RefID, p.Title)
			assert.NotEmpty(t, strings.TrimSpace(tg.Expr), p.Title)
			assert.NotContains(t, tg.Expr, "tenant", "%s: tenant-agnostic", p.Title)
			usesDS(p.Title, tg.Datasource)
		}
	}
	for _, v := range d.Templating.List {
		if v.Type == "query" {
			usesDS(v.Name, v.Datasource)
		}
	}
	all := strings.ToLower(strings.Join(titles, "\n"))
	for _, want := range []string{"lag", "dead letters", "rejected", "timer lateness", "restarts", "resting actors", "rebalances", "restore"} {
		assert.Contains(t, all, want)
	}
}

// dashboardExprs is every PromQL expression of the dashboard, its panels'
// and its variables', by where it is.
func dashboardExprs(t *testing.T) map[string]string {
	t.Helper()
	d := readDashboard(t)
	out := map[string]string{}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			out["panel "+p.Title+" "+tg.RefID] = tg.Expr
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			require.NoError(t, json.Unmarshal(v.Query, &q.Query), "variable %s: query is an object or a string", v.Name)
		}
		out["variable "+v.Name] = q.Query
		out["variable "+v.Name+" definition"] = v.Definition
	}
	return out
}

// Every metric the dashboard and the alerts read is one the service exports.
func TestDashboardsAndAlertsUseExportedMetrics(t *testing.T) {
	exported := exportedSeries(t)
	require.True(t, exported["transitquest_timer_lateness_seconds_bucket"])
	require.True(t, exported["transitquest_consumer_lag"])

	exprs := dashboardExprs(t)
	for _, g := range readAlerts(t).Groups {
		for _, r := range g.Rules {
			exprs["alert "+r.Alert] = r.Expr
		}
	}
	used := map[string]bool{}
	for where, expr := range exprs {
		series := seriesOf(t, expr)
		assert.NotEmpty(t, series, "%s reads no metric: %s", where, expr)
		for _, s := range series {
			used[s] = true
			assert.True(t, exported[s], "%s reads %s, which the service does not export", where, s)
		}
	}
	// The subjects are all covered by at least one expression.
	for _, s := range []string{"transitquest_consumer_lag", "transitquest_records_dead_lettered_total",
		"transitquest_timer_lateness_seconds_bucket", "transitquest_actor_restarts_total",
		"transitquest_rebalances_total", "transitquest_assigned_partitions"} {
		assert.True(t, used[s], "nothing reads %s", s)
	}
}

// exportedSeries leaves no vector of metrics.Metrics untouched: each has a
// child after it, so none can hide from the check above.
func TestExportedSeriesCoversEveryCollector(t *testing.T) {
	exported := exportedSeries(t)
	m := metrics.New()
	v := reflect.ValueOf(m).Elem()
	for i := range v.NumField() {
		c, ok := v.Field(i).Interface().(prometheus.Collector)
		if !ok || v.Field(i).Type() == reflect.TypeOf(m.Registry) {
			continue
		}
		ch := make(chan *prometheus.Desc)
		go func() { c.Describe(ch); close(ch) }()
		for desc := range ch {
			name := regexp.MustCompile(`fqName: "([^"]+)"`).FindStringSubmatch(desc.String())
			require.Len(t, name, 2, desc.String())
			found := exported[name[1]] || exported[name[1]+"_count"]
			assert.True(t, found, "%s (metrics.Metrics.%s) is not gathered", name[1], v.Type().Field(i).Name)
		}
	}
}
