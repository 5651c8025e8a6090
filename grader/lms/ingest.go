package lms

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Bounds on what Ingest reads from a download: a zip beyond them is refused, not unpacked.
const (
	maxZipFiles  = 50000
	maxZipBytes  = 4 << 30   // uncompressed, in all
	maxFileBytes = 256 << 20 // uncompressed, per file
)

// IngestOptions say how to read a download.
type IngestOptions struct {
	// LMS is canvas, brightspace, moodle or gradescope; empty means recognise it.
	LMS string
	// Names maps a display name to a student id, for downloads that carry only names
	// (Brightspace): see NameKey. Without it the name itself becomes the id.
	Names map[string]string
	// Location is the time zone of the download's zone-less times (Brightspace); nil
	// means the machine's.
	Location *time.Location
	// Times are submission times by student id (see ReadTimes), for downloads that record
	// none (Canvas, Moodle). A time the download records is kept.
	Times map[string]time.Time
}

// Ingested is what Ingest made of a download.
type Ingested struct {
	LMS      string
	Students []IngestedStudent // sorted by id
	// Skipped lists what of the download was not used, and why.
	Skipped []string
	// Warnings say what makes the folders doubtful for a gradebook: ids that are display
	// names (Brightspace without a roster).
	Warnings []string
}

// IngestedStudent is one submission folder written by Ingest.
type IngestedStudent struct {
	ID, Name string
	Dir      string
	// SubmittedAt is the LMS's submission time, nil when the download has none.
	SubmittedAt *time.Time
	// TimeFrom says where SubmittedAt came from: "download", "times" (IngestOptions.Times)
	// or "" (none).
	TimeFrom string
	// Late is Canvas's LATE marker (Canvas records no time in its download).
	Late  bool
	Files int
}

// entry is one file of a student in the download: its path inside the student's folder.
type entry struct {
	file *zip.File
	rel  string
}

// submission is one student's part of the download, as a layout reads it.
type submission struct {
	id, name string
	at       *time.Time
	timeFrom string // "download" or "times", when at is set
	late     bool
	byName   bool // id is a display name (Brightspace without a roster)
	files    []entry
}

// A layout reads one LMS's download.
type layout struct {
	name string
	// detect reports whether the zip's file names are this LMS's.
	detect func(names []string) bool
	// read groups the files by student.
	read func(files []*zip.File, o IngestOptions) ([]*submission, []string, error)
}

// layouts is the table of LMS downloads, in the order detection tries them.
var layouts = []layout{
	{"gradescope", detectGradescope, readGradescopeExport},
	{"moodle", detectMoodle, readMoodle},
	{"brightspace", detectBrightspace, readBrightspace},
	{"canvas", detectCanvas, readCanvas},
}

// LMSNames lists the downloads Ingest reads.
func LMSNames() []string {
	names := make([]string, len(layouts))
	for i, l := range layouts {
		names[i] = l.name
	}
	return names
}

