package deploy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The NetworkPolicy selects the StatefulSet's pods and admits exactly two
// peers: the game server's namespace, and the scraper's pods in the
// monitoring namespace, each on a port the container declares; the
// scraper's port is the one the Prometheus annotations name.
func TestNetworkPolicyAdmitsOnlyTheGameServerAndTheScraper(t *testing.T) {
	m := manifests(t)
	np := m["NetworkPolicy/transitquest"]
	require.NotNil(t, np, "k8s/networkpolicy.yaml is listed in the kustomization")
	assert.Equal(t, "networking.k8s.io/v1", str(t, np, "apiVersion"))

	podLabels := at(t, m["StatefulSet/transitquest"], "spec", "template", "metadata", "labels").(obj)
	sel := at(t, np, "spec", "podSelector", "matchLabels").(obj)
	require.NotEmpty(t, sel)
	for k, v := range sel {
		assert.Equal(t, v, podLabels[k], "podSelector %s selects the StatefulSet's pods", k)
	}
	assert.Equal(t, []any{"Ingress"}, at(t, np, "spec", "policyTypes"))

	ports := map[any]int{} // name or number → containerPort
	for _, p := range at(t, container(t, m), "ports").([]any) {
		n := at(t, p, "containerPort").(int)
		ports[n] = n
		if name, ok := p.(obj)["name"]; ok {
			ports[name] = n
		}
	}
	scrapePort := at(t, m["StatefulSet/transitquest"], "spec", "template", "metadata", "annotations", "prometheus.io/port")

	rules := at(t, np, "spec", "ingress").([]any)
	require.Len(t, rules, 2)
	var gameServer, scraper bool
	for i, r := range rules {
		from := at(t, r, "from").([]any)
		require.Len(t, from, 1, "rule %d: one peer", i)
		peer := from[0].(obj)
		ns := str(t, peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name")
		rulePorts := at(t, r, "ports").([]any)
		require.NotEmpty(t, rulePorts, "rule %d names its ports", i)
		var numbers []string
		for _, p := range rulePorts {
			assert.Equal(t, "TCP", str(t, p, "protocol"))
			n, ok := ports[at(t, p, "port")]
			assert.True(t, ok, "rule %d: port %v is a container port", i, at(t, p, "port"))
			numbers = append(numbers, itoa(n))
		}
		switch ns {
		case "game-server":
			gameServer = true
			assert.NotContains(t, peer, "podSelector", "every pod of the game server's namespace")
			assert.NotContains(t, peer, "ipBlock")
		case "monitoring":
			scraper = true
			assert.Equal(t, "prometheus", str(t, peer, "podSelector", "matchLabels", "app.kubernetes.io/name"),
				"only the scraper's pods, in the same peer as the namespace (AND, not OR)")
			assert.Contains(t, numbers, scrapePort, "the port Prometheus scrapes")
		default:
			t.Errorf("rule %d admits namespace %q", i, ns)
		}
	}
	assert.True(t, gameServer && scraper)
}
