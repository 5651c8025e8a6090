package kit

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestParseRequestIsUnmarshal: whenever parseRequest reads a line itself, it reads what
// json.Unmarshal reads (the raw id and args, the fn); lines it leaves to json.Unmarshal
// include the unusual ones it must not misread.
func TestParseRequestIsUnmarshal(t *testing.T) {
	lines := []struct {
		line string
		own  bool // parseRequest reads it itself
	}{
		{`{"id":1,"fn":"adam_step","args":{"w":[1,2],"t":3}}`, true},
		{` { "id" : 7 , "fn" : "gd_step" , "args" : { "s" : "a}b]\"c{" , "x":[[],{}]} } `, true},
		{`{"args":{"k":1},"fn":"lr_linear","id":"x"}`, true},
		{`{"id":1,"fn":"a","id":2}`, true},
		{`{"id":null,"fn":"hello","args":null}`, true},
		{`{}`, true},
		{`{"id":1}`, true},
		{`{"ID":1,"fn":"hello"}`, false},
		{`{"id":1,"fn":"hel\u006co"}`, false},
		{`{"id":1,"fn":null}`, false},
		{`{"id":1,"fn":3}`, false},
		{`[1,2]`, false},
		{`{"id":1,"fn":"x"`, false},
		{`{"id":1,"fn":"x"} trailing`, false},
		{`{"id":1,"fn":"x","extra":true}`, false},
	}
	for _, tt := range lines {
		got, ok := parseRequest([]byte(tt.line))
		if ok != tt.own {
			t.Errorf("%s: read it itself %v, want %v", tt.line, ok, tt.own)
		}
		if !ok {
			continue
		}
		var want request
		if err := json.Unmarshal([]byte(tt.line), &want); err != nil {
			t.Fatalf("%s: %v", tt.line, err)
		}
		if !bytes.Equal(got.ID, want.ID) || !bytes.Equal(got.Args, want.Args) || (got.Fn == nil) != (want.Fn == nil) || (got.Fn != nil && *got.Fn != *want.Fn) {
			t.Errorf("%s: read id %s fn %v args %s; json.Unmarshal id %s fn %v args %s", tt.line, got.ID, got.Fn, got.Args, want.ID, want.Fn, want.Args)
		}
	}
}
