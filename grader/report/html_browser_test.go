package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/optgrade/optgrade/grader/report"
)

// chromium returns the headless browser, or skips the test where it is not installed
// (CI installs it with .ci/setup, and there the test fails instead).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed: run .ci/setup")
	}
	t.Skip("chromium is not installed (Debian: apt-get install chromium, or run .ci/setup): the report is not opened in a browser")
	return ""
}

// openInBrowser opens the page in headless Chromium and returns its screenshot and the
// URLs of every request the page made (the browser's own background requests, whose
// initiator is "not an origin", are left out).
func openInBrowser(t *testing.T, browser string, page []byte, width, height int) (image.Image, []string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	shot, netlog := filepath.Join(dir, "shot.png"), filepath.Join(dir, "netlog.json")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-extensions", "--disable-sync", "--hide-scrollbars", "--disable-dev-shm-usage",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--log-net-log="+netlog, "--net-log-capture-mode=Default",
		"--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height),
		"--screenshot="+shot, "file://"+file)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return img, pageRequests(t, netlog)
}

// pageRequests reads a Chromium net log and returns the URLs of the requests a page
// started (URL_REQUEST_START_JOB with an initiator), other than file: and data: URLs.
func pageRequests(t *testing.T, netlog string) []string {
	t.Helper()
	b, err := os.ReadFile(netlog)
	if err != nil {
		t.Fatalf("net log: %v", err)
	}
	// Chromium may end the log without closing it when it exits at once.
	b = bytes.TrimSpace(b)
	if !bytes.HasSuffix(b, []byte("}")) {
		b = append(bytes.TrimRight(b, ","), []byte("]}")...)
	}
	var log struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int `json:"type"`
			Params struct {
				URL       string `json:"url"`
				Initiator string `json:"initiator"`
			} `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatalf("net log: %v", err)
	}
	start, ok := log.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		t.Fatal("the net log has no URL_REQUEST_START_JOB event type")
	}
	var urls []string
	for _, e := range log.Events {
		u := e.Params.URL
		if e.Type != start || u == "" || e.Params.Initiator == "not an origin" || strings.HasPrefix(u, "file:") || strings.HasPrefix(u, "data:") {
			continue
		}
		urls = append(urls, u)
	}
	return urls
}

// colourShare is the fraction of sampled pixels within a small distance of the colour
// (r, g, b), and the fraction that are not white.
func colourShare(img image.Image, r, g, b uint8) (near, ink float64) {
	bounds := img.Bounds()
	var n, hits, dark int
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			pr, pg, pb := int(cr>>8), int(cg>>8), int(cb>>8)
			n++
			if abs(pr-int(r)) < 24 && abs(pg-int(g)) < 24 && abs(pb-int(b)) < 24 {
				hits++
			}
			if pr+pg+pb < 3*235 {
				dark++
			}
		}
	}
	return float64(hits) / float64(n), float64(dark) / float64(n)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestHTMLInChromium opens the failing student's report in a real browser: the page
// renders (not blank, its inline CSS applied despite the Content Security Policy: the
// red of a FAIL badge shows; its inline SVG plots drawn: the blue of the student's curve
// shows) and makes no network request. The request detector is itself checked on a
// page that does make requests.
func TestHTMLInChromium(t *testing.T) {
	browser := chromium(t)

	leaky := []byte(`<!DOCTYPE html><html><body><p>leak</p><img src="http://example.invalid/x.png"></body></html>`)
	if _, reqs := openInBrowser(t, browser, leaky, 400, 300); len(reqs) == 0 {
		t.Fatal("the net-log check sees no request from a page that loads an image over http: it would miss one in the report")
	}

	var b bytes.Buffer
	if err := report.HTML(&b, withFailures(), report.Options{}); err != nil {
		t.Fatal(err)
	}
	img, reqs := openInBrowser(t, browser, b.Bytes(), 1000, 2600)
	if len(reqs) > 0 {
		t.Errorf("the report made network requests: %q", reqs)
	}
	red, ink := colourShare(img, 0xc0, 0x26, 0x2d)
	if ink < 0.02 {
		t.Errorf("the screenshot is nearly blank: %.3f of it is not white", ink)
	}
	if red < 0.001 {
		t.Errorf("no FAIL red in the screenshot (%.4f): the inline CSS was not applied", red)
	}
	if blue, _ := colourShare(img, 0x1f, 0x6f, 0xc5); blue < 0.0002 {
		t.Errorf("no student-curve blue in the screenshot (%.5f): the inline SVG plots were not drawn", blue)
	}
}
