package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"
)

// The help pages keep the layout they had before the CLI library's version 3 (which no
// longer imports a Markdown renderer at start-up, see the README's Performance section):
// "[command options]" in usage lines, "value" as a flag's placeholder unless its usage
// names one in `backquotes`, and the default of a switch shown as "(default: false)".
func init() {
	cli.FlagStringer = flagHelp
	cli.RootCommandHelpTemplate = rootHelp
	cli.CommandHelpTemplate = commandHelp
	cli.SubcommandHelpTemplate = groupHelp
}

const (
	helpName        = `{{$v := offset .FullName 6}}{{wrap .FullName 3}}{{if .Usage}} - {{wrap .Usage $v}}{{end}}`
	helpCommands    = `{{$cv := offsetCommands .VisibleCommands 5}}{{range .VisibleCommands}}` + helpCommandLine + `{{end}}`
	helpCommandLine = `
   {{$s := join .Names ", "}}{{$s}}{{$sp := subtract $cv (offset $s 3)}}{{indent $sp ""}}{{wrap .Usage $cv}}`
	helpFlags = `{{range $i, $e := .VisibleFlags}}
   {{wrap $e.String 6}}{{end}}`
	helpDescription = `{{if .Description}}

DESCRIPTION:
   {{wrap .Description 3}}{{end}}`

	rootHelp = `NAME:
   ` + helpName + `

USAGE:
   {{.FullName}} {{if .VisibleFlags}}[global options]{{end}}{{if .VisibleCommands}} command [command options]{{end}}` +
		helpDescription + `{{if .VisibleCommands}}

COMMANDS:` + helpCommands + `{{end}}{{if .VisibleFlags}}

GLOBAL OPTIONS:` + helpFlags + `{{end}}
`
	commandUsage = `{{.FullName}}{{if .VisibleFlags}} [command options]{{end}}{{if .ArgsUsage}} {{.ArgsUsage}}{{end}}`
	commandHelp  = `NAME:
   ` + helpName + `

USAGE:
   ` + commandUsage + helpDescription + `{{if .VisibleFlags}}

OPTIONS:` + helpFlags + `{{end}}
`
	// A group lists its help subcommand too (urfave/cli v3 leaves out every command
	// named help; no command here is hidden).
	groupHelp = `NAME:
   ` + helpName + `

USAGE:
   ` + commandUsage + helpDescription + `{{if .Commands}}

COMMANDS:{{$cv := offsetCommands .Commands 5}}{{range .Commands}}` + helpCommandLine + `{{end}}{{end}}{{if .VisibleFlags}}

OPTIONS:` + helpFlags + `{{end}}
`
)

// flagHelp is one flag's line in a help page: names and placeholder, a tab, the usage, the
// default and the environment variables.
func flagHelp(f cli.Flag) string {
	df, ok := f.(cli.DocGenerationFlag)
	if !ok {
		return ""
	}
	placeholder, usage := placeholderOf(df.GetUsage())
	if df.TakesValue() && placeholder == "" {
		placeholder = "value"
	}
	def := df.GetDefaultText()
	if b, ok := f.(*cli.BoolFlag); ok && def == "" {
		def = strconv.FormatBool(b.Value)
	} else if def == "" && df.TakesValue() {
		def = df.GetValue()
	}
	if def != "" && df.IsDefaultVisible() {
		usage += " (default: " + def + ")"
	}
	var names []string
	for _, n := range f.Names() {
		prefix := "--"
		if len([]rune(n)) == 1 {
			prefix = "-"
		}
		if placeholder != "" {
			n += " " + placeholder
		}
		names = append(names, prefix+n)
	}
	line := strings.Join(names, ", ")
	if m, ok := f.(cli.DocGenerationMultiValueFlag); ok && m.IsMultiValueFlag() {
		line += " [ " + line + " ]"
	}
	line += "\t" + strings.TrimSpace(usage)
	if env := df.GetEnvVars(); len(env) > 0 {
		if runtime.GOOS != "windows" || os.Getenv("PSHOME") != "" {
			line += fmt.Sprintf(" [$%s]", strings.Join(env, ", $"))
		} else {
			line += fmt.Sprintf(" [%%%s%%]", strings.Join(env, "%, %"))
		}
	}
	return line
}

// placeholderOf returns the first `quoted` word of a flag's usage, and the usage without
// the quotes.
func placeholderOf(usage string) (string, string) {
	i := strings.IndexByte(usage, '`')
	if i < 0 {
		return "", usage
	}
	j := strings.IndexByte(usage[i+1:], '`')
	if j < 0 {
		return "", usage
	}
	name := usage[i+1 : i+1+j]
	return name, usage[:i] + name + usage[i+2+j:]
}
