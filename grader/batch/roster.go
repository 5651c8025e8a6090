package batch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/optgrade/optgrade/grader/report"
)

// Roster is the course's list of students. Every roster student gets a gradebook row,
// graded or not; a submission whose student is not on it is an error.
type Roster struct {
	Students []report.Student // in file order
	byKey    map[string]int
}

// maxRosterBytes bounds a roster file.
const maxRosterBytes = 16 << 20

// ReadRoster reads a roster CSV: one student per line, the columns id, username, name
// and optionally section. A first line whose first cell is "id" (any case, or
// "OrgDefinedId") is a header. Every problem is reported at once, as file:line: message.
func ReadRoster(path string) (*Roster, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	defer f.Close()
	return ParseRoster(path, io.LimitReader(f, maxRosterBytes))
}

// ParseRoster reads a roster CSV from r (see ReadRoster); name is used in messages.
func ParseRoster(name string, r io.Reader) (*Roster, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	ro := &Roster{byKey: map[string]int{}}
	var errs []string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\ufeff"))
		}
		if line == 1 && isRosterHeader(rec[0]) {
			continue
		}
		if len(rec) == 1 && rec[0] == "" {
			continue // blank line
		}
		if len(rec) < 3 || len(rec) > 4 {
			errs = append(errs, fmt.Sprintf("%s:%d: want id, username, name and optionally section; got %d columns", name, line, len(rec)))
			continue
		}
		s := report.Student{ID: strings.TrimPrefix(rec[0], "#"), Username: rec[1], Name: rec[2]}
		if len(rec) == 4 {
			s.Section = rec[3]
		}
		if s.ID == "" {
			errs = append(errs, fmt.Sprintf("%s:%d: empty id", name, line))
			continue
		}
		for _, k := range []string{s.ID, s.Username} {
			if k == "" {
				continue
			}
			if j, dup := ro.byKey[k]; dup {
				errs = append(errs, fmt.Sprintf("%s:%d: %q is already the id or username of %s", name, line, k, ro.Students[j].ID))
			}
		}
		ro.Students = append(ro.Students, s)
		ro.byKey[s.ID] = len(ro.Students) - 1
		if s.Username != "" {
			if _, dup := ro.byKey[s.Username]; !dup {
				ro.byKey[s.Username] = len(ro.Students) - 1
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w:\n%s", ErrRoster, strings.Join(errs, "\n"))
	}
	if len(ro.Students) == 0 {
		return nil, fmt.Errorf("%w: %s lists no student", ErrRoster, name)
	}
	return ro, nil
}

func isRosterHeader(cell string) bool {
	switch strings.ToLower(cell) {
	case "id", "orgdefinedid", "student id", "sis user id":
		return true
	}
	return false
}

// Lookup finds a student by id or username.
func (ro *Roster) Lookup(key string) (report.Student, bool) {
	if ro == nil {
		return report.Student{}, false
	}
	i, ok := ro.byKey[strings.TrimPrefix(key, "#")]
	if !ok {
		return report.Student{}, false
	}
	return ro.Students[i], true
}

// RosterFile is the roster's copy in the store: a later run (a one-student regrade, a
// merge) rebuilds the gradebooks with it without being given the roster again.
const RosterFile = "roster.csv"

// Write writes the roster as CSV with the header id,username,name,section.
func (ro *Roster) Write(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "username", "name", "section"})
	for _, s := range ro.Students {
		cw.Write([]string{s.ID, s.Username, s.Name, s.Section})
	}
	cw.Flush()
	return cw.Error()
}
