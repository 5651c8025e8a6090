package batch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

// NoSubmission is the Error of a roster student's row when the store holds no result.
const NoSubmission = "no submission"

// BookOptions say how WriteBooks writes the gradebooks.
type BookOptions struct {
	// Roster lists the course; nil means the roster saved in the store, if any.
	Roster *Roster `json:"-"`
	// Column is the grade item (Brightspace) and assignment column (Canvas) name.
	Column string `json:"column"`
	// BrightspaceUsername keys brightspace.csv by Username instead of OrgDefinedId.
	BrightspaceUsername bool `json:"brightspace_username,omitempty"`
	// CanvasID writes the student id to Canvas's ID column instead of SIS User ID.
	CanvasID bool `json:"canvas_id,omitempty"`
	// RubricDigest, when set, is the rubric of this run: stored results graded under
	// another are reported as stale.
	RubricDigest string `json:"rubric_digest"`
	// Shard is the part of the course this store holds: only its roster students get a
	// row when they have no result.
	Shard Shard `json:"shard"`
	// Key verifies the stored results' MACs: a result it did not sign is left out of
	// the gradebooks (Book.Unsigned). Nil means LoadKey("", out).
	Key []byte `json:"-"`
}

// BooksFile keeps the BookOptions in the store, so that merge writes the same gradebooks.
const BooksFile = "books.json"

// Book is what the gradebooks were built from.
type Book struct {
	// Results has one row per student: every whole result in the store, and a row
	// (Error NoSubmission, scored 0) for each roster student without one, sorted by id.
	Results []*grader.Result
	Records map[string]Record // by student id, for the stored results
	Keys    map[string]string // by student id: the student's folder in the store
	// Missing lists the roster students without a submission.
	Missing []report.Student
	// NotOnRoster lists the stored students the roster does not know.
	NotOnRoster []string
	// Stale lists the stored students graded under another rubric than RubricDigest.
	Stale []string
	// Unsigned lists the students' folders in the store holding a result whose MAC is
	// missing or wrong: this grader did not write it, and it is left out.
	Unsigned []string
	// Written lists the gradebook files WriteBooks wrote.
	Written []string

	roster *Roster
}

// Gradebook files at the top of the store.
const (
	GradebookFile   = "gradebook.csv"
	BrightspaceFile = "brightspace.csv"
	CanvasFile      = "canvas.csv"
	SummaryTextFile = "summary.txt"
	SummaryMDFile   = "summary.md"
	SummaryJSONFile = "summary.json"
)

// ReadBook reads every whole result in the store out and adds the roster's students
// without one.
func ReadBook(out string, o BookOptions) (*Book, error) {
	if o.Key == nil {
		k, err := LoadKey("", out)
		if err != nil {
			return nil, err
		}
		o.Key = k.Secret
	}
	stored, unsigned, err := Store{Dir: out, Keys: [][]byte{o.Key}}.All()
	if err != nil {
		return nil, err
	}
	roster := o.Roster
	if roster == nil {
		if roster, err = storedRoster(out); err != nil {
			return nil, err
		}
	}
	b := &Book{Records: map[string]Record{}, Keys: map[string]string{}, Unsigned: unsigned, roster: roster}
	var template *grader.Result
	for _, s := range stored {
		b.Results = append(b.Results, s.Result)
		b.Records[s.Record.Student] = s.Record
		b.Keys[s.Record.Student] = s.Key
		if template == nil {
			template = s.Result
		}
		if roster != nil {
			if _, ok := roster.Lookup(s.Record.Student); !ok {
				b.NotOnRoster = append(b.NotOnRoster, s.Record.Student)
			}
		}
		if o.RubricDigest != "" && s.Record.RubricDigest != o.RubricDigest {
			b.Stale = append(b.Stale, s.Record.Student)
		}
	}
	if roster != nil {
		for _, st := range roster.Students {
			if _, ok := b.Records[st.ID]; ok || !o.Shard.Has(st.ID) {
				continue
			}
			b.Missing = append(b.Missing, st)
			r := &grader.Result{Version: grader.ResultVersion, Student: st.ID, Error: NoSubmission, SubmittedAtSource: "none"}
			if template != nil {
				r.Assignment, r.Title, r.MaxScore = template.Assignment, template.Title, template.MaxScore
			}
			b.Results = append(b.Results, r)
		}
	}
	sort.SliceStable(b.Results, func(i, j int) bool { return b.Results[i].Student < b.Results[j].Student })
	return b, nil
}

