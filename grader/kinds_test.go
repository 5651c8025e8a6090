package grader

import (
	"testing"

	"github.com/optgrade/optgrade/grader/rubric"
)

// TestKindTablesAgree checks that every kind a rubric can name is one grader can plan and
// run, and that grader runs no kind a rubric cannot name.
func TestKindTablesAgree(t *testing.T) {
	schema := map[rubric.Kind]bool{}
	for _, k := range rubric.Kinds() {
		if schema[k.Kind] {
			t.Errorf("rubric.Kinds lists %q twice", k.Kind)
		}
		schema[k.Kind] = true
		ck, ok := checkKinds[k.Kind]
		if !ok {
			t.Errorf("rubric kind %q has no row in grader's checkKinds", k.Kind)
			continue
		}
		if ck.plan == nil || ck.run == nil {
			t.Errorf("checkKinds[%q]: plan or run is nil", k.Kind)
		}
	}
	for k := range checkKinds {
		if !schema[k] {
			t.Errorf("grader's checkKinds has %q, which rubric.Kinds does not", k)
		}
	}
}
