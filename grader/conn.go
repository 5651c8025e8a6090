package grader

import "github.com/optgrade/optgrade/grader/runner"

// The grader speaks to submissions through package runner; these names let checks read
// as before (a Call, a Reply, a Conn).
type (
	Call   = runner.Call
	Reply  = runner.Reply
	Conn   = runner.Conn
	Runner = runner.Runner
)
