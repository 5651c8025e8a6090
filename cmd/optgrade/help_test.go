package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// helpPages are the command lines whose help the golden file holds.
var helpPages = [][]string{
	{"--help"}, {"check", "--help"}, {"grade", "-h"}, {"merge", "--help"}, {"ingest", "--help"},
	{"gradescope", "--help"}, {"gradescope", "package", "--help"}, {"gradescope", "run", "--help"},
	{"rubric", "--help"}, {"rubric", "help", "lint"}, {"rubric", "public", "--help"},
	{"reference", "help"}, {"reference", "list", "--help"}, {"reference", "call", "--help"},
	{"reference", "plot", "-h"}, {"kit", "--help"},
}

// TestHelpPages: every help page stays as it is, byte for byte (testdata/cli/help.txt was
// written by the grader built with urfave/cli v2: the move to v3 changed none of it).
func TestHelpPages(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("environment variables are shown as %VAR% on Windows")
	}
	var all strings.Builder
	for _, args := range helpPages {
		out, errOut, code := optgrade(t, args...)
		if code != 0 || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
		}
		// grade's -j defaults to the machine's number of cores.
		out = strings.Replace(out, fmt.Sprintf("submissions graded at once (default: %d)", runtime.NumCPU()), "submissions graded at once (default: CORES)", 1)
		fmt.Fprintf(&all, "$ optgrade %s\n%s\n", strings.Join(args, " "), out)
	}
	golden := filepath.Join("../../testdata/cli", "help.txt")
	if *updateCLIGolden {
		if err := os.WriteFile(golden, []byte(all.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/optgrade -update-cli)", err)
	}
	if all.String() != string(want) {
		t.Errorf("help pages differ from %s (rerun with -update-cli if intended):\n%s", golden, all.String())
	}
}

// TestClassicCommandLine: the command lines urfave/cli v3 reads differently from v2 are
// read as before — a flag that cannot be one is an error, not an argument; a "--" after the
// folder is an argument; flag errors in the Go flag package's words.
func TestClassicCommandLine(t *testing.T) {
	sample := "../../testdata/submissions/python-reference"
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"-1"}, exitUsage, "optgrade: flag provided but not defined: -1\n"},
		{[]string{"check", "---x", sample}, exitUsage, "optgrade: check: bad flag syntax: ---x (see optgrade check --help)\n"},
		{[]string{"check", "-=x"}, exitUsage, "optgrade: check: bad flag syntax: -=x (see optgrade check --help)\n"},
		{[]string{"rubric", "-1"}, exitUsage, "optgrade: rubric: flag provided but not defined: -1 (see optgrade rubric --help)\n"},
		{[]string{"check", "-r", courseRubric, "-1"}, exitUsage, "optgrade: check: flag provided but not defined: -1 (see optgrade check --help)\n"},
		{[]string{"check", "--rubric", courseRubric, sample, "--"}, exitUsage, "optgrade: check takes one submission folder, got 2 (use grade for several)\n"},
		{[]string{"check", "--timeout"}, exitUsage, "optgrade: check: flag needs an argument: -timeout (see optgrade check --help)\n"},
		{[]string{"grade", "-j", "x"}, exitUsage, "optgrade: grade: invalid value \"x\" for flag -j: parse error (see optgrade grade --help)\n"},
		{[]string{"reference", "call", "bernoulli_nll", "--args"}, exitUsage, "optgrade: flag --args needs a value\n"},
		{[]string{"rubric", "help", "nope"}, exitInternal, "optgrade: No help topic for 'nope'\n"},
		{[]string{"help"}, exitUsage, "optgrade: unknown command \"help\" (commands: check, grade, merge, ingest, gradescope, rubric, reference, kit)\n"},
	}
	for _, tt := range tests {
		_, errOut, code := optgrade(t, tt.args...)
		if code != tt.code || errOut != tt.stderr {
			t.Errorf("optgrade %s: exit %d, stderr %q; want exit %d, %q", strings.Join(tt.args, " "), code, errOut, tt.code, tt.stderr)
		}
	}
}
