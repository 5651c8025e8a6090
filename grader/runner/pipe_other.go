//go:build !unix

package runner

import "os"

// inlineWriter is nil where pipes block (Windows): every write goes to a goroutine.
type inlineWriter struct{}

func newInlineWriter(*os.File) *inlineWriter { return nil }

func (w *inlineWriter) write([]byte) int { return 0 }

// pipeReader is nil where pipes have no deadlines: a goroutine reads stdout.
type pipeReader struct{ nowait bool }

func newPipeReader(*os.File) *pipeReader { return nil }

func (r *pipeReader) Read([]byte) (int, error) { return 0, errWouldBlock }
