package sandbox

import (
	"os"
	"path/filepath"
	"strings"
	"unsafe"
)

// HideArgs hides a root grader's command line from its submissions: under --sandbox none
// they run as nobody, who may read /proc/<grader>/cmdline — the rubric's path, the
// submissions' folders. It rewrites the argument area the kernel shows there to the
// program's name and its command ("optgrade grade"), after copying os.Args, and reports
// whether it did. It does nothing for another user (the submission runs as that user and
// could read the same files anyway). Call it first thing in main, never from a test:
// flag values parsed before point into the area it overwrites.
func HideArgs() bool {
	if os.Geteuid() != 0 || len(os.Args) < 2 || len(os.Args[0]) == 0 {
		return false
	}
	// The runtime's os.Args point into the area the kernel reads (argv, on the stack):
	// the strings follow each other, each ended by a NUL.
	start := unsafe.StringData(os.Args[0])
	n := 0
	for _, a := range os.Args {
		if len(a) > 0 && unsafe.StringData(a) != (*byte)(unsafe.Add(unsafe.Pointer(start), n)) {
			return false // not laid out as the kernel passed it: leave it alone
		}
		n += len(a) + 1
	}
	args := make([]string, len(os.Args))
	for i, a := range os.Args {
		args[i] = strings.Clone(a)
	}
	os.Args = args
	shown := filepath.Base(args[0]) + "\x00"
	if cmd := args[1]; !strings.HasPrefix(cmd, "-") && !strings.ContainsAny(cmd, `/\.`) {
		shown += cmd + "\x00"
	}
	area := unsafe.Slice(start, n)
	clear(area)
	copy(area[:n-1], shown)
	return true
}
