//go:build !linux

package sandbox

// HideArgs does nothing outside Linux: on macOS and Windows a submission runs as the
// grader's own user, who may read its command line anyway.
func HideArgs() bool { return false }
