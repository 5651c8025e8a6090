package lms

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Canvas's bulk download records no submission time: its file names carry only a _LATE
// marker, and the zip's entry times are when the zip was made, not when the student
// handed in (Canvas writes each file into the zip as it builds it). Moodle's download has
// no times either. The time is in Canvas's submissions API, whose answer a TA can save:
//
//	GET /api/v1/courses/:course_id/assignments/:assignment_id/submissions?per_page=100
//
// an array of submissions, each with user_id (anonymous_id when anonymised) and
// submitted_at (ISO 8601, null when nothing was handed in). ReadTimes reads such a file
// (every page, one file each) or a plain CSV of student id and time.

// maxTimesBytes bounds a file of submission times.
const maxTimesBytes = 64 << 20

// ReadTimes reads submission times by student id from a file: Canvas's submissions API
// answer (a JSON array of objects with user_id or anonymous_id, and submitted_at), or a
// CSV whose lines are "id,submitted_at" (RFC 3339; a first line starting with "id" is a
// header). An entry without a time is left out. Ids are as Ingest writes them: a Canvas
// user id, or "anon_<anonymous id>".
func ReadTimes(path string) (map[string]time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTimesBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTimesBytes {
		return nil, fmt.Errorf("%s: more than %d MiB", path, maxTimesBytes>>20)
	}
	if t := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '[' {
		times, err := canvasAPITimes(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return times, nil
	}
	return csvTimes(path, data)
}

// canvasAPITimes reads Canvas's submissions API answer.
func canvasAPITimes(data []byte) (map[string]time.Time, error) {
	var subs []struct {
		UserID      json.Number `json:"user_id"`
		AnonymousID string      `json:"anonymous_id"`
		SubmittedAt *string     `json:"submitted_at"`
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	dec.UseNumber()
	if err := dec.Decode(&subs); err != nil {
		return nil, fmt.Errorf("not Canvas's submissions API answer (a JSON array of submissions): %w", err)
	}
	times := map[string]time.Time{}
	for i, s := range subs {
		id := s.UserID.String()
		if id == "" && s.AnonymousID != "" {
			id = "anon_" + s.AnonymousID
		}
		if id == "" {
			return nil, fmt.Errorf("submission %d has neither user_id nor anonymous_id", i+1)
		}
		if s.SubmittedAt == nil || *s.SubmittedAt == "" {
			continue // not handed in
		}
		at, err := time.Parse(time.RFC3339, *s.SubmittedAt)
		if err != nil {
			return nil, fmt.Errorf("submission %d (user %s): submitted_at %q: want an ISO 8601 time like 2026-03-01T23:59:00Z", i+1, id, *s.SubmittedAt)
		}
		times[id] = at
		if s.AnonymousID != "" { // an anonymised download names the student so
			times["anon_"+s.AnonymousID] = at
		}
	}
	return times, nil
}

// csvTimes reads lines "id,submitted_at".
func csvTimes(path string, data []byte) (map[string]time.Time, error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	times := map[string]time.Time{}
	var errs []string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\ufeff"))
		}
		switch {
		case len(rec) == 1 && rec[0] == "":
			continue
		case line == 1 && strings.HasPrefix(strings.ToLower(rec[0]), "id") || line == 1 && strings.EqualFold(rec[0], "OrgDefinedId"):
			continue // a header
		case len(rec) != 2:
			errs = append(errs, fmt.Sprintf("%s:%d: want id,submitted_at; got %d columns", path, line, len(rec)))
			continue
		}
		if rec[1] == "" {
			continue
		}
		at, err := time.Parse(time.RFC3339, rec[1])
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s:%d: %s: want an RFC 3339 time like 2026-03-01T23:59:00Z", path, line, strconv.Quote(rec[1])))
			continue
		}
		times[rec[0]] = at
	}
	if len(errs) > 0 {
		return nil, errors.New(strings.Join(errs, "\n"))
	}
	return times, nil
}
