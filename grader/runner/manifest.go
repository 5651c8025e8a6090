package runner

import (
	"fmt"
	"io"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

// manifest is a decoded optgrade.yaml.
type manifest struct {
	student     string
	run         []string
	submittedAt *time.Time
	// timeUnknown: "submitted_at: unknown" — the time is not known (an LMS download
	// without one), and must not be guessed from file times.
	timeUnknown bool
	// notebook: the notebook to grade (`notebook: file.ipynb`, or a mapping with file and
	// run); notebookRun is "defs" (the default) or "all".
	notebook, notebookRun string
	hasNotebook           bool
}

// maxManifest bounds what is read of an optgrade.yaml: a real one is a few lines.
const maxManifest = 64 << 10

// readManifest reads and strictly decodes a manifest: every problem names file:line. The
// file is the student's: it must be a regular file (not a link to /dev/zero or to someone
// else's file) of at most maxManifest bytes.
func readManifest(path string) (*manifest, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (a link or a device); write the manifest as a plain file", path)
	}
	if fi.Size() > maxManifest {
		return nil, fmt.Errorf("%s: %d bytes, over the manifest limit of %d bytes", path, fi.Size(), maxManifest)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifest+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxManifest {
		return nil, fmt.Errorf("%s: over the manifest limit of %d bytes", path, maxManifest)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m := &manifest{}
	if len(doc.Content) == 0 {
		return m, nil // empty file
	}
	root := doc.Content[0]
	at := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d:%d: %s", path, n.Line, n.Column, fmt.Sprintf(format, args...))
	}
	if root.Kind != yaml.MappingNode {
		return nil, at(root, "want a mapping with student, run and submitted_at")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "student":
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				return nil, at(v, "student: want a name or id")
			}
			m.student = v.Value
		case "run":
			if v.Kind != yaml.SequenceNode {
				return nil, at(v, "run: want a list of words, e.g. [python3, solution.py]")
			}
			if len(v.Content) == 0 {
				return nil, at(v, "run: empty command")
			}
			for _, w := range v.Content {
				if w.Kind != yaml.ScalarNode {
					return nil, at(w, "run: want words (strings)")
				}
				m.run = append(m.run, w.Value)
			}
		case "submitted_at":
			if v.Kind == yaml.ScalarNode && v.Value == "unknown" {
				m.timeUnknown = true
				continue
			}
			t, err := time.Parse(time.RFC3339, v.Value)
			if v.Kind != yaml.ScalarNode || err != nil {
				return nil, at(v, "submitted_at: want an RFC 3339 time, e.g. 2026-12-01T23:59:00+01:00, or unknown")
			}
			m.submittedAt = &t
		case "notebook":
			if err := m.decodeNotebook(v, at); err != nil {
				return nil, err
			}
		default:
			return nil, at(k, "unknown key %q (want student, run, submitted_at, notebook)", k.Value)
		}
	}
	return m, nil
}

// decodeNotebook reads `notebook: FILE` or `notebook: {file: FILE, run: defs|all}`.
func (m *manifest) decodeNotebook(v *yaml.Node, at func(*yaml.Node, string, ...any) error) error {
	m.hasNotebook, m.notebookRun = true, "defs"
	switch v.Kind {
	case yaml.ScalarNode:
		m.notebook = v.Value
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			switch {
			case k.Value == "file" && val.Kind == yaml.ScalarNode:
				m.notebook = val.Value
			case k.Value == "run" && val.Kind == yaml.ScalarNode && (val.Value == "defs" || val.Value == "all"):
				m.notebookRun = val.Value
			case k.Value == "run":
				return at(val, "notebook: run: want defs (definitions, imports and constants only; the default) or all")
			default:
				return at(k, "notebook: unknown key %q (want file, run)", k.Value)
			}
		}
		return nil
	}
	return at(v, "notebook: want a file name or {file: …, run: defs|all}")
}
