package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ManifestFile is the optional file of a submission folder that says who and how to run:
//
//	student: s1234567
//	run: [python3, solution.py]
//	submitted_at: 2026-12-01T23:59:00+01:00   # optional, RFC 3339, or unknown
const ManifestFile = "optgrade.yaml"

// Submission is a submission folder and how to run it.
type Submission struct {
	Dir     string // the folder, as given
	Student string // from the manifest, else the folder's base name
	// Named is true when the manifest names the student (else Student is the folder's).
	Named bool
	Kind  string   // the name of its row in Kinds: "python", "command", …
	Argv  []string // the command, run in (a copy of) Dir
	// Prepare is the kind's build step, or nil. The runner calls it once, before the first
	// start; what it returns replaces Argv. A kind caches its build by content (Cached).
	Prepare PrepareFunc
	// ReadOnly lists the host folders of the configured interpreter or toolchain that the
	// sandbox shows the submission (never a folder the submission names).
	ReadOnly []string
	// Language is "python" when the command runs the Python interpreter, else "command".
	Language string
	// SubmittedAt is the manifest's submitted_at, if any.
	SubmittedAt *time.Time
	// TimeUnknown is the manifest's "submitted_at: unknown": no time is known (an LMS
	// download without one) and none may be guessed from file times.
	TimeUnknown bool
}

// Options says how Load runs what it detects.
type Options struct {
	// Python is the interpreter for Python submissions: a path, or a name looked up in
	// PATH. Empty means the first that exists of $OPTGRADE_PYTHON, /usr/bin/python3 and
	// python3 in PATH.
	Python string
	// Go is the go command that builds Go submissions and the plugin host: a path or a
	// name looked up in PATH. Empty means $OPTGRADE_GO, else go in PATH, else
	// /usr/local/go/bin/go or /usr/lib/go/bin/go.
	Go string
	// Cache is the folder of cached builds; empty means $OPTGRADE_CACHE, else the user's
	// cache folder (os.UserCacheDir) + /optgrade.
	Cache string
}

// Load finds how to run the submission in dir: the first row of Kinds that detects it
// says how (an optgrade.yaml with `run`, then solution.py or main.py, …). An optgrade.yaml
// without `run` only names the student and the submission time.
func Load(dir string, opt Options) (*Submission, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("submission: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("submission %s: not a folder", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("submission %s: %w", dir, err)
	}
	s := &Submission{Dir: dir, Student: filepath.Base(abs)}
	m, err := readManifest(filepath.Join(dir, ManifestFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		m = nil
	case err != nil:
		return nil, err
	default:
		if m.student != "" {
			s.Student, s.Named = m.student, true
		}
		s.SubmittedAt, s.TimeUnknown = m.submittedAt, m.timeUnknown
	}
	k := detect(dir, m)
	if k == nil {
		return nil, fmt.Errorf("submission %s: nothing to run: %s", dir, nothingToRun())
	}
	s.Kind = k.Name
	if err := k.Load(s, m, opt); err != nil {
		return nil, err
	}
	return s, nil
}

// Runner returns a process runner for the submission with the given settings.
func (s *Submission) Runner(set Settings) *ProcessRunner {
	set.Sandbox.ReadOnly = slices.Concat(set.Sandbox.ReadOnly, s.ReadOnly)
	return &ProcessRunner{Dir: s.Dir, Argv: append([]string(nil), s.Argv...), Prepare: s.Prepare, Settings: set}
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func isPython(path string) bool {
	return strings.HasPrefix(filepath.Base(path), "python")
}
