package rubric

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fuzzHang is how long one load may take under the fuzzer's instrumentation.
const fuzzHang = 10 * time.Second

// FuzzLoadRubric feeds the loader mutations of the course rubric, the good and bad test
// rubrics and the bombs (its seed corpus: testdata/rubrics and rubrics/). Whatever the
// bytes, Parse returns either a rubric or a sorted list of positioned rubric errors,
// never panics, and stays within the limits of limits.go in time and memory; a rubric it
// accepts is written back by Marshal and read again.
//
//	go test ./grader/rubric -run '^$' -fuzz FuzzLoadRubric -fuzztime 60s
func FuzzLoadRubric(f *testing.F) {
	var seeds []string
	for _, pattern := range []string{
		filepath.Join("..", "..", "rubrics", "*.yaml"),
		filepath.Join(testdataDir, "good", "*.yaml"),
		filepath.Join(testdataDir, "bad", "*.yaml"),
	} {
		files, _ := filepath.Glob(pattern)
		seeds = append(seeds, files...)
	}
	if len(seeds) < 10 {
		f.Fatalf("found %d seed rubrics", len(seeds))
	}
	for _, file := range seeds {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The fuzzer has no timeout of its own: a load that hangs crashes the worker, which
		// records the input.
		hang := time.AfterFunc(fuzzHang, func() { panic(fmt.Sprintf("Parse still running after %v", fuzzHang)) })
		defer hang.Stop()
		r, err := Parse("f.yaml", data)
		if err != nil {
			if r != nil {
				t.Fatal("a rubric along with an error")
			}
			var list ErrorList
			if !errors.Is(err, ErrInvalid) || !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("err = %#v, want a non-empty ErrorList", err)
			}
			for i, e := range list {
				if e.Line < 0 || e.Col < 0 || e.Msg == "" {
					t.Fatalf("bad error %+v", e)
				}
				if i > 0 && (list[i-1].Line > e.Line || list[i-1].Line == e.Line && list[i-1].Col > e.Col) {
					t.Fatalf("not sorted: %v", err)
				}
			}
			return
		}
		out, err := Marshal(r)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		if _, err := Parse("f.yaml", out); err != nil {
			t.Fatalf("the rubric Marshal wrote does not load: %v\n%s", err, out)
		}
	})
}
