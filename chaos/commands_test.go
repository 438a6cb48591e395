package chaos

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gamehost/transitquest/loadgen"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// Every command gets a trace id of its own; only acknowledged commands are
// recorded, with what the audit needs from their JSON.
func TestCommandLogTracesAndRecordsAckedCommands(t *testing.T) {
	tn := tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	route := uuid.New()
	l := &commandLog{}
	var traces []string
	for i, c := range []loadgen.Command{loadgen.RideStart(tn, 7, route), loadgen.QuestRegister(tn, 8, 9)} {
		r := &kgo.Record{}
		l.decorate(c, r)
		require.Len(t, r.Headers, 1)
		parts := strings.Split(string(r.Headers[0].Value), "-")
		require.Len(t, parts, 4)
		traces = append(traces, parts[1])
		var err error
		if i == 1 {
			err = errors.New("refused")
		}
		l.acked(c, r, err)
	}
	require.NotEqual(t, traces[0], traces[1])
	cmds, refused := l.snapshot()
	require.Equal(t, 1, refused)
	require.Len(t, cmds, 1)
	require.Equal(t, messages.TypeStart, cmds[0].Type)
	require.Equal(t, route, cmds[0].Route)
	require.Equal(t, uint32(7), cmds[0].Character)
	require.Equal(t, traces[0], cmds[0].TraceID)
	require.Equal(t, tn, cmds[0].Tenant)
}
