// Package kit serves a Go solution of the Optimization assignment to the optgrade grader.
//
// A solution is a main package that defines the catalog functions with the typed
// arguments and results of this package and hands them to Serve:
//
//	func main() {
//		kit.Serve(kit.Functions{
//			BernoulliNLL: BernoulliNLL,
//			AdamStep:     AdamStep,
//			// … every function you implemented; leave the others out
//		})
//	}
//
//	func AdamStep(a kit.AdamStepArgs) (kit.AdamStepResult, error) { … }
//
// Serve speaks the optgrade wire protocol v1 on stdin and stdout: one JSON request per
// line in, one JSON response per line out, in order, flushed after each. It
//
//   - answers only the functions set in Functions; every other catalog function, and
//     one that returns ErrNotImplemented, is reported as not attempted;
//   - keeps fmt.Println, log and everything else the solution writes off the protocol:
//     before serving, it takes its own copy of standard output and points standard
//     output at standard error, which the grader shows back as the student's output;
//   - turns a panic into an error response for that call only, naming the panic value
//     and the solution's line where it happened (the whole stack goes to stderr);
//   - writes NaN and ±Inf as the bare tokens NaN, Infinity, -Infinity;
//   - returns, and the program exits 0, at the end of input.
//
// The same main package built with `go build -buildmode=plugin -trimpath` is a Go plugin
// submission: the grader's plugin host looks up the exported functions by the names of
// the Functions fields (BernoulliNLL, AdamStep, …) and serves them with this package.
//
// The package imports only the standard library, so it can be handed out alone.
package kit
