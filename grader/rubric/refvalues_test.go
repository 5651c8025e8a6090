package rubric

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/optgrade/optgrade/reference"
)

// TestReferenceValuesKept: what validating a rubric asked the reference for (a literal
// case's result, generated arguments, labelled curves) is handed to planning, equal to
// asking the reference again; and no longer once the check's inputs change after Parse,
// so a changed rubric is never graded against stale values.
func TestReferenceValuesKept(t *testing.T) {
	r, err := Load(filepath.Join(testdataDir, "good", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	literal := &r.Tasks[0].Checks[0] // bernoulli_nll, one literal case
	generated := &r.Tasks[0].Checks[1]
	curves := &r.Tasks[4].Checks[0] // diagnose, classification
	fn := r.Tasks[0].Function

	want, err := reference.Call(fn, literal.Cases[0].Args.Clone())
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := literal.ReferenceResult(fn, 0); !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("kept result %v (kept %v), want %v", got, ok, want)
	}
	if _, ok := literal.ReferenceResult("diagnose", 0); ok {
		t.Error("a result kept for bernoulli_nll was handed out for diagnose")
	}
	if _, ok := literal.ReferenceResult(fn, 1); ok {
		t.Error("a result handed out for a case that does not exist")
	}
	g := generated.Generate
	wantArgs, err := reference.Generate(fn, g.Seed, g.Count, g.Dim)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := generated.GeneratedArgs(fn); !ok || !reflect.DeepEqual(got, wantArgs) {
		t.Errorf("kept generated arguments differ from the reference's (kept %v)", ok)
	}
	cg := curves.Generate
	wantCurves, err := reference.LabelledCurves(cg.Seed, cg.Count, curves.WithW)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := curves.LabelledCurves(); !ok || !reflect.DeepEqual(got, wantCurves) {
		t.Errorf("kept curves differ from the reference's (kept %v)", ok)
	}

	// Changed after Parse: not handed out.
	literal.Cases[0].Args["lam"] = 0.4
	if _, ok := literal.ReferenceResult(fn, 0); ok {
		t.Error("a result kept for lam = 0.3 was handed out after lam changed to 0.4")
	}
	generated.Generate.Seed++
	if _, ok := generated.GeneratedArgs(fn); ok {
		t.Error("generated arguments handed out after the seed changed")
	}
	curves.WithW = !curves.WithW
	if _, ok := curves.LabelledCurves(); ok {
		t.Error("curves handed out after with_w changed")
	}
	curves.WithW = !curves.WithW
	curves.Generate.Count++
	if _, ok := curves.LabelledCurves(); ok {
		t.Error("curves handed out after count changed")
	}
}

// TestRubricSHA256: a loaded rubric carries the SHA-256 of the bytes it was read from
// (reports name the rubric by it without reading the file again), computed here
// independently; its public copy, other bytes, none.
func TestRubricSHA256(t *testing.T) {
	path := filepath.Join(testdataDir, "good", "minimal.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := hex.EncodeToString(sum[:]); r.SHA256 != want {
		t.Errorf("SHA256 %q, want %q", r.SHA256, want)
	}
	if p := r.Public(); p.SHA256 != "" {
		t.Errorf("the public copy claims the file's SHA-256 %q", p.SHA256)
	}
}
