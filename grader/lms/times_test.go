package lms_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/lms"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Canvas's submissions API answer (as saved from GET …/submissions) and a plain CSV give
// the submission times Canvas's download lacks.
func TestReadTimes(t *testing.T) {
	api := writeFile(t, "page1.json", `[
 {"id": 1, "user_id": 12345, "submitted_at": "2026-03-01T22:59:00Z", "late": false, "workflow_state": "submitted"},
 {"id": 2, "user_id": 23456, "submitted_at": "2026-03-03T09:15:00-05:00", "late": true, "seconds_late": 120900},
 {"id": 3, "user_id": 34567, "submitted_at": null, "workflow_state": "unsubmitted"},
 {"id": 4, "anonymous_id": "Xk3P9", "submitted_at": "2026-03-02T10:00:00Z"}
]`)
	got, err := lms.ReadTimes(api)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"12345": "2026-03-01T22:59:00Z", "23456": "2026-03-03T09:15:00-05:00", "anon_Xk3P9": "2026-03-02T10:00:00Z"}
	if len(got) != len(want) {
		t.Errorf("times %v, want %v", got, want)
	}
	for id, w := range want {
		if at, ok := got[id]; !ok || at.Format(time.RFC3339) != w {
			t.Errorf("%s: %v, want %s", id, at, w)
		}
	}

	csv := writeFile(t, "times.csv", "\ufeffid,submitted_at\n12345, 2026-03-01T22:59:00Z\n23456,\n")
	if got, err := lms.ReadTimes(csv); err != nil || len(got) != 1 || got["12345"].Format(time.RFC3339) != "2026-03-01T22:59:00Z" {
		t.Errorf("csv: %v %v", got, err)
	}

	for name, bad := range map[string]struct{ content, msg string }{
		"times.csv":   {"12345,yesterday\n", `times.csv:1: "yesterday": want an RFC 3339 time`},
		"columns.csv": {"12345,2026-03-01T22:59:00Z,extra\n", "columns.csv:1: want id,submitted_at; got 3 columns"},
		"api.json":    {`[{"user_id": 1, "submitted_at": "March 1"}]`, `submission 1 (user 1): submitted_at "March 1"`},
		"noid.json":   {`[{"submitted_at": "2026-03-01T22:59:00Z"}]`, "neither user_id nor anonymous_id"},
		"object.json": {`[{"user_id": {}}]`, "not Canvas's submissions API answer"},
	} {
		if _, err := lms.ReadTimes(writeFile(t, name, bad.content)); err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%s: %v, want %q", name, err, bad.msg)
		}
	}
}

// Times given to Ingest fill in what Canvas's download lacks; a time the download records
// (Brightspace's) is kept.
func TestIngestWithTimes(t *testing.T) {
	at := func(s string) time.Time { x, _ := time.Parse(time.RFC3339, s); return x }
	out := filepath.Join(t.TempDir(), "subs")
	res, err := lms.Ingest(makeZip(t, map[string]string{
		"doejane_12345_900001_solution.py":       "print('jane')",
		"smithbob_LATE_23456_900003_solution.py": "print('bob')",
		"leelee_34567_900004_solution.py":        "print('lee')",
	}), out, lms.IngestOptions{Times: map[string]time.Time{"12345": at("2026-03-01T22:59:00Z"), "23456": at("2026-03-03T09:15:00-05:00")}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"12345": "2026-03-01T22:59:00Z", "23456": "2026-03-03T09:15:00-05:00", "34567": "unknown"}
	for _, st := range res.Students {
		m := read(t, st.Dir)["optgrade.yaml"]
		if !strings.Contains(m, "submitted_at: "+want[st.ID]) && !strings.Contains(m, `submitted_at: "`+want[st.ID]+`"`) {
			t.Errorf("%s: want submitted_at %s:\n%s", st.ID, want[st.ID], m)
		}
		if (st.TimeFrom == "times") != (want[st.ID] != "unknown") || (st.TimeFrom == "times") != strings.Contains(m, "--times") {
			t.Errorf("%s: time from %q; manifest:\n%s", st.ID, st.TimeFrom, m)
		}
	}
	if st := res.Students[1]; st.ID != "23456" || !st.Late || st.SubmittedAt == nil {
		t.Errorf("the LATE submission: %+v", st)
	}

	out = filepath.Join(t.TempDir(), "subs")
	res, err = lms.Ingest(makeZip(t, map[string]string{"397063-2557369 - Jane Doe - Sep 24, 2024 926 PM/solution.py": "x"}), out,
		lms.IngestOptions{Location: time.UTC, Names: map[string]string{"doe jane": "s1"}, Times: map[string]time.Time{"s1": at("2030-01-01T00:00:00Z")}})
	if err != nil || res.Students[0].SubmittedAt.Format(time.RFC3339) != "2024-09-24T21:26:00Z" || res.Students[0].TimeFrom != "download" {
		t.Errorf("a time in the download was replaced: %+v %v", res.Students, err)
	}
}

// Brightspace without a roster: ids are display names, which the ingest warns about (and
// how to give a roster), naming the names with several submissions — two students who
// share a name would pass for one student's attempts.
func TestIngestBrightspaceWithoutRosterWarns(t *testing.T) {
	zip := map[string]string{
		"397063-2557369 - Jane Doe - Sep 24, 2024 926 PM/solution.py":  "print('a')",
		"397063-2557400 - Jane Doe - Sep 25, 2024 1149 AM/solution.py": "print('b')",
		"397063-2557371 - Bob Smith - Sep 24, 2024 1201 AM/main.py":    "print('bob')",
	}
	res, err := lms.Ingest(makeZip(t, zip), filepath.Join(t.TempDir(), "subs"), lms.IngestOptions{Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(res.Warnings, "\n")
	for _, want := range []string{"by display name only (2 of them;", "--roster FILE, a CSV of id, username, name", `"Jane Doe" (2)`} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "Bob Smith") {
		t.Errorf("a name with one submission is named as doubtful:\n%s", all)
	}
	for _, st := range res.Students {
		if m := read(t, st.Dir)["optgrade.yaml"]; !strings.Contains(m, "display name, not an id") {
			t.Errorf("%s: the manifest does not say its student is a name:\n%s", st.ID, m)
		}
	}

	// With a roster, no warning.
	res, err = lms.Ingest(makeZip(t, zip), filepath.Join(t.TempDir(), "subs"), lms.IngestOptions{Location: time.UTC,
		Names: map[string]string{lms.NameKey("Jane Doe"): "s1", lms.NameKey("Bob Smith"): "s2"}})
	if err != nil || len(res.Warnings) != 0 {
		t.Errorf("with a roster: warnings %q, %v", res.Warnings, err)
	}
}
