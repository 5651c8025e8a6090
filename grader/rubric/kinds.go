package rubric

import "github.com/optgrade/optgrade/reference"

// KindSchema is what a rubric says about one kind of check: the keys it takes, the
// functions it fits and its one-line description. Package grader holds the other half of
// each row (how a check of the kind is planned and run), keyed by Kind.
type KindSchema struct {
	Kind Kind
	Doc  string
	// Keys are the rubric keys this kind takes besides those every check takes (name,
	// kind, points, visibility, scoring, tolerance).
	Keys []string
	// Fits reports whether the kind applies to a catalog function; Needs names, for an
	// error message, what it applies to.
	Fits  func(fn reference.Func) bool
	Needs string
}

// kinds is the table of check kinds.
var kinds = []KindSchema{
	{Kind: KindValue, Doc: "call with literal or generated arguments and compare with the reference",
		Keys: []string{"cases", "generate"},
		Fits: func(reference.Func) bool { return true }, Needs: "any function"},
	{Kind: KindGradient, Doc: "as value, plus the gradient against central finite differences of the submission's own loss",
		Keys: []string{"cases", "generate"},
		Fits: func(f reference.Func) bool { return f.Loss != "" }, Needs: "a gradient function"},
	{Kind: KindTrajectory, Doc: "drive a step function N steps, teacher-forced or free-running",
		Keys: []string{"mode", "steps", "generate", "start"},
		Fits: func(f reference.Func) bool { return len(f.State) > 0 }, Needs: "a step function"},
	{Kind: KindConvergence, Doc: "run the submission's train loop and compare its final loss with the reference optimum",
		Keys: []string{"cases", "generate"},
		Fits: func(f reference.Func) bool { return f.Name == "train" }, Needs: "train"},
	{Kind: KindClassification, Doc: "diagnose training curves the reference generated and labelled",
		Keys: []string{"generate", "with_w"},
		Fits: func(f reference.Func) bool { return f.Name == "diagnose" }, Needs: "diagnose"},
}

// Kinds returns the table of check kinds, in the order help text lists them.
func Kinds() []KindSchema { return append([]KindSchema(nil), kinds...) }

// LookupKind returns the schema of kind k.
func LookupKind(k Kind) (KindSchema, bool) {
	for _, s := range kinds {
		if s.Kind == k {
			return s, true
		}
	}
	return KindSchema{}, false
}

// keysOf returns the kind-specific keys of kind, nil for an unknown kind.
func keysOf(kind Kind) []string {
	if k, ok := LookupKind(kind); ok {
		return k.Keys
	}
	return nil
}

func kindNames() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k.Kind)
	}
	return names
}
