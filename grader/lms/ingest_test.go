package lms_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/lms"
)

// makeZip writes a zip of the given files (name → content; a name ending in / is a folder).
func makeZip(t *testing.T, files map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "download.zip")
	os.WriteFile(p, b.Bytes(), 0o644)
	return p
}

func zipBytes(t *testing.T, files map[string]string) string {
	p := makeZip(t, files)
	data, _ := os.ReadFile(p)
	return string(data)
}

// read returns a student's folder as name → content.
func read(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			data, _ := os.ReadFile(p)
			got[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	return got
}

func TestIngest(t *testing.T) {
	amsterdam, _ := time.LoadLocation("Europe/Amsterdam")
	tests := []struct {
		name  string
		lms   string
		zip   map[string]string
		opt   lms.IngestOptions
		want  map[string]map[string]string // student id → files (optgrade.yaml checked apart)
		times map[string]string            // student id → submitted_at in optgrade.yaml
		late  []string
		skip  []string // substrings of Skipped
	}{
		{
			name: "canvas", lms: "canvas",
			zip: map[string]string{
				"doejane_12345_900001_solution.py":         "print('jane')",
				"doejane_12345_900002_optgrade.yaml":       "student: your-student-id\nrun: [python3, solution.py]\n",
				"smithbob_LATE_23456_900003_solution-1.py": "print('bob')",
				"anon_leex_LATE_anon_Xk3P9_900004_hw.zip":  zipBytes(t, map[string]string{"hw1/main.py": "print('lee')", "hw1/util.py": "x = 1"}),
				"notes.txt": "by the TA",
			},
			want: map[string]map[string]string{
				"12345":      {"solution.py": "print('jane')"},
				"23456":      {"solution.py": "print('bob')"},
				"anon_Xk3P9": {"main.py": "print('lee')", "util.py": "x = 1"},
			},
			times: map[string]string{"12345": "unknown", "23456": "unknown", "anon_Xk3P9": "unknown"},
			late:  []string{"23456", "anon_Xk3P9"},
			skip:  []string{"notes.txt"},
		},
		{
			name: "moodle folders", lms: "moodle",
			zip: map[string]string{
				"Jane Doe_301_assignsubmission_file/solution.py":            "print('jane')",
				"Jane Doe_301_assignsubmission_file/lib/helpers.py":         "y = 2",
				"Bob Smith_302_assignsubmission_file_solution.py":           "print('bob')",
				"Bob Smith_302_assignsubmission_onlinetext/onlinetext.html": "<p>hi</p>",
				"__MACOSX/Jane Doe_301_assignsubmission_file/._solution.py": "junk",
			},
			want: map[string]map[string]string{
				"301": {"solution.py": "print('jane')", "lib/helpers.py": "y = 2"},
				"302": {"solution.py": "print('bob')"},
			},
			times: map[string]string{"301": "unknown", "302": "unknown"},
			skip:  []string{"onlinetext"},
		},
		{
			name: "brightspace with a roster", lms: "brightspace",
			zip: map[string]string{
				"index.html": "<html></html>",
				"397063-2557369 - Jane Doe - Sep 24, 2024 926 PM/solution.py":       "print('old')",
				"397063-2557400 - Jane Doe - Sep 25, 2024 1149 AM/solution.py":      "print('new')",
				"397063-2557371 - Bob Smith - Sep 24, 2024 1201 AM - solution.py":   "print('bob')",
				"397063-2557372 - Zed Unknown - Sep 24, 2024 1201 AM - solution.py": "print('?')",
			},
			opt: lms.IngestOptions{Location: amsterdam, Names: map[string]string{lms.NameKey("Doe, Jane"): "s1", lms.NameKey("bob smith"): "s2"}},
			want: map[string]map[string]string{
				"s1": {"solution.py": "print('new')"},
				"s2": {"solution.py": "print('bob')"},
			},
			times: map[string]string{"s1": "2024-09-25T11:49:00+02:00", "s2": "2024-09-24T00:01:00+02:00"},
			skip:  []string{"Zed Unknown", "an earlier submission"},
		},
		{
			name: "gradescope export", lms: "gradescope",
			zip: map[string]string{
				"assignment_77_export/submission_metadata.yml": `submission_1001:
  :submitters:
  - :name: Jane Doe
    :sid: '555'
    :email: jane@example.edu
  - :name: Bob Smith
    :sid: ''
    :email: bob@example.edu
  :created_at: 2026-12-02 14:10:05.123456000 +01:00
  :score: 0.0
submission_1002:
  :submitters:
  - :name: Lee
    :sid: '777'
  :created_at: 2026-12-03 09:00:00.000000000 -08:00
`,
				"assignment_77_export/submission_1001/solution.py": "print('pair')",
				"assignment_77_export/submission_1002/main.py":     "print('lee')",
				"assignment_77_export/submission_1003/main.py":     "print('?')",
			},
			want: map[string]map[string]string{
				"555":             {"solution.py": "print('pair')"},
				"bob@example.edu": {"solution.py": "print('pair')"},
				"777":             {"main.py": "print('lee')"},
			},
			times: map[string]string{"555": "2026-12-02T14:10:05+01:00", "777": "2026-12-03T09:00:00-08:00"},
			skip:  []string{"submission_1003"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, given := range []string{tt.lms, ""} { // named, and recognised
				out := filepath.Join(t.TempDir(), "subs")
				opt := tt.opt
				opt.LMS = given
				res, err := lms.Ingest(makeZip(t, tt.zip), out, opt)
				if err != nil {
					t.Fatal(err)
				}
				if res.LMS != tt.lms {
					t.Errorf("read as %s, want %s", res.LMS, tt.lms)
				}
				if len(res.Students) != len(tt.want) {
					t.Errorf("%d students, want %d: %+v", len(res.Students), len(tt.want), res.Students)
				}
				for _, st := range res.Students {
					files := read(t, st.Dir)
					manifest := files["optgrade.yaml"]
					delete(files, "optgrade.yaml")
					want := tt.want[st.ID]
					if len(files) != len(want) {
						t.Errorf("%s: files %v, want %v", st.ID, files, want)
					}
					for name, content := range want {
						if files[name] != content {
							t.Errorf("%s/%s = %q, want %q", st.ID, name, files[name], content)
						}
					}
					if !strings.Contains(manifest, "student: \""+st.ID+"\"") && !strings.Contains(manifest, "student: "+st.ID+"\n") {
						t.Errorf("%s: the manifest does not name the student:\n%s", st.ID, manifest)
					}
					if w := tt.times[st.ID]; w != "" && !strings.Contains(manifest, "submitted_at: "+w) && !strings.Contains(manifest, "submitted_at: \""+w+"\"") {
						t.Errorf("%s: the manifest lacks submitted_at %s:\n%s", st.ID, w, manifest)
					}
					late := false
					for _, id := range tt.late {
						late = late || id == st.ID
					}
					if st.Late != late {
						t.Errorf("%s: late %t, want %t", st.ID, st.Late, late)
					}
				}
				for _, s := range tt.skip {
					if !strings.Contains(strings.Join(res.Skipped, "\n"), s) {
						t.Errorf("skipped %q, want a line about %q", res.Skipped, s)
					}
				}
			}
		})
	}
}

// TestIngestKeepsTheStudentsRun: a student's own run: is kept; their student: and
// submitted_at: are the LMS's.
func TestIngestKeepsTheStudentsRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "subs")
	res, err := lms.Ingest(makeZip(t, map[string]string{
		"doejane_12345_900001_optgrade.yaml": "student: someone-else\nrun: [python3, -u, main.py]\nsubmitted_at: 2020-01-01T00:00:00Z\n",
		"doejane_12345_900002_main.py":       "print(1)",
	}), out, lms.IngestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := read(t, res.Students[0].Dir)["optgrade.yaml"]
	for _, want := range []string{"student: \"12345\"", "run: [python3, -u, main.py]", "submitted_at: unknown"} {
		if !strings.Contains(m, want) {
			t.Errorf("the manifest lacks %q:\n%s", want, m)
		}
	}
}

