package batch

import (
	"fmt"
	"os"
	"path/filepath"
)

// Discover expands the arguments of a batch into submission folders: a folder that
// isSubmission accepts stands for itself, any other folder for its subfolders that are
// submissions.
func Discover(args []string, isSubmission func(dir string) bool) ([]string, error) {
	var dirs []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s is not a folder", a)
		}
		if isSubmission(a) {
			dirs = append(dirs, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range entries {
			if p := filepath.Join(a, e.Name()); e.IsDir() && isSubmission(p) {
				dirs = append(dirs, p)
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s is neither a submission nor a folder of submissions", a)
		}
	}
	return dirs, nil
}
