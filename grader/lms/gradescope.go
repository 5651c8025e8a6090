package lms

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The layout of a Gradescope autograder (its "Autograder Specifications"): the package's
// files are unpacked into <root>/source, the student's files into <root>/submission, the
// submission's metadata is <root>/submission_metadata.json, and the autograder writes
// <root>/results/results.json. The root is /autograder on Gradescope.
const (
	GradescopeRoot    = "/autograder"
	gradescopeBinary  = "optgrade"
	gradescopeRubric  = "rubric.yaml"
	gradescopeResults = "results/results.json"
)

// PackageOptions say what the Gradescope autograder package holds.
type PackageOptions struct {
	Rubric string // the rubric file shipped (with its hidden checks): the only one used
	Binary string // an optgrade executable for Linux amd64 (Gradescope's machines)
	// Hidden is the Gradescope visibility of hidden checks (default after_published).
	Hidden string
	// Timeout is the per-call timeout passed to the grader (0: its default).
	Timeout time.Duration
}

// setupScript installs what Python submissions need on Gradescope's Ubuntu image.
const setupScript = `#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image.
set -euo pipefail
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-numpy bubblewrap
chmod +x /autograder/source/optgrade
`

// runScript is run_autograder. It grades the student's submission with the rubric shipped
// in the package — never a rubric in the submission — and writes results.json.
// OPTGRADE_AUTOGRADER_ROOT replaces /autograder (for tests).
const runScript = `#!/usr/bin/env bash
# Gradescope runs this for every submission: optgrade grades <root>/submission with the
# rubric this package ships, takes the submission time from submission_metadata.json and
# writes <root>/results/results.json.
set -u
root="${OPTGRADE_AUTOGRADER_ROOT:-/autograder}"
cd "$root"
exec "$root/source/optgrade" gradescope run --root "$root" --rubric "$root/source/rubric.yaml"%s
`

// WritePackage writes the autograder zip: setup.sh, run_autograder, the optgrade binary
// and the rubric, at the root of the archive as Gradescope wants them.
func WritePackage(w io.Writer, o PackageOptions) error {
	rubric, err := os.ReadFile(o.Rubric)
	if err != nil {
		return fmt.Errorf("gradescope package: %w", err)
	}
	bin, err := os.Open(o.Binary)
	if err != nil {
		return fmt.Errorf("gradescope package: the optgrade binary: %w", err)
	}
	defer bin.Close()
	if err := checkLinuxBinary(bin); err != nil {
		return fmt.Errorf("gradescope package: %s: %w", o.Binary, err)
	}
	var args strings.Builder
	if o.Hidden != "" {
		fmt.Fprintf(&args, " --hidden %q", o.Hidden)
	}
	if o.Timeout > 0 {
		fmt.Fprintf(&args, " --timeout %s", o.Timeout)
	}
	zw := zip.NewWriter(w)
	files := []struct {
		name string
		mode os.FileMode
		src  io.Reader
	}{
		{"setup.sh", 0o755, strings.NewReader(setupScript)},
		{"run_autograder", 0o755, strings.NewReader(fmt.Sprintf(runScript, args.String()))},
		{gradescopeRubric, 0o644, strings.NewReader(string(rubric))},
		{gradescopeBinary, 0o755, bin},
	}
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		h.SetMode(f.mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(fw, f.src); err != nil {
			return err
		}
	}
	return zw.Close()
}

// checkLinuxBinary checks that f starts as an ELF executable (Gradescope runs Linux).
func checkLinuxBinary(f *os.File) error {
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "\x7fELF" {
		return fmt.Errorf("not a Linux executable: build one with GOOS=linux GOARCH=amd64 go build -o optgrade-linux ./cmd/optgrade and pass --binary")
	}
	_, err := f.Seek(0, io.SeekStart)
	return err
}

// GradescopeSubmission is what run_autograder knows of the submission it grades.
type GradescopeSubmission struct {
	Dir         string    // <root>/submission
	SubmittedAt time.Time // created_at of submission_metadata.json
	Students    []string  // the submitters' emails (or names, or ids)
	Results     string    // where results.json goes
}

// maxMetadataBytes bounds submission_metadata.json (it holds previous submissions' results).
const maxMetadataBytes = 32 << 20

// ReadGradescope reads the submission of a Gradescope autograder run under root.
func ReadGradescope(root string) (*GradescopeSubmission, error) {
	path := filepath.Join(root, "submission_metadata.json")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var m struct {
		CreatedAt string `json:"created_at"`
		Users     []struct {
			Email string `json:"email"`
			Name  string `json:"name"`
			ID    any    `json:"id"`
		} `json:"users"`
	}
	if err := json.NewDecoder(io.LimitReader(f, maxMetadataBytes)).Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	at, err := time.Parse(time.RFC3339Nano, m.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("%s: created_at %q: %w", path, m.CreatedAt, err)
	}
	s := &GradescopeSubmission{Dir: filepath.Join(root, "submission"), SubmittedAt: at, Results: filepath.Join(root, gradescopeResults)}
	for _, u := range m.Users {
		switch {
		case u.Email != "":
			s.Students = append(s.Students, u.Email)
		case u.Name != "":
			s.Students = append(s.Students, u.Name)
		case u.ID != nil:
			s.Students = append(s.Students, fmt.Sprint(u.ID))
		}
	}
	return s, nil
}