func TestIngestRefusesUnsafeZips(t *testing.T) {
	t.Run("path escape", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "subs")
		res, err := lms.Ingest(makeZip(t, map[string]string{
			"Jane Doe_301_assignsubmission_file/../../../evil.py": "x",
			"Jane Doe_301_assignsubmission_file/solution.py":      "y",
		}), out, lms.IngestOptions{LMS: "moodle"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(out), "evil.py")); err == nil {
			t.Error("a file escaped the output folder")
		}
		if files := read(t, res.Students[0].Dir); len(files) != 2 {
			t.Errorf("files %v, want solution.py and optgrade.yaml", files)
		}
	})
	t.Run("not empty", func(t *testing.T) {
		out := t.TempDir()
		os.WriteFile(filepath.Join(out, "x"), nil, 0o644)
		if _, err := lms.Ingest(makeZip(t, map[string]string{"doejane_1_2_solution.py": ""}), out, lms.IngestOptions{}); err == nil {
			t.Error("ingested into a folder that is not empty")
		}
	})
	t.Run("unknown layout", func(t *testing.T) {
		_, err := lms.Ingest(makeZip(t, map[string]string{"random/file.txt": ""}), filepath.Join(t.TempDir(), "o"), lms.IngestOptions{})
		if err == nil || !strings.Contains(err.Error(), "--lms") {
			t.Errorf("got %v, want a hint at --lms", err)
		}
	})
}
