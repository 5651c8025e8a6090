//go:build linux || darwin

// Command pluginhost serves a Go plugin submission: it loads the plugin named by its
// argument, looks up the catalog functions it exports (kit.GoNames) and serves them with
// kit.Serve. The grader builds it with its own Go toolchain and kit — a plugin loads only
// into a program built by the same Go version with the same kit — and runs it as the
// submission's process, in the sandbox, so a plugin's panic, hang or exit costs only that
// process, never the grader.
package main

import (
	"fmt"
	"os"
	"plugin"
	"reflect"

	kit "github.com/optgrade/optgrade/submissions/kit/go"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pluginhost FILE.so")
		os.Exit(2)
	}
	p, err := plugin.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "optgrade plugin host:", err)
		os.Exit(3)
	}
	var fns kit.Functions
	for _, name := range kit.GoNames() {
		sym, err := p.Lookup(name)
		if err != nil {
			continue // not exported: not attempted
		}
		if !fns.Set(name, sym) {
			fmt.Fprintf(os.Stderr, "optgrade plugin host: %s has type %s, not the kit's (see the kit's Functions.%s); it is not served\n",
				name, reflect.TypeOf(sym), name)
		}
	}
	kit.Serve(fns)
}