// Submitted returns the rows that have a result (not the roster's missing students).
func (b *Book) Submitted() []*grader.Result {
	var rs []*grader.Result
	for _, r := range b.Results {
		if _, ok := b.Records[r.Student]; ok {
			rs = append(rs, r)
		}
	}
	return rs
}

// WriteSummaryText writes summary.txt: report's short statistics of the submitted
// results, then a line for the missing students and one for late penalties from file
// times.
func (b *Book) WriteSummaryText(w io.Writer) error {
	if err := report.WriteSummary(w, report.Summary(b.Submitted())); err != nil {
		return err
	}
	if n := len(b.Missing); n > 0 {
		fmt.Fprintf(w, "\nMissing: %d roster student(s) without a submission.\n", n)
	}
	if late := LateFromFileTimes(b.Results); len(late) > 0 {
		_, err := fmt.Fprintf(w, "\nWARNING: %d late penalt(ies) come from file modification times: check them (see summary.md).\n", len(late))
		return err
	}
	return nil
}

// storedRoster is the roster saved in the store, or nil.
func storedRoster(out string) (*Roster, error) {
	ro, err := ReadRoster(filepath.Join(out, RosterFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return ro, err
}

// students maps the roster's ids to its students (empty without a roster).
func (b *Book) students() map[string]report.Student {
	m := map[string]report.Student{}
	if b.roster != nil {
		for _, s := range b.roster.Students {
			m[s.ID] = s
		}
	}
	return m
}

// WriteBooks rebuilds the gradebooks at the top of the store from every result in it
// (not only this run's: a one-student regrade keeps every other row): gradebook.csv,
// brightspace.csv, canvas.csv, summary.txt, summary.md, summary.json and summary.html.
func WriteBooks(out string, o BookOptions) (*Book, error) {
	b, err := ReadBook(out, o)
	if err != nil {
		return nil, err
	}
	students := b.students()
	if err := WriteFileAtomic(filepath.Join(out, BooksFile), func(w io.Writer) error { return writeJSON(w, o) }); err != nil {
		return b, err
	}
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{GradebookFile, func(w io.Writer) error { return report.WriteGradebook(w, b.Results) }},
		{BrightspaceFile, func(w io.Writer) error {
			return report.WriteBrightspace(w, b.Results, report.BrightspaceOptions{Column: o.Column, Username: o.BrightspaceUsername, Students: students})
		}},
		{CanvasFile, func(w io.Writer) error {
			return report.WriteCanvas(w, b.Results, report.CanvasOptions{Column: o.Column, Students: students, CanvasID: o.CanvasID})
		}},
		{SummaryTextFile, b.WriteSummaryText},
		{SummaryMDFile, func(w io.Writer) error { return Summarize(b.Results).WriteMarkdown(w) }},
		{SummaryJSONFile, func(w io.Writer) error { return Summarize(b.Results).WriteJSON(w) }},
		{SummaryHTMLFile, func(w io.Writer) error {
			return WriteSummaryHTML(w, Summarize(b.Results), b.Results, ReportLinks(out, b.Keys))
		}},
	}
	// One file that cannot be written (brightspace.csv keyed by a username the roster
	// lacks) does not keep the others from being written.
	var errs []error
	for _, f := range files {
		if err := WriteFileAtomic(filepath.Join(out, f.name), f.write); err != nil {
			errs = append(errs, fmt.Errorf("%s not written: %w", f.name, err))
			continue
		}
		b.Written = append(b.Written, f.name)
	}
	return b, errors.Join(errs...)
}
