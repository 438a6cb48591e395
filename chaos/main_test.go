package chaos_test

import (
	"os"
	"testing"

	"github.com/gamehost/transitquest/chaos"
)

// TestMain lets the test binary, re-executed by the runner, be its broker.
func TestMain(m *testing.M) {
	chaos.BrokerProcessMain()
	os.Exit(m.Run())
}
