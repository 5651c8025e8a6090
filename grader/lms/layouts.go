package lms

import (
	"archive/zip"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// This file reads each LMS's download, from the layout its own code writes:
//
//   - Canvas (lib/content_zipper.rb): flat files named
//     <sortable name>[_LATE]_<user id>_<attachment id>_<file name>, the name lower-cased
//     with non-word characters removed, the user id "anon_<id>" when anonymised. No time
//     (the zip's entry times are when the zip was made): see ReadTimes.
//   - Moodle (mod/assign download): a folder per participant and plugin,
//     "<full name>_<participant id>_assignsubmission_file/<path>", or with folders off
//     "<full name>_<participant id>_assignsubmission_file_<file name>". No time.
//   - Brightspace: a folder (or, older, a file-name prefix) per submission,
//     "<id>-<id> - <display name> - <Mon D, YYYY HMM AM>[ - <file name>]", with zone-less
//     local times, plus index.html. Display names only (the two numbers are not
//     documented as a student's OrgDefinedId or Username): a roster maps names to ids.
//   - Gradescope ("Export Submissions"): submission_metadata.yml and a folder per
//     submission, "submission_<id>/"; the metadata names the submitters (:sid:, :email:)
//     and :created_at:.

// topless strips a single folder that holds the whole download ("course-a1 submissions/"),
// unless that folder is itself a student's (it matches layout, as with one student).
func topless(files []*zip.File, layout *regexp.Regexp) func(string) string {
	same := func(s string) string { return s }
	top := ""
	for _, f := range files {
		first, _, nested := strings.Cut(f.Name, "/")
		if !nested || (top != "" && first != top) {
			return same
		}
		top = first
	}
	if layout != nil && layout.MatchString(top+"/x") {
		return same
	}
	return func(s string) string { return strings.TrimPrefix(s, top+"/") }
}

func isDir(f *zip.File) bool { return strings.HasSuffix(f.Name, "/") }

// Canvas.

var canvasName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([^/]+?)(_LATE)?_(\d+|anon_[A-Za-z0-9]+)_(\d+)_([^/]+)$`)
})

func detectCanvas(names []string) bool { return mostMatch(names, canvasName()) }

func readCanvas(files []*zip.File, _ IngestOptions) ([]*submission, []string, error) {
	by := map[string]*submission{}
	var order []*submission
	var skipped []string
	strip := topless(files, nil)
	for _, f := range files {
		if isDir(f) {
			continue
		}
		name := strip(f.Name)
		m := canvasName().FindStringSubmatch(name)
		if m == nil {
			skipped = append(skipped, name+": not a Canvas submission file name")
			continue
		}
		s := by[m[3]]
		if s == nil {
			s = &submission{id: m[3], name: m[1]}
			by[m[3]] = s
			order = append(order, s)
		}
		s.late = s.late || m[2] != ""
		s.files = append(s.files, entry{f, canvasFileName(m[5])})
	}
	return order, skipped, nil
}

// canvasFileName undoes Canvas's renaming of a file uploaded again ("solution-1.py" was
// the student's "solution.py") for the file names that make a folder a submission; other
// names are kept as they are, since "-1" may be the student's own.
var canvasResubmitted = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(solution|main|optgrade)-\d+(\.py|\.yaml)$`) })

func canvasFileName(name string) string {
	if m := canvasResubmitted().FindStringSubmatch(name); m != nil {
		return m[1] + m[2]
	}
	return name
}

// Moodle.

var moodleName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(.+)_(\d+)_assignsubmission_([a-z]+)(?:/(.+)|_(.+))$`)
})

func detectMoodle(names []string) bool { return anyMatch(names, moodleName()) }

func readMoodle(files []*zip.File, _ IngestOptions) ([]*submission, []string, error) {
	by := map[string]*submission{}
	var order []*submission
	var skipped []string
	strip := topless(files, moodleName())
	for _, f := range files {
		if isDir(f) {
			continue
		}
		name := strip(f.Name)
		m := moodleName().FindStringSubmatch(name)
		switch {
		case m == nil:
			skipped = append(skipped, name+": not a Moodle submission file name")
			continue
		case m[3] != "file":
			skipped = append(skipped, name+": a Moodle "+m[3]+" submission, not a file")
			continue
		}
		s := by[m[2]]
		if s == nil {
			s = &submission{id: m[2], name: m[1]}
			by[m[2]] = s
			order = append(order, s)
		}
		s.files = append(s.files, entry{f, m[4] + m[5]})
	}
	return order, skipped, nil
}

// Brightspace.

var brightspaceName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d+-\d+) - (.+?) - ([A-Z][a-z]{2} \d{1,2}, \d{4} \d{3,4} [AP]M)(?:/(.+)| - (.+))$`)
})

func detectBrightspace(names []string) bool { return anyMatch(names, brightspaceName()) }

