package report

import (
	"encoding/json"
	"io"

	"github.com/optgrade/optgrade/grader"
)

// JSON writes r as optgrade's own JSON: the Result itself, indented, with "version" set to
// grader.ResultVersion and empty task and check lists written as [] rather than null.
// It decodes back into a grader.Result. Options are ignored.
func JSON(w io.Writer, r *grader.Result, _ Options) error {
	c := *r
	c.Version = grader.ResultVersion
	c.Tasks = make([]grader.TaskResult, len(r.Tasks))
	for i, t := range r.Tasks {
		if t.Checks == nil {
			t.Checks = []grader.CheckResult{}
		}
		c.Tasks[i] = t
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&c)
}
