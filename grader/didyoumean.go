package grader

import (
	"fmt"
	"strings"

	"github.com/optgrade/optgrade/grader/rubric"
	"github.com/optgrade/optgrade/reference"
)

// definer is a Conn that knows the other functions a submission defines (the Python kit
// lists them in its hello).
type definer interface{ Defined() []string }

// notListed says that fn is missing from a submission's hello and, when the submission
// defines or lists a function of a close name that is not in the catalog, which one it
// probably meant: "did you mean" for adam_update, adam_stpe or Adam_Step.
func notListed(fn string, conn Conn) string {
	msg := fmt.Sprintf("%s is not in the functions your submission's hello lists", fn)
	var names []string
	for _, f := range conn.Functions() {
		if _, ok := reference.Lookup(f); !ok {
			names = append(names, f)
		}
	}
	if d, ok := conn.(definer); ok {
		names = append(names, d.Defined()...)
	}
	if near := nearName(fn, names); near != "" {
		msg += fmt.Sprintf("; your solution defines %s: did you mean %s? The grader calls each function by its name in the catalog", near, fn)
	}
	return msg
}

// nearName is the name among names that most likely means fn: a close spelling, or the
// same first word (adam_update for adam_step) when no other catalog function starts so.
func nearName(fn string, names []string) string {
	if c := rubric.Closest(fn, names); c != "" {
		return c
	}
	head, _, _ := strings.Cut(fn, "_")
	if len(head) < 2 {
		return ""
	}
	for _, f := range reference.Catalog() {
		if f.Name != fn && strings.HasPrefix(f.Name, head+"_") {
			return "" // gd_… could be several functions
		}
	}
	for _, n := range names {
		if nh, _, _ := strings.Cut(n, "_"); strings.EqualFold(nh, head) {
			return n
		}
	}
	return ""
}
