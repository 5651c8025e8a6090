package batch

import "errors"

// The errors callers branch on.
var (
	// ErrInterrupted is returned by Run when its context was cancelled (an interrupt): the
	// results written so far are kept, and running the same batch again resumes.
	ErrInterrupted = errors.New("interrupted: the results written so far are kept; run the same command again to resume")
	// ErrIdentity is matched by the error Run returns, before grading anything, when the
	// submissions do not name their students one to one: two folders with the same id, the
	// kit's placeholder id, an id not on the roster. Nothing is graded: a gradebook built
	// on them could not be trusted.
	ErrIdentity = errors.New("student ids")
	// ErrRoster is matched by every error about a roster file.
	ErrRoster = errors.New("roster")
	// ErrMerge is matched when stores cannot be merged (different rubrics, one student in two).
	ErrMerge = errors.New("merge")
)
