package grader

import "github.com/optgrade/optgrade/grader/rubric"

// ErrRubric is matched (with errors.Is) by every error that comes from a rubric that could
// not be read or is not valid, including the checks New cannot plan. It is
// rubric.ErrInvalid, named here so that callers of grader need not import grader/rubric.
// The command maps it to exit code 2 (usage or rubric error).
var ErrRubric = rubric.ErrInvalid
