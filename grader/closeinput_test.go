package grader

import (
	"context"
	"testing"
)

// Once the grader's last call is answered, it tells the submission that no more calls
// will come (runner.InputCloser), so that the submission ends while the answers are
// scored — only then: a Do after it would cost a restart, which TestPipelineFaults would
// see as a difference from one Do per check.
func TestPipelineClosesInputAfterTheLastCall(t *testing.T) {
	for _, tc := range []struct {
		name    string
		replace []string
	}{
		{"correct", nil},
		{"two mistakes", twoMistakes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &fakeProcess{replace: tc.replace}
			courseGrader(t).Grade(context.Background(), fakeRunner{p}, "s", "", Submitted{})
			if p.closeInputs != 1 || p.dosBeforeClose != p.dos || p.starts != 1 {
				t.Errorf("CloseInput called %d times, after %d of %d Do calls, %d starts; want once, after the last, 1 start",
					p.closeInputs, p.dosBeforeClose, p.dos, p.starts)
			}
		})
	}
}
