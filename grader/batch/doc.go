// Package batch grades many submissions at once, for a TA: it discovers and names the
// submission folders, grades them on a bounded pool of workers, keeps every result in a
// store on disk (one folder per student, written atomically so an interrupted batch never
// leaves half a file), resumes a batch where it stopped, and rebuilds the gradebooks from
// the store.
//
// How a folder is recognised and started is not this package's business: the caller
// passes a Load function (cmd/optgrade passes the runner's table of submission kinds).
// The package imports grader and grader/report, never a command-line package.
package batch
