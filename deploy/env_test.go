package deploy

import (
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/service"
)

// The packaging files set only variables of service.Environment (a typo or
// a renamed variable would be silently ignored by the service) and every
// required one. Only the transitquest container counts: the broker's and
// the other containers' environments are theirs.

func TestComposeSetsOnlyVariablesTheServiceReads(t *testing.T) {
	env := composeEnv(t, at(t, composeServices(t), "transitquest"))
	for name := range env {
		_, ok := service.LookupEnv(name)
		assert.True(t, ok, "compose.yaml sets %s, which the service does not read (service.Environment)", name)
	}
	for _, v := range service.Environment {
		if v.Required {
			assert.NotEmpty(t, env[v.Name], "compose.yaml does not set the required %s", v.Name)
		}
	}
	assert.NotEmpty(t, env["TRANSACTIONAL_ID_PREFIX"], "one fixed replica: a fixed prefix")
}

// dependentRef is a Kubernetes dependent variable reference, $(NAME).
var dependentRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

func TestKubernetesSetsOnlyVariablesTheServiceReads(t *testing.T) {
	m := manifests(t)
	c := container(t, m)
	set := map[string]string{} // name → where
	for _, src := range at(t, c, "envFrom").([]any) {
		name := str(t, src, "configMapRef", "name")
		for k := range at(t, m["ConfigMap/"+name], "data").(obj) {
			set[k] = "ConfigMap " + name
		}
	}
	// Variables set only to build others, as $(NAME) in a later value,
	// are the manifests' own helpers.
	helpers := map[string]bool{}
	var defined []string
	for _, e := range at(t, c, "env").([]any) {
		name := str(t, e, "name")
		if v, ok := e.(obj)["value"].(string); ok {
			for _, ref := range dependentRef.FindAllStringSubmatch(v, -1) {
				assert.Contains(t, defined, ref[1], "%s uses $(%s), which must be defined before it", name, ref[1])
				helpers[ref[1]] = true
			}
		}
		defined = append(defined, name)
		set[name] = "env"
	}
	for name, where := range set {
		if _, ok := service.LookupEnv(name); !ok && !helpers[name] {
			t.Errorf("%s sets %s, which the service does not read (service.Environment)", where, name)
		}
	}
	env := podEnv(t, m)
	for _, v := range service.Environment {
		if v.Required {
			assert.NotEmpty(t, env[v.Name], "the manifests do not set the required %s", v.Name)
		}
	}
}

// Each replica needs its own stable prefix: the pod name, set in the
// container's env (a ConfigMap value would be shared by every replica).
func TestKubernetesTransactionalIDPrefixIsThePodName(t *testing.T) {
	m := manifests(t)
	c := container(t, m)
	i := slices.IndexFunc(at(t, c, "env").([]any), func(e any) bool { return str(t, e, "name") == "TRANSACTIONAL_ID_PREFIX" })
	require.GreaterOrEqual(t, i, 0, "TRANSACTIONAL_ID_PREFIX is set in the container's env")
	assert.Equal(t, "metadata.name", str(t, at(t, c, "env", i), "valueFrom", "fieldRef", "fieldPath"))
	for _, src := range at(t, c, "envFrom").([]any) {
		name := str(t, src, "configMapRef", "name")
		assert.NotContains(t, at(t, m["ConfigMap/"+name], "data").(obj), "TRANSACTIONAL_ID_PREFIX",
			"a ConfigMap value would be one prefix for every replica")
	}
}
