package config

import (
	"encoding/json"
	"sort"
	"strconv"
)

// parseSpawnPortals reads {"<mapId>": portalId, ...}. Each bad entry is
// reported and skipped, so one typo does not drop the others.
func (l *tenantLoader) parseSpawnPortals(raw json.RawMessage) map[uint32]uint32 {
	at := origin{l.file, l.label + ".spawnPortals"}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		l.report(at, "want an object of map id → portal id: "+jsonReason(err))
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic problem order
	var out map[uint32]uint32
	for _, k := range keys {
		entry := origin{l.file, l.label + ".spawnPortals[" + strconv.Quote(k) + "]"}
		mapID, err := strconv.ParseUint(k, 10, 32)
		if err != nil {
			l.report(entry, "key must be a decimal map id")
			continue
		}
		var portal uint32
		if err := json.Unmarshal(m[k], &portal); err != nil || !present(m[k]) {
			l.report(entry, "portal id must be an unsigned 32-bit integer, got "+string(m[k]))
			continue
		}
		if out == nil {
			out = map[uint32]uint32{}
		}
		out[uint32(mapID)] = portal
	}
	return out
}
