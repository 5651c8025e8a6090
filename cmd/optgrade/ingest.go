package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/optgrade/optgrade/grader/batch"
	"github.com/optgrade/optgrade/grader/lms"
)

func ingestCommand() *cli.Command {
	return &cli.Command{
		Name:      "ingest",
		Usage:     "turn an LMS bulk download (zip) into submission folders (for TAs)",
		ArgsUsage: "ZIP",
		Description: `Reads a Canvas, Moodle or Brightspace "download all submissions" zip, or a Gradescope
export, and writes OUT/<student id>/ with the student's files and an optgrade.yaml naming
the student and the LMS's submission time (submitted_at: unknown where the download
has none: Canvas and Moodle). Then: optgrade grade --out RESULTS OUT.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the `DIR` to write the submission folders to (new or empty; required)"},
			&cli.StringFlag{Name: "lms", Usage: "the download's LMS: " + strings.Join(lms.LMSNames(), ", ") + " (default: recognised from its file names)"},
			&cli.StringFlag{Name: "roster", Usage: "the course roster `CSV` (id, username, name[, section]): maps Brightspace's display names to ids"},
			&cli.StringFlag{Name: "timezone", Value: "Local", Usage: "the IANA time `ZONE` of Brightspace's zone-less times, e.g. Europe/Amsterdam"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("ingest takes one zip file")
			}
			if c.String("out") == "" {
				return usagef("ingest needs --out DIR for the submission folders")
			}
			loc, err := time.LoadLocation(c.String("timezone"))
			if err != nil {
				return usagef("--timezone: %v", err)
			}
			opt := lms.IngestOptions{LMS: c.String("lms"), Location: loc}
			if path := c.String("roster"); path != "" {
				ro, err := batch.ReadRoster(path)
				if err != nil {
					return usagef("%v", err)
				}
				opt.Names = map[string]string{}
				ambiguous := map[string]bool{}
				for _, s := range ro.Students {
					k := lms.NameKey(s.Name)
					if id, dup := opt.Names[k]; dup && id != s.ID {
						ambiguous[k] = true
					}
					opt.Names[k] = s.ID
				}
				for k := range ambiguous {
					delete(opt.Names, k)
					fmt.Fprintf(c.App.ErrWriter, "warning: the roster has several students named %q: their submissions cannot be told apart by name and are skipped\n", k)
				}
			}
			res, err := lms.Ingest(c.Args().First(), c.String("out"), opt)
			if err != nil {
				return usagef("%v", err)
			}
			var late []string
			w := c.App.Writer
			for _, s := range res.Students {
				at := "time unknown"
				if s.SubmittedAt != nil {
					at = s.SubmittedAt.Format(time.RFC3339)
				}
				fmt.Fprintf(w, "%-20s %-28s %3d file(s)  %s\n", s.ID, s.Name, s.Files, at)
				if s.Late {
					late = append(late, s.ID)
				}
			}
			fmt.Fprintf(w, "%d submission(s) from %s in %s\n", len(res.Students), res.LMS, c.String("out"))
			for _, sk := range res.Skipped {
				fmt.Fprintf(c.App.ErrWriter, "skipped %s\n", sk)
			}
			if len(late) > 0 {
				fmt.Fprintf(c.App.ErrWriter, "note: %s marks %d submission(s) late but records no time: %s; set submitted_at: in their optgrade.yaml for the late penalty\n", res.LMS, len(late), strings.Join(late, ", "))
			}
			if opt.Names == nil && res.LMS == "brightspace" {
				fmt.Fprintln(c.App.ErrWriter, "note: Brightspace downloads carry display names only: without --roster the names are the ids, and brightspace.csv cannot be imported")
			}
			return nil
		},
	}
}