func readBrightspace(files []*zip.File, o IngestOptions) ([]*submission, []string, error) {
	loc := o.Location
	if loc == nil {
		loc = time.Local
	}
	by := map[string]*submission{} // by submission id and time
	var order []*submission
	var skipped []string
	strip := topless(files, brightspaceName())
	for _, f := range files {
		if isDir(f) {
			continue
		}
		name := strip(f.Name)
		if name == "index.html" {
			continue // Brightspace's own list of the download
		}
		m := brightspaceName().FindStringSubmatch(name)
		if m == nil {
			skipped = append(skipped, name+": not a Brightspace submission file name")
			continue
		}
		at, err := brightspaceTime(m[3], loc)
		if err != nil {
			skipped = append(skipped, name+": "+err.Error())
			continue
		}
		id, byName := m[2], o.Names == nil
		if o.Names != nil {
			var ok bool
			if id, ok = o.Names[NameKey(m[2])]; !ok {
				skipped = append(skipped, fmt.Sprintf("%s: %q matches no single roster line", name, m[2]))
				continue
			}
		}
		key := m[1] + "\x00" + m[3] + "\x00" + id
		s := by[key]
		if s == nil {
			s = &submission{id: id, name: m[2], at: &at, byName: byName}
			by[key] = s
			order = append(order, s)
		}
		s.files = append(s.files, entry{f, m[4] + m[5]})
	}
	return order, skipped, nil
}

// brightspaceTime reads Brightspace's "Sep 24, 2024 926 PM" (hour and minute run together).
func brightspaceTime(s string, loc *time.Location) (time.Time, error) {
	fields := strings.Fields(s) // Sep 24, 2024 926 PM
	if len(fields) != 5 {
		return time.Time{}, fmt.Errorf("time %q", s)
	}
	hm := fields[3]
	h, err1 := strconv.Atoi(hm[:len(hm)-2])
	mi, err2 := strconv.Atoi(hm[len(hm)-2:])
	if err1 != nil || err2 != nil || h < 1 || h > 12 || mi > 59 {
		return time.Time{}, fmt.Errorf("time %q", s)
	}
	return time.ParseInLocation("Jan 2, 2006 3:04 PM", fmt.Sprintf("%s %s %s %d:%02d %s", fields[0], fields[1], fields[2], h, mi, fields[4]), loc)
}

// Gradescope.

func detectGradescope(names []string) bool {
	for _, n := range names {
		if path.Base(n) == "submission_metadata.yml" {
			return true
		}
	}
	return false
}

// gradescopeTime is how Gradescope's export writes :created_at: (Ruby's YAML time).
const gradescopeTime = "2006-01-02 15:04:05.999999999 -07:00"

func readGradescopeExport(files []*zip.File, _ IngestOptions) ([]*submission, []string, error) {
	strip := topless(files, nil)
	var meta map[string]struct {
		Submitters []struct {
			Name  string `yaml:":name"`
			SID   string `yaml:":sid"`
			Email string `yaml:":email"`
		} `yaml:":submitters"`
		CreatedAt string `yaml:":created_at"`
	}
	for _, f := range files {
		if strip(f.Name) == "submission_metadata.yml" {
			data, err := readZipFile(f)
			if err != nil {
				return nil, nil, err
			}
			if err := yaml.Unmarshal(data, &meta); err != nil {
				return nil, nil, fmt.Errorf("submission_metadata.yml: %w", err)
			}
		}
	}
	if meta == nil {
		return nil, nil, fmt.Errorf("no submission_metadata.yml at the top of the export")
	}
	folders := map[string][]entry{}
	var skipped []string
	for _, f := range files {
		name := strip(f.Name)
		if isDir(f) || name == "submission_metadata.yml" {
			continue
		}
		folder, rel, ok := strings.Cut(name, "/")
		if !ok {
			skipped = append(skipped, name+": not in a submission folder")
			continue
		}
		folders[folder] = append(folders[folder], entry{f, rel})
	}
	var subs []*submission
	for folder, m := range meta {
		entries, ok := folders[folder]
		if !ok {
			skipped = append(skipped, folder+": in submission_metadata.yml, not in the export")
			continue
		}
		delete(folders, folder)
		var at *time.Time
		if t, err := time.Parse(gradescopeTime, m.CreatedAt); err == nil {
			at = &t
		} else if t, err := time.Parse(time.RFC3339Nano, m.CreatedAt); err == nil {
			at = &t
		} else {
			skipped = append(skipped, fmt.Sprintf("%s: created_at %q unreadable: its time is unknown", folder, m.CreatedAt))
		}
		// A group submission is every member's.
		for _, who := range m.Submitters {
			id := who.SID
			if id == "" {
				id = who.Email
			}
			if id == "" {
				skipped = append(skipped, folder+": a submitter without sid or email")
				continue
			}
			subs = append(subs, &submission{id: id, name: who.Name, at: at, files: entries})
		}
	}
	for folder := range folders {
		skipped = append(skipped, folder+": not in submission_metadata.yml")
	}
	return subs, skipped, nil
}

// mostMatch reports whether most file names match re (a TA's note may sit among them).
func mostMatch(names []string, re *regexp.Regexp) bool {
	yes, no := 0, 0
	for _, name := range names {
		switch {
		case strings.HasSuffix(name, "/"):
		case re.MatchString(path.Base(name)):
			yes++
		default:
			no++
		}
	}
	return yes > no
}

func anyMatch(names []string, re *regexp.Regexp) bool {
	for _, name := range names {
		if re.MatchString(name) || re.MatchString(stripFirst(name)) {
			return true
		}
	}
	return false
}

func stripFirst(name string) string {
	if _, rest, ok := strings.Cut(name, "/"); ok {
		return rest
	}
	return name
}
