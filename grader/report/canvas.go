package report

import (
	"cmp"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/optgrade/optgrade/grader"
)

// CanvasOptions say how WriteCanvas writes the gradebook import.
type CanvasOptions struct {
	// Column is the assignment's column: its Canvas name, best followed by its id as
	// Canvas exports it ("Assignment 1 (12345)"); a name Canvas does not know creates a
	// new assignment on import.
	Column string
	// Students maps a student id to the roster's student (name, login, section).
	Students map[string]Student
	// CanvasID puts the result's Student in Canvas's own "ID" column (the numeric user id
	// a Canvas submissions zip carries) instead of "SIS User ID".
	CanvasID bool
}

// WriteCanvas writes a Canvas gradebook import CSV, in the columns Canvas's own export
// has and its importer reads:
//
//	Student,ID,SIS User ID,SIS Login ID,Section,<column>
//	"Doe, Jane",,s1234567,jdoe,Lab A,87.5
//
// one row per result sorted by student, with the score after the late penalty. Canvas
// finds the student by ID, else SIS User ID, else SIS Login ID, else the name: the result's
// Student goes into SIS User ID (or ID with o.CanvasID), the roster's username into SIS
// Login ID and its name and section into Student and Section (the id when there is no
// roster). A result that could not be graded has an empty cell, which Canvas's import
// treats as "no change".
func WriteCanvas(w io.Writer, results []*grader.Result, o CanvasOptions) error {
	column := strings.TrimSpace(o.Column)
	if column == "" {
		return errors.New("canvas: no assignment column name")
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"Student", "ID", "SIS User ID", "SIS Login ID", "Section", column}); err != nil {
		return err
	}
	for _, r := range sortedResults(results) {
		s := o.Students[r.Student]
		id, sis := "", r.Student
		if o.CanvasID {
			id, sis = r.Student, ""
		}
		row := []string{csvText(cmp.Or(s.Name, r.Student)), csvText(id), csvText(sis), csvText(s.Username), csvText(s.Section), gradeCell(r)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
