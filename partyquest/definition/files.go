package definition

import "fmt"

// ValidationResult is the verdict on one definition file, shaped like an
// entry of the reference's validate response (spec §8.4).
type ValidationResult struct {
	Valid    bool     `json:"valid"`
	QuestID  string   `json:"questId"`
	Name     string   `json:"name"`
	Errors   []string `json:"errors,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// ValidateFiles checks definition files without loading them anywhere: one
// result per file, in order. A file that does not parse is invalid with an
// empty questId and name; a questId repeated by a later file is invalid
// there, as loading would reject it.
func ValidateFiles(files [][]byte) []ValidationResult {
	out := make([]ValidationResult, 0, len(files))
	seen := map[string]int{} // questId → index of the first loadable file
	for i, b := range files {
		d, err := Decode(b)
		if err != nil {
			out = append(out, ValidationResult{Errors: []string{err.Error()}})
			continue
		}
		errs, warnings := Validate(d)
		if first, dup := seen[d.QuestID]; dup && d.QuestID != "" {
			errs = append(errs, fmt.Sprintf("duplicate questId %q (first in file #%d)", d.QuestID, first))
		} else if len(errs) == 0 {
			// Only a loadable file claims its questId, as loading does.
			seen[d.QuestID] = i
		}
		out = append(out, ValidationResult{Valid: len(errs) == 0, QuestID: d.QuestID, Name: d.Name, Errors: errs, Warnings: warnings})
	}
	return out
}
