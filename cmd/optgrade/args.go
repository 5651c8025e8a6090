package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v3"
)

// This file makes the command line forgiving in the ways students trip: flags after the
// folder, a bare number of seconds, a file given instead of its folder.

// flagsFirst moves the flags that follow a command's positional arguments in front of them
// (urfave/cli stops reading flags at the first argument), so that `optgrade check .
// --format json` means `optgrade check --format json .`. Everything after "--" stays
// where it is.
func flagsFirst(app *cli.Command, args []string) []string {
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
		cmd, cmds, i = next, next.Commands, i+1
	}
	if cmd == nil || len(cmd.Commands) > 0 {
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

// Get is the flag's value for urfave/cli.
func (s *seconds) Get() any { return s.d }

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
func durationOf(c *cli.Command, name string) time.Duration {
	d, _ := c.Value(name).(time.Duration)
	return d
}

// usageErrors makes every command's flag errors usage errors: one line naming the command,
// exit 2 (urfave/cli does not pass the root's OnUsageError down to commands). It also
// keeps the command line as it was before urfave/cli v3: a command reads its flags up to
// its first argument (flagsFirst moves the flags that follow it), and a command with
// subcommands has a help subcommand.
func usageErrors(cmds []*cli.Command, path string) {
	for _, c := range cmds {
		name := strings.TrimSpace(path + " " + c.Name)
		if c.OnUsageError == nil {
			c.OnUsageError = func(_ context.Context, _ *cli.Command, err error, _ bool) error {
				return usagef("%s: %s (see optgrade %s --help)", name, flagError(err), name)
			}
		}
		c.StopOnNthArg = &firstArgument
		if len(c.Commands) > 0 && findCommand(c.Commands, "help") == nil {
			c.Commands = append(c.Commands, helpCommand())
		}
		usageErrors(c.Commands, name)
	}
}

var firstArgument = 1

// flagError words a flag error as the Go flag package does ("flag needs an argument:
// -timeout", "invalid value "x" for flag -j: parse error").
func flagError(err error) string {
	msg := err.Error()
	const needs = "flag needs an argument: "
	if rest, ok := strings.CutPrefix(msg, needs); ok {
		return needs + "-" + strings.TrimLeft(rest, "-")
	}
	if i := strings.Index(msg, ": strconv.Parse"); i >= 0 && strings.HasPrefix(msg, "invalid value ") {
		if strings.HasSuffix(msg, "value out of range") {
			return msg[:i] + ": value out of range"
		}
		return msg[:i] + ": parse error"
	}
	return msg
}

// helpCommand is a command group's `help [command]`.
func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     "Shows a list of commands or help for one command",
		ArgsUsage: "[command]",
		HideHelp:  true,
		Action: func(ctx context.Context, c *cli.Command) error {
			group := c.Lineage()[1]
			if name := c.Args().First(); name != "" {
				return cli.ShowCommandHelp(ctx, group, name)
			}
			return cli.ShowSubcommandHelp(group)
		},
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
