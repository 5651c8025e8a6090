package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

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
has none: Canvas and Moodle — unless --times gives them). Then: optgrade grade --out
RESULTS OUT.

Canvas's download records no time (only a _LATE marker; its zip's file times are when
the zip was made). Its submissions API has them: save
  GET /api/v1/courses/COURSE/assignments/ASSIGNMENT/submissions?per_page=100
(each page) and pass the file(s) with --times; a CSV of id,submitted_at works too.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "the `DIR` to write the submission folders to (new or empty; required)"},
			&cli.StringFlag{Name: "lms", Usage: "the download's LMS: " + strings.Join(lms.LMSNames(), ", ") + " (default: recognised from its file names)"},
			&cli.StringFlag{Name: "roster", Usage: "the course roster `CSV` (id, username, name[, section]): maps Brightspace's display names to ids"},
			&cli.StringFlag{Name: "timezone", Value: "Local", Usage: "the IANA time `ZONE` of Brightspace's zone-less times, e.g. Europe/Amsterdam"},
			&cli.StringSliceFlag{Name: "times", Usage: "submission times for a download without them (Canvas, Moodle): Canvas's submissions API answer (JSON, one `FILE` per page; repeatable) or a CSV of id,submitted_at (RFC 3339)"},
		},
		Action: func(ctx context.Context, c *cli.Command) error {
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
			for _, path := range c.StringSlice("times") {
				times, err := lms.ReadTimes(path)
				if err != nil {
					return usagef("--times: %v", err)
				}
				if opt.Times == nil {
					opt.Times = map[string]time.Time{}
				}
				for id, at := range times {
					opt.Times[id] = at
				}
			}
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
					fmt.Fprintf(c.Root().ErrWriter, "warning: the roster has several students named %q: their submissions cannot be told apart by name and are skipped\n", k)
				}
			}
			res, err := lms.Ingest(c.Args().First(), c.String("out"), opt)
			if err != nil {
				return usagef("%v", err)
			}
			var late, untimed []string
			w := c.Root().Writer
			for _, s := range res.Students {
				at := "time unknown"
				if s.SubmittedAt != nil {
					at = s.SubmittedAt.Format(time.RFC3339)
				}
				if s.TimeFrom == "times" {
					at += " (--times)"
				}
				fmt.Fprintf(w, "%-20s %-28s %3d file(s)  %s\n", s.ID, s.Name, s.Files, at)
				if s.Late && s.SubmittedAt == nil {
					late = append(late, s.ID)
				}
				if s.SubmittedAt == nil && opt.Times != nil {
					untimed = append(untimed, s.ID)
				}
			}
			fmt.Fprintf(w, "%d submission(s) from %s in %s\n", len(res.Students), res.LMS, c.String("out"))
			for _, sk := range res.Skipped {
				fmt.Fprintf(c.Root().ErrWriter, "skipped %s\n", sk)
			}
			if len(untimed) > 0 {
				fmt.Fprintf(c.Root().ErrWriter, "note: --times gives no time for %d submission(s): %s (submitted_at: unknown)\n", len(untimed), strings.Join(untimed, ", "))
			}
			if len(late) > 0 {
				fmt.Fprintf(c.Root().ErrWriter, "note: %s marks %d submission(s) late but records no time: %s; pass the times with --times (see --help), or set submitted_at: in their optgrade.yaml, for the late penalty\n", res.LMS, len(late), strings.Join(late, ", "))
			}
			for _, warn := range res.Warnings {
				fmt.Fprintf(c.Root().ErrWriter, "WARNING: %s\n", warn)
			}
			return nil
		},
	}
}
