package config

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/gamehost/transitquest/partyquest/definition"
)

// definitionSet is the outcome of loading one definitions directory.
type definitionSet struct {
	dir      string
	defs     []definition.Definition
	problems []definition.LoadProblem
}

// loadDefinitions reads a directory of reference party-quest definition
// files (durations in seconds) through package definition, which rejects
// invalid files and repeated questIds and keeps the rest.
func loadDefinitions(dir string) definitionSet {
	defs, problems := definition.LoadDir(dir)
	return definitionSet{dir: dir, defs: defs, problems: problems}
}

// report turns the set's load problems into Problems under record.
func (s definitionSet) report(record string, add func(Problem)) {
	for _, p := range s.problems {
		file, rec := s.dir, record
		if p.File != s.dir { // LoadDir names files relative to dir, except a dir failure
			file = filepath.Join(s.dir, p.File)
		}
		// Name the definition by questId, or by its file when it did not
		// parse, as unparsable route seeds are.
		switch {
		case p.QuestID != "":
			rec += " " + p.QuestID
		case p.File != s.dir:
			rec += " " + p.File
		}
		add(Problem{File: file, Record: rec, Reason: p.Reason, Warning: p.Warning})
	}
}

// mergeDefinitions gives a tenant its own definitions plus the shared ones
// (from WithDefinitionsPath) whose questId it does not define itself; the
// tenant's own file wins because it is the more specific configuration.
// Each shadowed shared definition is a warning so the override is visible.
func mergeDefinitions(own []definition.Definition, shared *definitionSet, record string, add func(Problem)) []definition.Definition {
	out := append([]definition.Definition(nil), own...)
	if shared == nil {
		return out
	}
	mine := make(map[string]bool, len(own))
	for _, d := range own {
		mine[d.QuestID] = true
	}
	for _, d := range shared.defs {
		if mine[d.QuestID] {
			add(Problem{
				File:    shared.dir,
				Record:  record + " " + d.QuestID,
				Reason:  fmt.Sprintf("%s definition of %q ignored: the tenant's partyQuestDefinitions defines it", DefinitionsPathEnv, d.QuestID),
				Warning: true,
			})
			continue
		}
		out = append(out, d)
	}
	return out
}

// definitions loads the tenant's own "partyQuestDefinitions" directory,
// if any, and merges the shared one into it.
func (l *tenantLoader) definitions(m map[string]json.RawMessage, shared *definitionSet) []definition.Definition {
	var own []definition.Definition
	if raw, ok := m["partyQuestDefinitions"]; ok && present(raw) {
		record := l.label + ".partyQuestDefinitions"
		var p string
		if err := json.Unmarshal(raw, &p); err != nil || p == "" {
			l.report(origin{l.file, record}, "want a non-empty directory path string")
		} else if dir, ok := l.usable(record, p, true); ok {
			s := loadDefinitions(dir)
			s.report(record, l.add)
			own = s.defs
		}
	}
	return mergeDefinitions(own, shared, l.label, l.add)
}
