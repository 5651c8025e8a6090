package kit

import "os"

// fallbackOutput keeps the current os.Stdout for the protocol and points the os.Stdout
// variable at standard error.
func fallbackOutput() *os.File {
	proto := os.Stdout
	os.Stdout = os.Stderr
	return proto
}
