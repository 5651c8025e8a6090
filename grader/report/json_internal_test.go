package report

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestIndentJSON(t *testing.T) {
	src := `{"a":[1,-2.5e-3,"NaN","Infinity"],"b":["x",1],"c":{},"d":[],"e":"[1,2] \"q\" {,:}","f":[[1,2],[3]],"g":[{"h":null}]}` + "\n"
	got := indentJSON([]byte(src))
	want := `{
  "a": [1, -2.5e-3, "NaN", "Infinity"],
  "b": [
    "x",
    1
  ],
  "c": {},
  "d": [],
  "e": "[1,2] \"q\" {,:}",
  "f": [
    [1, 2],
    [3]
  ],
  "g": [
    {
      "h": null
    }
  ]
}
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, got); err != nil || compact.String()+"\n" != src {
		t.Errorf("compacts to %s (%v), want the source", compact.String(), err)
	}
}
