package board_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/config"
	"github.com/gamehost/transitquest/kafka/kafkatest"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/service/servicetest"
)

// screenshotTo also saves the browser test's screenshot there (the README's
// docs/board.png is made with -args -screenshot=$PWD/../docs/board.png).
var screenshotTo = flag.String("screenshot", "", "also save the board screenshot to this PNG file")

// chromium finds Debian's chromium. Without it the test is skipped on a
// developer machine and fails in CI, which installs it (.ci/run).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs it")
	}
	t.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

// firstRouteName is the name of the first route of the first tenant in the
// configuration file, as written there.
func firstRouteName(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct {
		Tenants []struct {
			Routes []struct {
				Name string `json:"name"`
			} `json:"routes"`
		} `json:"tenants"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.NotEmpty(t, doc.Tenants)
	require.NotEmpty(t, doc.Tenants[0].Routes)
	return doc.Tenants[0].Routes[0].Name
}

// The whole service runs in-process against the embedded broker with the
// sample configuration; one party REGISTER makes a live quest. Headless
// Chromium opens / and must show, from the page's own polling, the first
// route's name and the live quest's name.
func TestBoardInHeadlessChromium(t *testing.T) {
	exe := chromium(t)
	routeName := firstRouteName(t, samplePath)
	cfg, _, err := config.Load(samplePath)
	require.NoError(t, err)
	questName := ""
	for _, d := range cfg.Tenants[0].QuestDefinitions {
		if d.QuestID == "kerning_city_pq" {
			questName = d.Name
		}
	}
	require.NotEmpty(t, questName)
	require.Equal(t, kafkatest.Tenant, cfg.Tenants[0].Tenant, "the sample's tenant is the test tenant")

	b := kafkatest.StartBroker(t)
	svc := servicetest.Run(t, map[string]string{"BOOTSTRAP_SERVERS": b.Bootstrap(), "REST_PORT": "0", "CHANGELOG_PARTITIONS": "4",
		"TRANSACTIONAL_ID_PREFIX": "board-test", "CONFIG_PATH": samplePath})

	c := b.Client(t)
	b.Produce(t, c, messages.CommandTopicPartyQuest, messages.IntKey(501), messages.Command[messages.RegisterBody]{
		CharacterID: 501, Type: messages.TypeRegister,
		Body: messages.RegisterBody{QuestID: "kerning_city_pq", PartyID: 9, ChannelID: 1, MapID: 103000000}}, kafkatest.Tenant)

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1400, 1100))...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()
	bctx, cancelDeadline := context.WithTimeout(bctx, 90*time.Second)
	defer cancelDeadline()

	start := time.Now()
	url := "http://" + svc.Addr() + "/"
	cond := `(() => { const s = document.body.innerText; return s.includes(` + jsString(routeName) + `) && s.includes(` + jsString(questName) + `); })()`
	_, err = chromedp.Run(bctx, chromedp.Navigate(url))
	require.NoError(t, err)
	_, err = chromedp.Run(bctx, chromedp.WaitVisible("#routes"))
	require.NoError(t, err)
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(60*time.Second), chromedp.WithPollingInterval(100*time.Millisecond)))
	if err != nil {
		text, _ := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("the board did not show route %q and quest %q: %v\npage text:\n%s", routeName, questName, err, text)
	}
	t.Logf("board showed %q and %q %v after navigating", routeName, questName, time.Since(start).Round(time.Millisecond))
	// The latest events come from the emitters' observer, once the quest's
	// INSTANCE_CREATED is committed.
	_, err = chromedp.Run(bctx, chromedp.Poll[bool](`document.querySelector("#events").innerText.includes("INSTANCE_CREATED")`,
		chromedp.WithPollingTimeout(10*time.Second)))
	require.NoError(t, err, "the latest events show the quest's INSTANCE_CREATED")

	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	shot := filepath.Join(t.TempDir(), "board.png")
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
	if *screenshotTo != "" {
		require.NoError(t, os.WriteFile(*screenshotTo, png, 0o644))
		t.Logf("screenshot also saved to %s", *screenshotTo)
	}
	require.True(t, strings.HasPrefix(string(png), "\x89PNG"), "a PNG screenshot")
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