// Ingest unpacks an LMS bulk download (a zip) into one submission folder per student under
// out, which must not exist or be empty: out/<id>/ holds the student's files (a zip they
// uploaded is unpacked, and a single top folder in it dropped) and an optgrade.yaml naming
// the student and the LMS's submission time — or "submitted_at: unknown" where the
// download has none, so that grading never guesses it from file times. A run: the
// student's own optgrade.yaml gave is kept. Paths are never trusted: no file lands
// outside its student's folder.
func Ingest(zipPath, out string, o IngestOptions) (*Ingested, error) {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	if err := checkZip(zr.File); err != nil {
		return nil, fmt.Errorf("%s: %w", zipPath, err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	var lay *layout
	for i := range layouts {
		if o.LMS == "" && layouts[i].detect(names) || strings.EqualFold(o.LMS, layouts[i].name) {
			lay = &layouts[i]
			break
		}
	}
	if lay == nil {
		if o.LMS != "" {
			return nil, fmt.Errorf("unknown LMS %q (want one of %s)", o.LMS, strings.Join(LMSNames(), ", "))
		}
		return nil, fmt.Errorf("%s: not a download optgrade recognises (%s): pass --lms", zipPath, strings.Join(LMSNames(), ", "))
	}
	subs, skipped, err := lay.read(zr.File, o)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", zipPath, lay.name, err)
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty: ingest into a new folder", out)
	}
	res := &Ingested{LMS: lay.name, Skipped: skipped}
	for _, s := range subs {
		if s.at != nil {
			s.timeFrom = "download"
		} else if at, ok := o.Times[s.id]; ok {
			s.at, s.timeFrom = &at, "times"
		}
	}
	res.Warnings = nameWarnings(subs)
	subs, dropped := latestPerStudent(subs)
	res.Skipped = append(res.Skipped, dropped...)
	for _, s := range subs {
		st, err := writeSubmission(out, s)
		if err != nil {
			return res, err
		}
		res.Students = append(res.Students, st)
	}
	sort.Slice(res.Students, func(i, j int) bool { return res.Students[i].ID < res.Students[j].ID })
	return res, nil
}

// checkZip refuses a zip too large to unpack.
func checkZip(files []*zip.File) error {
	if len(files) > maxZipFiles {
		return fmt.Errorf("%d files, more than %d", len(files), maxZipFiles)
	}
	var total uint64
	for _, f := range files {
		if f.UncompressedSize64 > maxFileBytes {
			return fmt.Errorf("%s: %d MiB, more than %d MiB", f.Name, f.UncompressedSize64>>20, maxFileBytes>>20)
		}
		total += f.UncompressedSize64
	}
	if total > maxZipBytes {
		return fmt.Errorf("%d MiB unpacked, more than %d MiB", total>>20, maxZipBytes>>20)
	}
	return nil
}

// latestPerStudent keeps each student's latest submission (Brightspace keeps every
// attempt), and says which were dropped.
func latestPerStudent(subs []*submission) ([]*submission, []string) {
	by := map[string]*submission{}
	var dropped []string
	for _, s := range subs {
		prev, ok := by[s.id]
		if !ok {
			by[s.id] = s
			continue
		}
		older, newer := prev, s
		if prev.at != nil && s.at != nil && s.at.Before(*prev.at) {
			older, newer = s, prev
		} else if prev.at == nil || s.at == nil {
			// No times to tell: merge the files into one submission.
			prev.files = append(prev.files, s.files...)
			continue
		}
		by[s.id] = newer
		dropped = append(dropped, fmt.Sprintf("%s: an earlier submission (%s), superseded by the one of %s", s.id, older.at.Format(time.RFC3339), newer.at.Format(time.RFC3339)))
	}
	var out []*submission
	for _, s := range by {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	sort.Strings(dropped)
	return out, dropped
}

var unsafeName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9._@+-]+`) })

// folderName is a student's folder: the id, made safe for a file name.
func folderName(id string) string {
	n := unsafeName().ReplaceAllString(id, "_")
	if n == "" || n == "." || n == ".." {
		n = "_" + n
	}
	return n
}

// cleanRel makes a path from a zip safe inside a folder: slash-separated parts, none empty,
// "." or "..", none hidden macOS metadata. It returns "" for a path to drop.
func cleanRel(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	var parts []string
	for _, part := range strings.Split(p, "/") {
		switch {
		case part == "" || part == ".":
			continue
		case part == ".." || part == "__MACOSX" || part == ".DS_Store" || strings.HasPrefix(part, "._"):
			return ""
		}
		parts = append(parts, part)
	}
	return path.Join(parts...)
}

// writeSubmission writes one student's folder.
func writeSubmission(out string, s *submission) (IngestedStudent, error) {
	dir := filepath.Join(out, folderName(s.id))
	st := IngestedStudent{ID: s.id, Name: s.name, Dir: dir, SubmittedAt: s.at, TimeFrom: s.timeFrom, Late: s.late}
	files := map[string][]byte{}
	for _, e := range s.files {
		rel := cleanRel(e.rel)
		if rel == "" {
			continue
		}
		data, err := readZipFile(e.file)
		if err != nil {
			return st, err
		}
		if strings.EqualFold(path.Ext(rel), ".zip") {
			if inner, err := unzipBytes(data); err == nil {
				for name, b := range inner {
					files[name] = b
				}
				continue
			}
		}
		files[rel] = data
	}
	var run []string
	if m, ok := files["optgrade.yaml"]; ok {
		var own struct {
			Run []string `yaml:"run"`
		}
		if yaml.Unmarshal(m, &own) == nil {
			run = own.Run
		}
		delete(files, "optgrade.yaml")
	}
	files["optgrade.yaml"] = manifest(s, run)
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return st, err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return st, err
		}
	}
	st.Files = len(files) - 1
	return st, nil
}

// manifest is the optgrade.yaml Ingest writes.
func manifest(s *submission, run []string) []byte {
	m := struct {
		Student     string   `yaml:"student"`
		Run         []string `yaml:"run,omitempty,flow"`
		SubmittedAt string   `yaml:"submitted_at"`
	}{Student: s.id, Run: run, SubmittedAt: "unknown"}
	if s.at != nil {
		m.SubmittedAt = s.at.Format(time.RFC3339)
	}
	var b bytes.Buffer
	b.WriteString("# written by optgrade ingest from the LMS download\n")
	if s.timeFrom == "times" {
		b.WriteString("# submitted_at: from the submission times given to ingest (--times)\n")
	}
	if s.byName {
		b.WriteString("# student: is the LMS's display name, not an id: ingest with --roster for ids\n")
	}
	enc := yaml.NewEncoder(&b)
	enc.Encode(m)
	enc.Close()
	return b.Bytes()
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: more than %d MiB", f.Name, maxFileBytes>>20)
	}
	return data, nil
}

// unzipBytes unpacks a zip a student uploaded, dropping a single top folder.
func unzipBytes(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	if err := checkZip(zr.File); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rel := cleanRel(f.Name)
		if rel == "" || strings.HasSuffix(f.Name, "/") {
			continue
		}
		b, err := readZipFile(f)
		if err != nil {
			return nil, err
		}
		files[rel] = b
	}
	if len(files) == 0 {
		return nil, errors.New("empty zip")
	}
	// One top folder for everything ("hw1/solution.py"): drop it.
	top := ""
	for name := range files {
		first, _, nested := strings.Cut(name, "/")
		if !nested || (top != "" && first != top) {
			return files, nil
		}
		top = first
	}
	flat := map[string][]byte{}
	for name, b := range files {
		flat[strings.TrimPrefix(name, top+"/")] = b
	}
	return flat, nil
}

// NameKey normalises a display name for matching a roster: case, punctuation and word
// order do not matter ("Doe, Jane" and "jane doe" are one key).
func NameKey(name string) string {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '\t'
	})
	sort.Strings(words)
	return strings.Join(words, " ")
}

// nameWarnings warns when students are known by display name only (Brightspace without
// a roster): their ids are names, which a gradebook import cannot match and two students
// may share — and then one's submission would pass for the other's earlier attempt.
func nameWarnings(subs []*submission) []string {
	attempts := map[string]map[string]bool{} // name → the attempts' times
	var names []string
	for _, s := range subs {
		if !s.byName {
			continue
		}
		if attempts[s.id] == nil {
			attempts[s.id] = map[string]bool{}
			names = append(names, s.id)
		}
		when := "?"
		if s.at != nil {
			when = s.at.Format(time.RFC3339)
		}
		attempts[s.id][when] = true
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	w := []string{fmt.Sprintf("this download names students by display name only (%d of them; the numbers before the names are not documented as student ids): "+
		"without --roster each folder's student id is the name, which a gradebook import (brightspace.csv) cannot match. "+
		"Ingest again with --roster FILE, a CSV of id, username, name (e.g. OrgDefinedId, Username and the name as Brightspace's classlist shows it)", len(names))}
	var several []string
	for _, n := range names {
		if len(attempts[n]) > 1 {
			several = append(several, fmt.Sprintf("%q (%d)", n, len(attempts[n])))
		}
	}
	if len(several) > 0 {
		w = append(w, "several submissions under one name, of which only the latest is kept — if two students share the name, one of them is lost without --roster: "+strings.Join(several, ", "))
	}
	return w
}
