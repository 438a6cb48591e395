package deploy

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/service"
)

// manifests decodes every resource the kustomization lists, by "Kind/name".
func manifests(t *testing.T) map[string]obj {
	t.Helper()
	k := readDocs(t, "k8s/kustomization.yaml")
	require.Len(t, k, 1)
	var listed []string
	for _, r := range at(t, k[0], "resources").([]any) {
		listed = append(listed, r.(string))
	}
	onDisk, err := filepath.Glob("k8s/*.yaml")
	require.NoError(t, err)
	for i := range onDisk {
		onDisk[i] = filepath.Base(onDisk[i])
	}
	want := append(slices.Clone(listed), "kustomization.yaml")
	slices.Sort(want)
	assert.Equal(t, want, onDisk, "every manifest is listed in kustomization.yaml")

	out := map[string]obj{}
	for _, f := range listed {
		for _, d := range readDocs(t, filepath.Join("k8s", f)) {
			str(t, d, "apiVersion")
			key := str(t, d, "kind") + "/" + str(t, d, "metadata", "name")
			require.NotContains(t, out, key)
			out[key] = d
		}
	}
	return out
}

func container(t *testing.T, m map[string]obj) obj {
	t.Helper()
	cs := at(t, m["StatefulSet/transitquest"], "spec", "template", "spec", "containers").([]any)
	require.Len(t, cs, 1)
	return cs[0].(obj)
}

// podEnv is the container's environment as the service sees it: the
// ConfigMaps of envFrom, then env literals; downward-API values are
// replaced by a sample pod's.
func podEnv(t *testing.T, m map[string]obj) map[string]string {
	t.Helper()
	c := container(t, m)
	env := map[string]string{}
	for _, src := range at(t, c, "envFrom").([]any) {
		cm, ok := m["ConfigMap/"+str(t, src, "configMapRef", "name")]
		require.True(t, ok, "envFrom names a ConfigMap of the manifests")
		for k, v := range at(t, cm, "data").(obj) {
			env[k] = v.(string)
		}
	}
	pod := map[string]string{"metadata.name": "transitquest-0", "metadata.namespace": "games"}
	for _, e := range at(t, c, "env").([]any) {
		name := str(t, e, "name")
		if v, ok := e.(obj)["value"]; ok {
			env[name] = v.(string)
			continue
		}
		if ref, ok := at(t, e, "valueFrom").(obj)["secretKeyRef"]; ok {
			// A Secret the operator creates (not in the manifests): unset.
			assert.Equal(t, true, at(t, ref, "optional"), "%s: the manifests apply without the Secret", name)
			continue
		}
		env[name] = pod[str(t, e, "valueFrom", "fieldRef", "fieldPath")]
	}
	return env
}

func TestStatefulSetGivesEachReplicaAStableTransactionalID(t *testing.T) {
	m := manifests(t)
	sts := m["StatefulSet/transitquest"]
	require.NotNil(t, sts)
	headless := m["Service/"+str(t, sts, "spec", "serviceName")]
	require.NotNil(t, headless, "serviceName names a Service of the manifests")
	assert.Equal(t, "None", str(t, headless, "spec", "clusterIP"))
	for _, e := range at(t, container(t, m), "env").([]any) {
		if str(t, e, "name") == "TRANSACTIONAL_ID_PREFIX" {
			assert.Equal(t, "metadata.name", str(t, e, "valueFrom", "fieldRef", "fieldPath"), "the pod name")
		}
	}
	cfg, err := service.ConfigFromEnv(envLookup(podEnv(t, m)))
	require.NoError(t, err)
	assert.Equal(t, "transitquest-0", cfg.TxnIDPrefix)
	assert.True(t, cfg.Transport && cfg.PartyQuests)
	grace := time.Duration(at(t, sts, "spec", "template", "spec", "terminationGracePeriodSeconds").(int)) * time.Second
	assert.Greater(t, grace, cfg.ShutdownTimeout, "the graceful shutdown finishes before SIGKILL")
}

