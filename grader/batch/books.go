package batch

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

// WriteBooks writes the batch files at the top of the store: gradebook.csv, brightspace.csv
// (grade item column) and summary.txt.
func WriteBooks(out string, results []*grader.Result, column string) error {
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"gradebook.csv", func(w io.Writer) error { return report.WriteGradebook(w, results) }},
		{"brightspace.csv", func(w io.Writer) error { return report.WriteBrightspace(w, results, column) }},
		{"summary.txt", func(w io.Writer) error { return report.WriteSummary(w, report.Summary(results)) }},
	}
	for _, f := range files {
		if err := WriteFileAtomic(filepath.Join(out, f.name), f.write); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return nil
}
