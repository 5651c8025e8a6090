// Package rubric is an assignment's grading scheme: its schema, a strict decoder from YAML
// that reports every problem at once with its file:line:col (an ErrorList, in the shape of
// go/scanner), validation against the reference catalog, and Marshal, which writes a
// rubric back (Public drops the checks students may not see).
//
// Each kind of check is one row of the table Kinds returns: the keys it takes and the
// catalog functions it fits. Package grader plans and runs checks, keyed by the same Kind;
// this package knows nothing of submissions or processes.
//
//	r, err := rubric.Load("rubrics/assignment1.yaml")
//	if err != nil {
//		fmt.Println(err) // rubrics/assignment1.yaml:14:7: task "adam": unknown key "tolerence" (did you mean "tolerance"?)
//	}
package rubric
