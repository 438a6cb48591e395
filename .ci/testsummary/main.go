// Command testsummary reads `go test -json` on stdin, prints what plain
// `go test` prints (each package's result line, and the whole output of
// every failed test), then one line counting the test cases (subtests
// included) that passed, failed and were skipped, labelled with its
// argument, and every skipped case with its reason. It exits 1 when a test
// or a package failed, so CI fails with it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	label := "tests"
	if len(os.Args) > 1 {
		label = os.Args[1]
	}
	out := map[string]*strings.Builder{} // package/test -> its output
	var passed, failed, skipped int
	var skips []string
	pkgFailed := false
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			fmt.Println(string(line)) // build errors and other plain text
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch e.Action {
		case "output":
			if e.Test == "" {
				if !strings.HasPrefix(e.Output, "=== ") && !strings.HasPrefix(e.Output, "--- ") && e.Output != "PASS\n" {
					fmt.Print(e.Output)
				}
				continue
			}
			b := out[key]
			if b == nil {
				b = &strings.Builder{}
				out[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action == "fail" {
					pkgFailed = true
				}
				continue
			}
			switch e.Action {
			case "pass":
				passed++
			case "fail":
				failed++
				if b := out[key]; b != nil {
					fmt.Print(b.String())
				}
			case "skip":
				skipped++
				skips = append(skips, fmt.Sprintf("%s %s: %s", e.Package, e.Test, skipReason(out[key])))
			}
			delete(out, key)
		}
	}
	sort.Strings(skips)
	for _, s := range skips {
		fmt.Printf("%s skipped: %s\n", label, s)
	}
	fmt.Printf("%s: %d passed, %d failed, %d skipped\n", label, passed, failed, skipped)
	if failed > 0 || pkgFailed || sc.Err() != nil {
		os.Exit(1)
	}
}

// skipReason is the message a skipped test gave t.Skip.
func skipReason(b *strings.Builder) string {
	if b == nil {
		return "(no reason given)"
	}
	var lines []string
	for _, l := range strings.Split(b.String(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "logger.go:") {
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return "(no reason given)"
	}
	return lines[len(lines)-1]
}
