package rubric

import (
	"slices"
	"testing"
)

// TestKindRowsComplete checks that every row of the kind table can decode, validate and
// write back its keys: a key a row takes but Marshal does not write would be lost by
// `rubric public`, and one the decoder does not allow could never be given.
func TestKindRowsComplete(t *testing.T) {
	for _, k := range Kinds() {
		t.Run(string(k.Kind), func(t *testing.T) {
			if k.Doc == "" || k.Needs == "" || k.Fits == nil || k.decode == nil || k.validate == nil {
				t.Errorf("row is missing Doc, Needs, Fits, decode or validate: %+v", k)
			}
			for _, key := range k.Keys {
				if !slices.Contains(checkKeys, key) {
					t.Errorf("key %q is not among the check keys the decoder allows", key)
				}
				if !slices.Contains(encodeOrder, key) {
					t.Errorf("key %q is not in encodeOrder: Marshal would drop it", key)
				}
			}
			if k.defaultGenerate != nil && !slices.Contains(k.Keys, "generate") {
				t.Errorf("a default generate, but the kind takes no generate key")
			}
		})
	}
}
