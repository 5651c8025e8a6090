package main

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/urfave/cli/v3"
)

// classicArgs keeps two readings of the command line that urfave/cli v3 changed (every
// other one is the same): a flag that is not one (-1, -@, ---x, -=x) is an error, not the
// first argument; and a "--" right after a command's first argument is an argument, not
// dropped. It reads args (after flagsFirst) as the Go flag package does, level by level,
// and returns the usage error that package would give, or the arguments for v3.
func classicArgs(app *cli.Command, args []string) ([]string, error) {
	cmd, path := app, ""
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return args, nil
		}
		if len(a) < 2 || a[0] != '-' { // an argument: a subcommand, or the first argument
			if sub := findCommand(cmd.Commands, a); sub != nil {
				cmd, path = sub, strings.TrimSpace(path+" "+sub.Name)
				continue
			}
			if i+1 < len(args) && args[i+1] == "--" {
				return slices.Insert(slices.Clone(args), i, "--"), nil
			}
			return args, nil
		}
		dashes := 1
		if a[1] == '-' {
			dashes = 2
		}
		name, _, hasValue := strings.Cut(a[dashes:], "=")
		switch first, _ := utf8.DecodeRuneInString(name); {
		case name == "" || name[0] == '-' || name[0] == '=':
			return nil, classicUsage(path, "bad flag syntax: "+a)
		case dashes == 1 && !unicode.IsLetter(first):
			return nil, classicUsage(path, "flag provided but not defined: -"+name)
		}
		f := findFlag(cmd, name)
		if f == nil {
			return args, nil // urfave/cli says so in the same words
		}
		if _, isBool := f.(*cli.BoolFlag); !isBool && !hasValue {
			i++ // its value
		}
	}
	return args, nil
}

func findFlag(cmd *cli.Command, name string) cli.Flag {
	if name == "help" || name == "h" {
		return cli.HelpFlag
	}
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// classicUsage is the usage error of the command at path (see usageErrors).
func classicUsage(path, msg string) error {
	if path == "" {
		return usageError{msg}
	}
	return usagef("%s: %s (see optgrade %s --help)", path, msg, path)
}
