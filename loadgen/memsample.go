package loadgen

import (
	"fmt"
	"runtime"
)

// memorySampler records RSS and live players once a second during the window.
type memorySampler struct {
	pid        int
	measure    bool
	last       Memory
	ok         bool
	liveCounts map[string][]int
}

func (m *memorySampler) sample(scen []Scenario) {
	if m.liveCounts == nil {
		m.liveCounts = map[string][]int{}
	}
	for _, s := range scen {
		m.liveCounts[s.Name()] = append(m.liveCounts[s.Name()], s.Live())
	}
	if !m.measure {
		return
	}
	if mem, err := ReadMemory(m.pid); err == nil {
		m.last, m.ok = mem, true
	}
}

func (m *memorySampler) live(name string) LiveStats {
	var st LiveStats
	xs := m.liveCounts[name]
	for _, x := range xs {
		st.Mean += x
		st.Max = max(st.Max, x)
	}
	if len(xs) > 0 {
		st.Mean /= len(xs)
	}
	return st
}

// stats is the last sample; in-process it adds the Go heap after a GC.
func (m *memorySampler) stats(inProcess bool) MemoryStats {
	st := MemoryStats{Measured: m.ok, End: m.last.RSS, Peak: m.last.Peak}
	if inProcess {
		st.What = "this process: service + embedded broker + loadgen"
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		st.GoHeapLive = ms.HeapAlloc
	} else {
		st.What = fmt.Sprintf("service process %d", m.pid)
	}
	return st
}
