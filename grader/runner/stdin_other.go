//go:build !unix

package runner

import "os"

// inlineWriter is nil where pipes block (Windows): every write goes to a goroutine.
type inlineWriter struct{}

func newInlineWriter(*os.File) *inlineWriter { return nil }

func (w *inlineWriter) write([]byte) int { return 0 }