func TestProbesUseTheRESTPort(t *testing.T) {
	m := manifests(t)
	c := container(t, m)
	port := at(t, c, "ports", 0)
	assert.Equal(t, "http", str(t, port, "name"))
	cfg, err := service.ConfigFromEnv(envLookup(podEnv(t, m)))
	require.NoError(t, err)
	assert.Equal(t, cfg.RESTAddr, ":"+itoa(at(t, port, "containerPort").(int)))
	for probe, path := range map[string]string{"startupProbe": "/healthz", "livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
		assert.Equal(t, path, str(t, c, probe, "httpGet", "path"), probe)
		assert.Equal(t, "http", str(t, c, probe, "httpGet", "port"), probe)
	}
	ann := at(t, m["StatefulSet/transitquest"], "spec", "template", "metadata", "annotations").(obj)
	assert.Equal(t, itoa(at(t, port, "containerPort").(int)), ann["prometheus.io/port"])
	assert.Equal(t, "/metrics", ann["prometheus.io/path"])
	assert.Contains(t, at(t, c, "resources").(obj), "requests")
}

func TestLabelsAndSelectorsAgree(t *testing.T) {
	m := manifests(t)
	labels := at(t, m["StatefulSet/transitquest"], "spec", "template", "metadata", "labels").(obj)
	matches := func(sel obj) bool {
		for k, v := range sel {
			if labels[k] != v {
				return false
			}
		}
		return len(sel) > 0
	}
	assert.True(t, matches(at(t, m["StatefulSet/transitquest"], "spec", "selector", "matchLabels").(obj)))
	assert.True(t, matches(at(t, m["PodDisruptionBudget/transitquest"], "spec", "selector", "matchLabels").(obj)))
	for key, o := range m {
		if strings.HasPrefix(key, "Service/") {
			assert.True(t, matches(at(t, o, "spec", "selector").(obj)), key)
		}
	}
}

func TestRunsAsTheImagesNonRootUser(t *testing.T) {
	m := manifests(t)
	sc := at(t, m["StatefulSet/transitquest"], "spec", "template", "spec", "securityContext").(obj)
	assert.Equal(t, true, sc["runAsNonRoot"])
	user := itoa(sc["runAsUser"].(int)) + ":" + itoa(sc["runAsGroup"].(int))
	assert.Equal(t, dockerfileInstruction(t, "USER"), user, "same user as the Dockerfile")
}

func TestTopicEnvironmentNamesEveryTopic(t *testing.T) {
	data := at(t, manifests(t)["ConfigMap/transitquest-env"], "data").(obj)
	var names []string
	for k := range data {
		for _, prefix := range []string{"COMMAND_TOPIC_", "EVENT_TOPIC_", "CHANGELOG_TOPIC_", "INTERNAL_TOPIC_", "DEAD_LETTER_TOPIC"} {
			if strings.HasPrefix(k, prefix) {
				names = append(names, k)
			}
		}
	}
	var all []string
	for _, tp := range messages.AllTopics {
		all = append(all, string(tp))
	}
	slices.Sort(names)
	slices.Sort(all)
	assert.Equal(t, all, names)
}

// The ConfigMap's file is where CONFIG_PATH points and loads cleanly; the
// definitions folder is an optional ConfigMap mounted where
// PARTY_QUEST_DEFINITIONS_PATH points.
func TestConfigFileConfigMap(t *testing.T) {
	m := manifests(t)
	env := podEnv(t, m)
	mounts := map[string]string{} // mount path → volume
	for _, vm := range at(t, container(t, m), "volumeMounts").([]any) {
		mounts[str(t, vm, "mountPath")] = str(t, vm, "name")
		assert.Equal(t, true, vm.(obj)["readOnly"])
	}
	volumes := map[string]obj{}
	for _, v := range at(t, m["StatefulSet/transitquest"], "spec", "template", "spec", "volumes").([]any) {
		volumes[str(t, v, "name")] = v.(obj)
	}
	dir, key := filepath.Split(env["CONFIG_PATH"])
	vol := volumes[mounts[filepath.Clean(dir)]]
	require.NotNil(t, vol, "CONFIG_PATH is inside a mounted volume")
	cm := m["ConfigMap/"+str(t, vol, "configMap", "name")]
	require.NotNil(t, cm)
	file := filepath.Join(t.TempDir(), key)
	require.NoError(t, os.WriteFile(file, []byte(str(t, cm, "data", key)), 0o644))
	c, problems, err := config.Load(file)
	require.NoError(t, err)
	assert.Empty(t, problems)
	require.Len(t, c.Tenants, 1)
	assert.NotEmpty(t, c.Tenants[0].Routes)
	assert.NotEmpty(t, c.Tenants[0].InstanceRoutes)

	defs := volumes[mounts[env["PARTY_QUEST_DEFINITIONS_PATH"]]]
	require.NotNil(t, defs, "PARTY_QUEST_DEFINITIONS_PATH is a mounted volume")
	assert.Equal(t, true, at(t, defs, "configMap", "optional"))
}
