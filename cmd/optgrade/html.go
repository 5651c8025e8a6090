package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/optgrade/optgrade/grader"
	"github.com/optgrade/optgrade/grader/report"
)

// writeHTMLReport writes res as an HTML page to path (default: optgrade-report.html in the
// system's temporary folder), replacing any older page whole, and returns the page's
// absolute path.
func writeHTMLReport(path string, res *grader.Result, opts report.Options) (string, error) {
	if path == "" {
		path = filepath.Join(os.TempDir(), "optgrade-report.html")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := report.HTML(&b, res, opts); err != nil {
		return "", fmt.Errorf("HTML report: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), ".optgrade-report-*.html")
	if err != nil {
		return "", fmt.Errorf("HTML report: %w", err)
	}
	_, err = tmp.Write(b.Bytes())
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), abs)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("HTML report: %w", err)
	}
	return abs, nil
}
