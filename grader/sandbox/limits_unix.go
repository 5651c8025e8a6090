//go:build unix

package sandbox

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

var prlimitLookup = sync.OnceValue(func() string {
	for _, p := range []string{"/usr/bin/prlimit", "/bin/prlimit"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
})

// prlimitPath is the prlimit program to use, "" for the shell's ulimit; a variable so that
// tests cover both.
var prlimitPath = prlimitLookup

type limit struct {
	prlimit    string // prlimit's option name
	ulimit     string // the shell's ulimit flag(s)
	words      string
	unit       int64 // ulimit's unit in bytes (1 for counts and seconds)
	resource   int   // RLIMIT_*
	soft, hard int64 // -1 means unlimited
}

// limitList returns the limits to set: the configured (or default) values, never above
// the grader's own hard limits (which an unprivileged process could not raise), and no
// core files.
func (c Config) limitList() []limit {
	var out []limit
	add := func(l limit) {
		if l.soft < 0 {
			return
		}
		var cur unix.Rlimit
		if err := unix.Getrlimit(l.resource, &cur); err == nil && cur.Max != unix.RLIM_INFINITY {
			l.hard = min(l.hard, int64(cur.Max))
			l.soft = min(l.soft, l.hard)
		}
		out = append(out, l)
	}
	cpu := pick(int64(c.CPUSeconds), DefaultCPUSeconds)
	add(limit{"cpu", "-t", "cpu", 1, unix.RLIMIT_CPU, cpu, cpu + 2})
	mem := pick(c.MemoryBytes, DefaultMemoryBytes)
	add(limit{"as", "-v", "address space", 1024, unix.RLIMIT_AS, mem, mem})
	procs := pick(int64(c.Processes), DefaultProcesses)
	add(limit{"nproc", "-u|-p", "processes", 1, unix.RLIMIT_NPROC, procs, procs})
	fsize := pick(c.FileBytes, DefaultFileBytes)
	add(limit{"fsize", "-f", "file size", 512, unix.RLIMIT_FSIZE, fsize, fsize})
	add(limit{"core", "-c", "core files", 1, unix.RLIMIT_CORE, 0, 0})
	return out
}

func limitValue(v int64) string {
	if v < 0 {
		return "unlimited"
	}
	return strconv.FormatInt(v, 10)
}

func limitWords(lim []limit) string {
	var parts []string
	for _, l := range lim {
		switch l.prlimit {
		case "cpu":
			parts = append(parts, fmt.Sprintf("cpu %d s", l.soft))
		case "as", "fsize":
			parts = append(parts, l.words+" "+byteSize(l.soft))
		case "nproc":
			parts = append(parts, fmt.Sprintf("%d processes", l.soft))
		case "core":
			parts = append(parts, "no core files")
		}
	}
	return strings.Join(parts, ", ")
}

// ulimitScript sets the limits in /bin/sh (dash's ulimit takes one flag at a time and calls
// RLIMIT_NPROC -p, bash -u), soft before hard (a hard limit below the soft one is refused),
// and then execs its arguments.
func ulimitScript(lim []limit) string {
	var b strings.Builder
	for _, l := range lim {
		for _, kind := range []struct {
			flag string
			v    int64
		}{{"-S", l.soft}, {"-H", l.hard}} {
			v := "unlimited"
			if kind.v >= 0 {
				v = strconv.FormatInt(kind.v/l.unit, 10)
			}
			if l.ulimit == "-u|-p" {
				fmt.Fprintf(&b, "{ ulimit %s -u %s || ulimit %s -p %s; } 2>/dev/null; ", kind.flag, v, kind.flag, v)
			} else {
				fmt.Fprintf(&b, "ulimit %s %s %s 2>/dev/null; ", kind.flag, l.ulimit, v)
			}
		}
	}
	b.WriteString(`exec "$@"`)
	return b.String()
}
