package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestForgedResultAndMergeKeys: a result.json planted in --out (full marks, the record's
// digest kept, no MAC) is graded again on resume and grade says so; shards signed with
// different keys merge only with those keys.
func TestForgedResultAndMergeKeys(t *testing.T) {
	py := needPython(t)
	tmp := t.TempDir()
	subs := filepath.Join(tmp, "subs")
	for _, sample := range []string{"python-reference", "broken-adam-no-bias"} {
		entries, _ := os.ReadDir(filepath.Join("../../testdata/submissions", sample))
		for _, e := range entries {
			copyFile(t, filepath.Join("../../testdata/submissions", sample, e.Name()), filepath.Join(subs, sample, e.Name()), 0o644)
		}
	}
	grade := func(out string, extra ...string) string {
		t.Helper()
		args := append([]string{"grade", "--python", py, "--rubric", courseRubric, "--submitted-at", "2026-12-01T12:00:00Z", "--out", out}, extra...)
		_, stderr, code := optgrade(t, append(args, subs)...)
		if code > exitFail {
			t.Fatalf("grade %v: exit %d\n%s", extra, code, stderr)
		}
		return stderr
	}
	out := filepath.Join(tmp, "out")
	grade(out)
	var broken string
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if e.IsDir() && strings.Contains(e.Name(), "bias") {
			broken = filepath.Join(out, e.Name())
		}
	}
	if broken == "" {
		t.Fatalf("no result folder for broken-adam-no-bias in %v", entries)
	}
	var res map[string]any
	readJSONFile(t, filepath.Join(broken, "result.json"), &res)
	res["score"] = res["max_score"]
	writeJSONFile(t, filepath.Join(broken, "result.json"), res)
	var rec map[string]any
	readJSONFile(t, filepath.Join(broken, "record.json"), &rec)
	delete(rec, "mac")
	writeJSONFile(t, filepath.Join(broken, "record.json"), rec)

	stderr := grade(out)
	if !strings.Contains(stderr, "regraded "+broken+": its stored result was not written by this grader") ||
		!strings.Contains(stderr, "1 stored result(s) were not written by this grader") {
		t.Errorf("the resumed batch did not say it regraded the forged result:\n%s", stderr)
	}
	readJSONFile(t, filepath.Join(broken, "result.json"), &res)
	if res["score"] == res["max_score"] {
		t.Errorf("the forged full marks were kept: %v", res["score"])
	}

	t.Run("merge needs the shards' keys", func(t *testing.T) {
		var shards, keys []string
		for i := range 2 {
			shard := filepath.Join(tmp, "shard"+string(rune('1'+i)))
			key := filepath.Join(tmp, "key"+string(rune('1'+i)))
			grade(shard, "--shard", string(rune('1'+i))+"/2", "--key", key)
			shards, keys = append(shards, shard), append(keys, key)
		}
		_, stderr, code := optgrade(t, append([]string{"merge", "--out", filepath.Join(tmp, "refused")}, shards...)...)
		if code != exitUsage || !strings.Contains(stderr, "not signed with the given key") {
			t.Errorf("merge with another key: exit %d, want %d and the reason:\n%s", code, exitUsage, stderr)
		}
		_, stderr, code = optgrade(t, append([]string{"merge", "--out", filepath.Join(tmp, "merged"), "--key", keys[0], "--key", keys[1]}, shards...)...)
		if code != 0 {
			t.Errorf("merge with the shards' keys: exit %d\n%s", code, stderr)
		}
	})
}

func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err == nil {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}
