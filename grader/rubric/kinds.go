package rubric

import (
	"gopkg.in/yaml.v3"

	"github.com/optgrade/optgrade/reference"
)

// KindSchema is what a rubric says about one kind of check: the keys it takes, their
// defaults, how they are validated against the reference and how they are written back,
// the functions it fits and its one-line description. Package grader holds the other half
// of each row (how a check of the kind is planned and run), keyed by the same Kind.
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

	// noCount and noDim say why generate.count or generate.dim does not apply ("": it does).
	noCount, noDim string
	// defaultGenerate is the Generate of a check without a generate key (nil: none). Marshal
	// leaves out a generate equal to it.
	defaultGenerate *Generate
	// callsLoss is set when the check also calls the function's loss with each case's
	// arguments, so the loss must accept them too.
	callsLoss bool
	// decode reads the kind's own keys (besides cases and generate), fills in their
	// defaults and checks that the check has inputs.
	decode func(d *decoder, m *nodeMap, c *Check, cs *checkSrc)
	// validate asks the reference to make the check's generated inputs.
	validate func(d *decoder, fn reference.Func, c *Check, cs *checkSrc)
	// encode sets the nodes of the kind's own keys (besides cases and generate) that
	// differ from their defaults; Marshal writes them in encodeOrder.
	encode func(c Check, keys map[string]*yaml.Node) error
}

// kinds is the table of check kinds.
var kinds = []KindSchema{
	{Kind: KindValue, Doc: "call with literal or generated arguments and compare with the reference",
		Keys: []string{"cases", "generate"},
		Fits: func(reference.Func) bool { return true }, Needs: "any function",
		decode: decodeCalls, validate: validateGenerated},
	{Kind: KindGradient, Doc: "as value, plus the gradient against central finite differences of the submission's own loss",
		Keys: []string{"cases", "generate"},
		Fits: func(f reference.Func) bool { return f.Loss != "" }, Needs: "a gradient function",
		callsLoss: true, decode: decodeCalls, validate: validateGenerated},
	{Kind: KindTrajectory, Doc: "drive a step function N steps, teacher-forced or free-running",
		Keys: []string{"mode", "steps", "generate", "start"},
		Fits: func(f reference.Func) bool { return len(f.State) > 0 }, Needs: "a step function",
		noCount:         "steps sets its length",
		defaultGenerate: &Generate{},
		decode:          decodeTrajectory, validate: (*decoder).checkTrajectory, encode: encodeTrajectory},
	{Kind: KindConvergence, Doc: "run the submission's train loop and compare its final loss with the reference optimum",
		Keys: []string{"cases", "generate"},
		Fits: func(f reference.Func) bool { return f.Name == "train" }, Needs: "train",
		decode: decodeCalls, validate: validateGenerated},
	{Kind: KindClassification, Doc: "diagnose training curves the reference generated and labelled",
		Keys: []string{"generate", "with_w"},
		Fits: func(f reference.Func) bool { return f.Name == "diagnose" }, Needs: "diagnose",
		noDim:           "the reference's curves have their own dimension",
		defaultGenerate: &Generate{Count: defaultCount},
		decode:          decodeClassification, validate: validateCurves, encode: encodeClassification},
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

// decodeCalls checks that a check calling the function with cases or generated
// arguments (value, gradient, convergence) has some.
func decodeCalls(d *decoder, m *nodeMap, c *Check, cs *checkSrc) {
	if len(c.Cases) == 0 && c.Generate == nil && !m.has("cases") {
		d.errorf(m.node, cs.ctx, "a %s check needs cases or generate (or both)", c.Kind)
	} else if m.has("cases") && len(c.Cases) == 0 && c.Generate == nil {
		d.errorf(resolve(m.vals["cases"]), cs.ctx, "cases: empty list, and no generate")
	}
}

// validateGenerated asks the reference for the generated arguments of a value, gradient
// or convergence check.
func validateGenerated(d *decoder, fn reference.Func, c *Check, cs *checkSrc) {
	if g := c.Generate; g != nil && g.Count > 0 {
		args, err := reference.Generate(fn.Name, g.Seed, g.Count, g.Dim)
		if err != nil {
			d.errorf(resolve(cs.m.at("generate")), cs.ctx, "generate: the reference cannot generate inputs: %v", err)
			return
		}
		v := c.values(fn.Name)
		v.gen, v.args, v.hasGen = *g, args, true
	}
}

// decodeTrajectory reads mode, steps and start.
func decodeTrajectory(d *decoder, m *nodeMap, c *Check, cs *checkSrc) {
	c.Mode = TeacherForced
	if m.has("mode") {
		if s, ok := oneOf(d, m.vals["mode"], joinCtx(cs.ctx, "mode"), modes); ok {
			c.Mode = s
		}
	}
	if !m.has("steps") {
		d.errorf(m.node, cs.ctx, "missing \"steps\" (how many steps to drive, 1 to %d)", MaxSteps)
	} else if v, ok := d.integer(m.vals["steps"], joinCtx(cs.ctx, "steps"), 1, MaxSteps); ok {
		c.Steps = int(v)
		cs.stepsOK = true
	}
	if m.has("start") {
		cs.start, c.Start, cs.startOK = d.args(m.vals["start"], cs.ctx, "start")
	}
}

func encodeTrajectory(c Check, keys map[string]*yaml.Node) error {
	if c.Mode != "" && c.Mode != TeacherForced {
		keys["mode"] = scalarNode(c.Mode)
	}
	keys["steps"] = scalarNode(c.Steps)
	if len(c.Start) > 0 {
		sn, err := valueNode(c.Start)
		if err != nil {
			return err
		}
		sn.Style = yaml.FlowStyle
		keys["start"] = sn
	}
	return nil
}

// decodeClassification reads with_w.
func decodeClassification(d *decoder, m *nodeMap, c *Check, cs *checkSrc) {
	if m.has("with_w") {
		c.WithW, _ = d.boolean(m.vals["with_w"], joinCtx(cs.ctx, "with_w"))
	}
}

// validateCurves asks the reference for the labelled curves of a classification check.
func validateCurves(d *decoder, fn reference.Func, c *Check, cs *checkSrc) {
	if g := c.Generate; g != nil {
		curves, err := reference.LabelledCurves(g.Seed, g.Count, c.WithW)
		if err != nil {
			d.errorf(resolve(cs.m.at("generate")), cs.ctx, "generate: the reference cannot generate labelled curves: %v", err)
			return
		}
		v := c.values(fn.Name)
		v.gen, v.withW, v.curves, v.hasCrv = *g, c.WithW, curves, true
	}
}

func encodeClassification(c Check, keys map[string]*yaml.Node) error {
	if c.WithW {
		keys["with_w"] = scalarNode(true)
	}
	return nil
}
