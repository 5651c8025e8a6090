package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/optgrade/optgrade/grader"
)

// The JUnit XML elements written, in the shape CI test reporters read (Jenkins' JUnit
// schema, as gotestsum writes it): <testsuites> of <testsuite> of <testcase>, each case
// with at most one of <skipped>, <error>, <failure>.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr,omitempty"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string           `xml:"name,attr"`
		Tests      int              `xml:"tests,attr"`
		Failures   int              `xml:"failures,attr"`
		Errors     int              `xml:"errors,attr"`
		Skipped    int              `xml:"skipped,attr"`
		Time       string           `xml:"time,attr"`
		Properties *junitProperties `xml:"properties,omitempty"`
		Cases      []junitCase      `xml:"testcase"`
		SystemOut  string           `xml:"system-out,omitempty"`
	}
	junitProperties struct {
		List []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Skipped   *junitMessage `xml:"skipped,omitempty"`
		Error     *junitMessage `xml:"error,omitempty"`
		Failure   *junitMessage `xml:"failure,omitempty"`
	}
	junitMessage struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr,omitempty"`
		Body    string `xml:",chardata"`
	}
)

// JUnit writes r as JUnit XML: one <testsuite> per task (named by its id, with the task's
// function, score and max_score as properties, and precision float32 when its results were
// judged as single precision) and one <testcase> per check (classname the
// task id). A failed or partial check has a <failure> (message: the check's message; body:
// the message, the further failing cases, the hint and the score), an errored check an
// <error>, a check not attempted a <failure> of type not_implemented (never <skipped>, which
// CI reporters count as passed). The student's own output is the <system-out>
// of the first suite with a check that did not pass (it is one output for all tasks). A submission that could not be graded at
// all adds a first suite "submission" with one errored case. Times are 0 except the total
// on <testsuites>, the time spent grading. Options are ignored.
func JUnit(w io.Writer, r *grader.Result, _ Options) error {
	doc := junitSuites{Name: r.Assignment, Time: fmt.Sprintf("%.3f", r.Elapsed)}
	if r.Error != "" {
		doc.Suites = append(doc.Suites, junitSuite{
			Name: "submission", Tests: 1, Errors: 1, Time: "0",
			Cases: []junitCase{{
				Name: "grade", Classname: "submission", Time: "0",
				Error: &junitMessage{Message: firstLine(r.Error), Type: "error", Body: r.Error},
			}},
		})
	}
	for i := range r.Tasks {
		t := &r.Tasks[i]
		s := junitSuite{
			Name: t.ID, Time: "0",
			Properties: &junitProperties{[]junitProperty{
				{Name: "title", Value: t.Title},
				{Name: "function", Value: t.Function},
				{Name: "score", Value: points(t.Score, 4)},
				{Name: "max_score", Value: points(t.MaxScore, 4)},
			}},
		}
		if float32Task(t) {
			s.Properties.List = append(s.Properties.List, junitProperty{Name: "precision", Value: "float32"})
		}
		if t.Location != "" {
			s.Properties.List = append(s.Properties.List, junitProperty{Name: "location", Value: t.Location})
		}
		where := ""
		if w := whereDefined(t); w != "" {
			where = w + ": " // leads the message of every check that did not pass
		}
		for j := range t.Checks {
			c := &t.Checks[j]
			tc := junitCase{Name: c.Name, Classname: t.ID, Time: "0"}
			switch c.Status {
			case grader.Pass:
			case grader.NotImplemented:
				// A failure, not <skipped>: CI reporters show skipped tests as green, and a
				// check not attempted costs its points.
				msg := "not attempted"
				if c.Message != "" {
					msg += ": " + firstLine(c.Message)
				}
				tc.Failure = &junitMessage{Message: where + msg, Type: string(c.Status), Body: where + msg + fmt.Sprintf("\n\n0/%s points", points(c.MaxScore, 4))}
				s.Failures++
			case grader.Error:
				tc.Error = &junitMessage{Message: where + firstLine(c.Message), Type: string(c.Status), Body: where + junitBody(c)}
				s.Errors++
			default:
				tc.Failure = &junitMessage{Message: where + firstLine(c.Message), Type: string(c.Status), Body: where + junitBody(c)}
				s.Failures++
			}
			s.Cases = append(s.Cases, tc)
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}
	// The student's output, once: on the first suite with a check that did not pass.
	for i := range doc.Suites {
		if s := &doc.Suites[i]; s.Failures+s.Errors+s.Skipped > 0 {
			s.SystemOut = r.Output
			break
		}
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}
	out, err := xml.MarshalIndent(doc, "", "\t")
	if err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	if _, err := w.Write(out); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// junitBody is the text of a <failure> or <error>: the message, the further failing cases
// (all of them: CI reporters fold long bodies), the hint and the check's score.
func junitBody(c *grader.CheckResult) string {
	var b strings.Builder
	b.WriteString(c.Message)
	for _, d := range c.Details {
		b.WriteString("\n" + d)
	}
	if c.Hint != "" {
		b.WriteString("\n\nLikely mistake: " + c.Hint)
	}
	fmt.Fprintf(&b, "\n\n%s/%s points", points(c.Score, 4), points(c.MaxScore, 4))
	if c.Cases > 1 {
		fmt.Fprintf(&b, ", %d/%d cases passed", c.Passed, c.Cases)
	}
	return b.String()
}

// firstLine is the first line of s (attributes are shown on one line by most reporters).
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
