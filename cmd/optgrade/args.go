package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// This file makes the command line forgiving in the ways students trip: flags after the
// folder, a bare number of seconds, a file given instead of its folder.

// flagsFirst moves the flags that follow a command's positional arguments in front of them
// (urfave/cli stops reading flags at the first argument), so that `optgrade check .
// --format json` means `optgrade check --format json .`. Everything after "--" stays
// where it is.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	// Find the (sub)command: optgrade rubric lint …
	cmds, i := app.Commands, 1
	var cmd *cli.Command
	for i < len(args) {
		next := findCommand(cmds, args[i])
		if next == nil {
			break
		}
		cmd, cmds, i = next, next.Subcommands, i+1
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, positional []string
	rest := args[i:]
	for k := 0; k < len(rest); k++ {
		a := rest[k]
		switch {
		case a == "--":
			positional = append(positional, rest[k:]...)
			k = len(rest)
		case len(a) > 1 && a[0] == '-' && !isNumber(a):
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] {
				if k+1 == len(rest) {
					return args // a flag without its value: let the parser say so
				}
				k++
				flags = append(flags, rest[k])
			}
		default:
			positional = append(positional, a)
		}
	}
	out := append(append([]string(nil), args[:i]...), flags...)
	return append(out, positional...)
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// seconds is a duration flag value that also takes a bare number of seconds: "2" is 2 s,
// "1.5" is 1.5 s, "500ms" and "1m" are Go durations.
type seconds struct{ d time.Duration }

func (s *seconds) Set(v string) error {
	d, err := parseSeconds(v)
	if err != nil {
		return err
	}
	s.d = d
	return nil
}

func (s *seconds) String() string {
	if s == nil {
		return ""
	}
	return s.d.String()
}

func parseSeconds(v string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f <= 0 || f > 24*3600 {
			return 0, fmt.Errorf("%q seconds: want a positive number of seconds, such as 2 or 0.5", v)
		}
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%q: want seconds (2, 0.5) or a duration (500ms, 1m)", v)
	}
	return d, nil
}

// durationFlag is a flag read with seconds.
func durationFlag(name string, value time.Duration, usage string) *cli.GenericFlag {
	return &cli.GenericFlag{Name: name, Value: &seconds{value}, Usage: usage}
}

// durationOf reads a flag made by durationFlag.
func durationOf(c *cli.Context, name string) time.Duration {
	if s, ok := c.Generic(name).(*seconds); ok {
		return s.d
	}
	return 0
}

// usageErrors makes every command's flag errors usage errors: one line naming the command,
// exit 2 (urfave/cli does not pass the app's OnUsageError down to commands).
func usageErrors(cmds []*cli.Command, path string) {
	for _, c := range cmds {
		name := strings.TrimSpace(path + " " + c.Name)
		if c.OnUsageError == nil {
			c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
				return usagef("%s: %v (see optgrade %s --help)", name, err, name)
			}
		}
		usageErrors(c.Subcommands, name)
	}
}

// submissionFolder checks that arg is a folder; for a file it says which folder to give.
func submissionFolder(arg string) error {
	fi, err := os.Stat(arg)
	switch {
	case err != nil:
		return usagef("no submission folder %s: %v", arg, err)
	case fi.IsDir():
		return nil
	}
	dir := filepath.Dir(arg)
	if dir == "." {
		return usagef("%s is a file: give its folder instead, as in optgrade check . (the folder holds your solution, its optgrade.yaml and rubric.yaml)", arg)
	}
	return usagef("%s is a file: give its folder instead, as in optgrade check %s", arg, dir)
}
