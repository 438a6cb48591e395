package chaos

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// proc is one child process with its output appended to a log file. Its
// owner ends it with kill or stop; done is closed once it has exited.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's result, set before done is closed
}

// startProc starts path with args and env (added to the runner's own),
// its output appended to logPath. The child gets a process group of its
// own, so a Ctrl-C at the terminal reaches only the runner, which then
// stops its children in order; and it is SIGKILLed if the runner dies.
func startProc(name, path string, args, env []string, logPath string) (*proc, error) {
	logs, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s log: %w", name, err)
	}
	defer logs.Close() // the child holds its own descriptor
	fmt.Fprintf(logs, "=== %s started %s\n", name, time.Now().UTC().Format(time.RFC3339Nano))
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p, nil
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill SIGKILLs the process's group (the process and anything it
// started) and waits until the process is gone.
func (p *proc) kill() {
	p.signal(syscall.SIGKILL)
	<-p.done
}

// signal sends sig to the process group the child leads (Setpgid).
func (p *proc) signal(sig syscall.Signal) {
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil {
		_ = p.cmd.Process.Signal(sig) // the group is gone: the leader, if still there
	}
}

// stop asks the process to shut down (SIGTERM) and kills it if it has not
// exited within timeout; the error says which, or how it exited.
func (p *proc) stop(timeout time.Duration) error {
	if p.exited() {
		return nil
	}
	p.signal(syscall.SIGTERM)
	select {
	case <-p.done:
		var ee *exec.ExitError
		if errors.As(p.err, &ee) {
			return fmt.Errorf("%s exited with %v after SIGTERM", p.name, ee)
		}
		return nil
	case <-time.After(timeout):
		p.kill()
		return fmt.Errorf("%s did not exit within %s of SIGTERM: killed", p.name, timeout)
	}
}
