package batch

import "errors"

// ErrInterrupted is returned by Run when its context was cancelled (an interrupt): the
// results written so far are kept, and running the same batch again resumes.
var ErrInterrupted = errors.New("interrupted: the results written so far are kept; run the same command again to resume")
