package chaos

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"time"
)

// replica is one service process under a stable name: restarted, it keeps
// its transactional id prefix (the static member id) and REST port, as a
// Kubernetes pod keeps its name.
type replica struct {
	name string
	bin  string
	port int
	env  []string
	log  string
	p    *proc
}

func newReplica(name, bin, dir string, env []string) (*replica, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	env = append(append([]string(nil), env...),
		"TRANSACTIONAL_ID_PREFIX="+name,
		"REST_PORT="+strconv.Itoa(port),
	)
	return &replica{name: name, bin: bin, port: port, env: env, log: filepath.Join(dir, name+".log")}, nil
}

// start spawns the process (a previous one must have exited).
func (r *replica) start() error {
	p, err := startProc(r.name, r.bin, nil, r.env, r.log)
	if err != nil {
		return err
	}
	r.p = p
	return nil
}

// waitReady polls /readyz until it answers 200, the process exits, ctx
// ends or timeout passes, and returns when it became ready.
func (r *replica) waitReady(ctx context.Context, timeout time.Duration) (time.Time, error) {
	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", r.port)
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(timeout)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return time.Time{}, fmt.Errorf("%s readyz: %w", r.name, err)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Now(), nil
			}
		}
		if r.p.exited() {
			return time.Time{}, fmt.Errorf("%s exited before it was ready (%v; see %s)", r.name, r.p.err, r.log)
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%s not ready within %s (see %s)", r.name, timeout, r.log)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
