package definition

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadProblem is one finding of LoadDir or NewCatalog. When Warning is false
// the file (or definition) was rejected; when true it loaded anyway.
type LoadProblem struct {
	File    string // file name relative to the directory; "" when not from a file
	QuestID string // "" when the file did not parse
	Reason  string
	Warning bool
}

// String formats the problem for a log line.
func (p LoadProblem) String() string {
	kind := "rejected"
	if p.Warning {
		kind = "warning"
	}
	return fmt.Sprintf("%s %s (%s): %s", kind, p.File, p.QuestID, p.Reason)
}

// LoadDir reads every top-level regular "*.json" file of dir (case-sensitive
// suffix, no recursion) in file-name order. Each file that cannot be read,
// parsed or validated, or that repeats an earlier file's questId, is reported
// and skipped; the rest load. An unreadable directory is one problem whose
// File is dir.
func LoadDir(dir string) ([]Definition, []LoadProblem) {
	names, err := JSONFiles(dir)
	if err != nil {
		return nil, []LoadProblem{{File: dir, Reason: fmt.Sprintf("failed to read definitions directory: %v", err)}}
	}

	var defs []Definition
	var problems []LoadProblem
	seen := map[string]string{} // questId → first file
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			problems = append(problems, LoadProblem{File: name, Reason: fmt.Sprintf("failed to read file: %v", err)})
			continue
		}
		d, err := Decode(b)
		if err != nil {
			problems = append(problems, LoadProblem{File: name, Reason: err.Error()})
			continue
		}
		errs, warnings := Validate(d)
		for _, w := range warnings {
			problems = append(problems, LoadProblem{File: name, QuestID: d.QuestID, Reason: w, Warning: true})
		}
		if len(errs) > 0 {
			problems = append(problems, LoadProblem{File: name, QuestID: d.QuestID, Reason: "invalid: " + strings.Join(errs, "; ")})
			continue
		}
		if first, dup := seen[d.QuestID]; dup {
			problems = append(problems, LoadProblem{File: name, QuestID: d.QuestID, Reason: fmt.Sprintf("duplicate questId %q (first defined in %s)", d.QuestID, first)})
			continue
		}
		seen[d.QuestID] = name
		defs = append(defs, d)
	}
	return defs, problems
}

// JSONFiles lists the top-level "*.json" files of dir in name order: regular
// files, or symbolic links to one, since Kubernetes ConfigMap and Secret
// volumes present every file as a link into a hidden "..data" folder.
func JSONFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && isRegular(dir, e) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// isRegular reports whether a directory entry is a regular file or a
// symbolic link to one: Kubernetes ConfigMap and Secret volumes present
// every file as a link into a hidden "..data" folder.
func isRegular(dir string, e os.DirEntry) bool {
	if e.Type().IsRegular() {
		return true
	}
	if e.Type()&os.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, e.Name()))
	return err == nil && fi.Mode().IsRegular()
}
