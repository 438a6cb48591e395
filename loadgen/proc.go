package loadgen

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Memory is a process's resident memory from /proc/<pid>/status.
type Memory struct {
	RSS  uint64 // VmRSS, bytes
	Peak uint64 // VmHWM, bytes
}

// ParseStatus reads VmRSS and VmHWM from a /proc/<pid>/status file.
func ParseStatus(r io.Reader) (Memory, error) {
	var m Memory
	found := 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return m, fmt.Errorf("%s: unexpected value %q", key, rest)
		}
		kb, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return m, fmt.Errorf("%s: %w", key, err)
		}
		if key == "VmRSS" {
			m.RSS = kb * 1024
		} else {
			m.Peak = kb * 1024
		}
		found++
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if found < 2 {
		return m, fmt.Errorf("VmRSS/VmHWM not found")
	}
	return m, nil
}

// ReadMemory reads the memory of process pid (0 = this process).
func ReadMemory(pid int) (Memory, error) {
	path := "/proc/self/status"
	if pid > 0 {
		path = fmt.Sprintf("/proc/%d/status", pid)
	}
	f, err := os.Open(path)
	if err != nil {
		return Memory{}, fmt.Errorf("read memory: %w", err)
	}
	defer f.Close()
	m, err := ParseStatus(f)
	if err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ParseStat reads utime and stime, the process's user and system CPU time
// in clock ticks (fields 14 and 15), from the line of a /proc/<pid>/stat
// file. The command name (field 2) is in parentheses and may itself hold
// spaces and parentheses, so the fields are counted after the last ')'.
func ParseStat(line string) (utime, stime uint64, err error) {
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return 0, 0, fmt.Errorf("stat: no ')' after the command name in %q", line)
	}
	f := strings.Fields(line[i+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, 0, fmt.Errorf("stat: %d fields after the command name, want at least 13", len(f))
	}
	if utime, err = strconv.ParseUint(f[11], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("stat utime: %w", err)
	}
	if stime, err = strconv.ParseUint(f[12], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("stat stime: %w", err)
	}
	return utime, stime, nil
}

// atClkTck is the auxiliary vector's entry for the clock tick rate
// (USER_HZ), the unit of /proc/<pid>/stat's times; atNull ends the vector.
const (
	atNull   = 0
	atClkTck = 17
)

// parseAuxv finds key in an auxiliary vector (/proc/self/auxv): pairs of
// native-endian words of wordSize bytes.
func parseAuxv(b []byte, wordSize int, key uint64) (uint64, bool) {
	word := func(p []byte) uint64 {
		if wordSize == 4 {
			return uint64(binary.NativeEndian.Uint32(p))
		}
		return binary.NativeEndian.Uint64(p)
	}
	for ; len(b) >= 2*wordSize; b = b[2*wordSize:] {
		k, v := word(b), word(b[wordSize:])
		if k == atNull {
			break
		}
		if k == key {
			return v, true
		}
	}
	return 0, false
}

// ClockTicks is USER_HZ, what sysconf(_SC_CLK_TCK) answers: read from this
// process's auxiliary vector, 100 (Linux's value on nearly every
// architecture) when that cannot be read.
var ClockTicks = sync.OnceValue(func() uint64 {
	b, err := os.ReadFile("/proc/self/auxv")
	if err == nil {
		if hz, ok := parseAuxv(b, strconv.IntSize/8, atClkTck); ok && hz > 0 {
			return hz
		}
	}
	return 100
})

// ReadCPU reads the CPU time (user + system, every thread) process pid has
// used so far; pid 0 is this process, read with getrusage(RUSAGE_SELF) for
// its microsecond resolution, another process from /proc/<pid>/stat in
// clock ticks (10 ms).
func ReadCPU(pid int) (time.Duration, error) {
	if pid <= 0 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0, fmt.Errorf("getrusage: %w", err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
	}
	path := fmt.Sprintf("/proc/%d/stat", pid)
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read CPU: %w", err)
	}
	u, s, err := ParseStat(string(b))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return ticks(u+s, ClockTicks()), nil
}

// ticks converts clock ticks at hz per second to a duration.
func ticks(n, hz uint64) time.Duration {
	return time.Duration(n/hz)*time.Second + time.Duration(n%hz)*time.Second/time.Duration(hz)
}

// ReadThreadsCPU reads the CPU time each of process pid's threads has used
// so far (pid 0: this process), summed by thread name: librdkafka names its
// threads rdk:*, the Go runtime's carry the program's name. A thread that
// ended is no longer counted, so compare two readings only over a window in
// which the process keeps its threads.
func ReadThreadsCPU(pid int) (map[string]time.Duration, error) {
	dir := "/proc/self/task"
	if pid > 0 {
		dir = fmt.Sprintf("/proc/%d/task", pid)
	}
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read threads: %w", err)
	}
	out := map[string]time.Duration{}
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/stat")
		if err != nil {
			continue // the thread ended meanwhile
		}
		line := string(b)
		u, s, err := ParseStat(line)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", dir, t.Name(), err)
		}
		name := line
		if i, j := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')'); i >= 0 && j > i {
			name = line[i+1 : j]
		}
		out[name] += ticks(u+s, ClockTicks())
	}
	return out, nil
}
