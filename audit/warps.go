package audit

import (
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

// warpTarget is where one character is warped to.
type warpTarget struct {
	tenant    tenant.Tenant
	character uint32
	mapID     uint32
	instance  uuid.UUID
}

// tracedWarp is a warp caused by the command with that trace id.
type tracedWarp struct {
	warpTarget
	trace string
}

// warps checks COMMAND_TOPIC_CHARACTER CHANGE_MAP records.
//
// Identity: a warp is (tenant, character, target map, target instance)
// plus its cause. A command's warps carry the command's trace id, so two
// with the same target and trace id are one warp done twice. A timer's
// warps (route departures and arrivals, ride arrivals, quest stage timers,
// shutdown) carry none: two to the same target within UntracedWarpWindow
// are one warp done twice; further apart they are two causes (the
// timer's own event, checked above, tells a repeated timer apart).
func (a *auditor) warps() {
	traced := map[tracedWarp][]event{}
	var order []tracedWarp
	last := map[warpTarget]event{}
	for _, e := range a.events[messages.CommandTopicCharacter] {
		if e.typ != messages.TypeChangeMap {
			a.bad.add(Records, "character command of an unknown type", "%s", e)
			continue
		}
		w := warpTarget{e.tenant, e.character, e.mapID, e.instance}
		if e.trace == "" {
			a.counts["warps by timers"]++
			if prev, ok := last[w]; ok && e.at.Sub(prev.at) < a.o.UntracedWarpWindow {
				a.bad.add(Duplicates, "CHANGE_MAP twice for one timer (same target within UntracedWarpWindow)",
					"character %d to map %d instance %s: %s and %s", e.character, e.mapID, e.instance, prev, e)
			}
			last[w] = e
			continue
		}
		a.counts["warps by commands"]++
		k := tracedWarp{w, e.trace}
		if traced[k] == nil {
			order = append(order, k)
		}
		traced[k] = append(traced[k], e)
	}
	for _, k := range order {
		if evs := traced[k]; len(evs) > 1 {
			a.bad.add(Duplicates, "CHANGE_MAP twice for one command", "character %d to map %d instance %s, trace %s: %d copies %s",
				k.character, k.mapID, k.instance, k.trace, len(evs), stamps(evs))
		}
	}
}
