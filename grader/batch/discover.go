package batch

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Found is what Discover found: the submission folders, and every argument or folder it
// passed over, with the reason, so that nothing is skipped without a word.
type Found struct {
	Dirs    []string
	Skipped []Skip
}

// Skip is a path Discover did not grade, and why.
type Skip struct {
	Path   string
	Reason string
}

func (s Skip) String() string { return s.Path + ": " + s.Reason }

// ignoredDirs are folders that never hold a submission and are not worth a word: version
// control, caches, and the metadata folders of zip tools.
var ignoredDirs = map[string]bool{".git": true, "__pycache__": true, "__MACOSX": true, ".venv": true, "venv": true, "node_modules": true}

// Discover expands the arguments of a batch into submission folders. A folder that
// isSubmission accepts is a submission (and is not searched further); any other folder is
// searched at any depth (symbolic links are not followed). Files given as arguments,
// folders holding files but no submission, and the folders in exclude (the output folder)
// are skipped with a reason. An argument that does not exist is an error; finding no
// submission at all is one too.
func Discover(args []string, isSubmission func(dir string) bool, exclude ...string) (Found, error) {
	var found Found
	excluded := map[string]bool{}
	for _, e := range exclude {
		if abs, err := filepath.Abs(e); err == nil {
			excluded[abs] = true
		}
	}
	seen := map[string]bool{}
	var loose []string // folders with files that are not submissions
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return found, err
		}
		if !st.IsDir() {
			found.Skipped = append(found.Skipped, Skip{a, "a file, not a folder"})
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				found.Skipped = append(found.Skipped, Skip{p, "unreadable: " + err.Error()})
				return nil
			}
			if !d.IsDir() {
				if d.Type()&fs.ModeSymlink != 0 && p != a {
					if st, err := os.Stat(p); err == nil && st.IsDir() {
						found.Skipped = append(found.Skipped, Skip{p, "a symbolic link to a folder (not followed)"})
					}
				}
				return nil
			}
			abs, _ := filepath.Abs(p)
			if excluded[abs] {
				if p == a {
					found.Skipped = append(found.Skipped, Skip{p, "the output folder"})
				}
				return filepath.SkipDir
			}
			if p != a && (ignoredDirs[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if isSubmission(p) {
				if !seen[abs] {
					seen[abs] = true
					found.Dirs = append(found.Dirs, p)
				}
				return filepath.SkipDir
			}
			if hasFiles(p) {
				loose = append(loose, p)
			}
			return nil
		})
		if err != nil {
			return found, err
		}
	}
	slices.Sort(found.Dirs)
	// A folder with loose files is worth a word only when no submission lies below it.
	for _, l := range loose {
		below := false
		for _, d := range found.Dirs {
			if rel, err := filepath.Rel(l, d); err == nil && !strings.HasPrefix(rel, "..") {
				below = true
				break
			}
		}
		if !below {
			found.Skipped = append(found.Skipped, Skip{l, "holds files but no submission (no optgrade.yaml, nor a file optgrade knows how to run)"})
		}
	}
	if len(found.Dirs) == 0 {
		why := ""
		if len(found.Skipped) > 0 {
			why = ": skipped " + found.Skipped[0].String()
			if n := len(found.Skipped) - 1; n > 0 {
				why += fmt.Sprintf(" (and %d more)", n)
			}
		}
		return found, fmt.Errorf("no submission found in %s%s", strings.Join(args, ", "), why)
	}
	return found, nil
}

// hasFiles reports whether dir directly holds a regular file (other than hidden ones).
func hasFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			return true
		}
	}
	return false
}
