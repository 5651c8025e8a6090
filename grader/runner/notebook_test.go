package runner

import (
	"reflect"
	"testing"
)

// A hello's "cells" names the notebook cell of each catalog function; anything else in it
// (unknown names, non-integers, cells out of range, a value of the wrong type) is ignored,
// never a fault: the protocol's informational keys are the submission's to get wrong.
func TestHelloCells(t *testing.T) {
	for _, tc := range []struct {
		line string
		want map[string]int
	}{
		{`{"id":0,"result":{"protocol":1,"functions":[],"cells":{"adam_step":7,"gd_step":10}}}`, map[string]int{"adam_step": 7, "gd_step": 10}},
		{`{"id":0,"result":{"protocol":1,"functions":[],"cells":{"adam_step":7.5,"gd_step":0,"train":-1,"diagnose":1e9,"lr_linear":"3","my_helper":4,"momentum_step":2}}}`, map[string]int{"momentum_step": 2}},
		{`{"id":0,"result":{"protocol":1,"functions":[],"cells":[1,2]}}`, nil},
		{`{"id":0,"result":{"protocol":1,"functions":[]}}`, nil},
	} {
		resp, _, _, _ := decodeResponse([]byte(tc.line), 1<<20)
		if got := helloCells(resp); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: cells %v, want %v", tc.line, got, tc.want)
		}
	}
	c := &ProcessConn{cells: map[string]int{"adam_step": 7}}
	if got := c.Location("adam_step"); got != "cell 7" {
		t.Errorf("Location(adam_step) = %q, want cell 7", got)
	}
	if got := c.Location("gd_step"); got != "" {
		t.Errorf("Location(gd_step) = %q, want nothing", got)
	}
}
