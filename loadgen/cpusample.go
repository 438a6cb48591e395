package loadgen

import (
	"fmt"
	"sync"
	"time"
)

// CPUStats is the CPU time a process used over an interval.
type CPUStats struct {
	Measured bool
	What     string        // whose CPU it is
	CPU      time.Duration // user + system, every thread
	Over     time.Duration // wall time between the two samples
}

// Cores is the mean number of cores the process kept busy.
func (c CPUStats) Cores() float64 {
	if !c.Measured || c.Over <= 0 {
		return 0
	}
	return c.CPU.Seconds() / c.Over.Seconds()
}

// PerItem is the CPU time per item (command, record) in microseconds;
// false when there is nothing to divide.
func (c CPUStats) PerItem(n int) (float64, bool) {
	if !c.Measured || n <= 0 {
		return 0, false
	}
	return float64(c.CPU) / float64(time.Microsecond) / float64(n), true
}

// cpuWindow samples a process's CPU time at the start and at the end of
// the measured window; begin and end may run on any goroutine.
type cpuWindow struct {
	pid int // 0: this process

	mu             sync.Mutex
	from, to       time.Time
	cpuFrom, cpuTo time.Duration
	began, ended   bool
	err            error
}

func (c *cpuWindow) sample() (time.Time, time.Duration, error) {
	at := time.Now()
	cpu, err := ReadCPU(c.pid)
	return at, cpu, err
}

func (c *cpuWindow) begin() {
	at, cpu, err := c.sample()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.began || c.ended {
		return
	}
	if err != nil {
		c.err = err
		return
	}
	c.from, c.cpuFrom, c.began = at, cpu, true
}

func (c *cpuWindow) end() {
	at, cpu, err := c.sample()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.began || c.ended {
		return
	}
	if err != nil {
		c.err = err
		return
	}
	c.to, c.cpuTo, c.ended = at, cpu, true
}

// stats is the CPU used between the two samples, or why it is unknown.
func (c *cpuWindow) stats(what string) (CPUStats, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := CPUStats{What: what}
	switch {
	case c.err != nil:
		return st, c.err
	case !c.began || !c.ended:
		return st, fmt.Errorf("the window's start or end was not sampled")
	}
	st.Measured, st.CPU, st.Over = true, c.cpuTo-c.cpuFrom, c.to.Sub(c.from)
	return st, nil
}
