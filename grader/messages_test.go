package grader

import (
	"strings"
	"testing"

	"github.com/optgrade/optgrade/grader/runner"
	"github.com/optgrade/optgrade/reference"
)

// TestPlainMessagesForShapes: the slips of a new student get a message that says what to do.
func TestPlainMessagesForShapes(t *testing.T) {
	wrap := func(c Call) Reply { // [[g]] for the vector g
		v, _ := reference.Call(c.Fn, c.Args.Clone())
		return Reply{Result: []any{runner.JSONShape(v)}}
	}
	column := func(c Call) Reply { // [[g0], [g1]]
		v, _ := reference.Call(c.Fn, c.Args.Clone())
		var col []any
		for _, x := range v.([]float64) {
			col = append(col, []any{x})
		}
		return Reply{Result: col}
	}
	tests := []struct {
		name    string
		answer  func(Call) Reply
		want    string
		notWant string
	}{
		{"missing return", func(Call) Reply { return Reply{Result: nil} }, "null where an array of 4 is wanted — your function returned nothing (None): is its return statement missing?", "finite differences"},
		{"extra list", wrap, "wrong shape: 1 elements, want 4 — your result is wrapped in an extra list ([[…]] where […] is wanted)", " at )"},
		{"column vector", column, "a one-element list (a column vector?)", " at )"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := scriptedRunner{answer: map[string]func(Call) Reply{"quadratic_grad": tt.answer}}
			res := gradeYAML(t, rubricOf("5", quadTasks), run)
			c := res.Tasks[1].Checks[0]
			if c.Status != Fail || !strings.Contains(c.Message, tt.want) || strings.Contains(c.Message, tt.notWant) {
				t.Errorf("status %s, message %q; want %q, not %q", c.Status, c.Message, tt.want, tt.notWant)
			}
			if f := c.Failures[0]; f.Why == "" || len(f.Notes) != 0 {
				t.Errorf("why %q, notes %q: a result of the wrong shape is not set against finite differences", f.Why, f.Notes)
			}
		})
	}
}

func TestNearName(t *testing.T) {
	tests := []struct {
		fn    string
		names []string
		want  string
	}{
		{"adam_step", []string{"helper", "adam_update"}, "adam_update"},
		{"adam_step", []string{"Adam_Step"}, "Adam_Step"},
		{"momentum_step", []string{"momentum_stpe"}, "momentum_stpe"},
		{"lr_linear", []string{"lr_lin"}, "lr_lin"},
		{"lr_linear", []string{"lr_decay"}, ""}, // lr_… could be either schedule
		{"gd_step", []string{"plot", "main"}, ""},
	}
	for _, tt := range tests {
		if got := nearName(tt.fn, tt.names); got != tt.want {
			t.Errorf("nearName(%s, %v) = %q, want %q", tt.fn, tt.names, got, tt.want)
		}
	}
}
