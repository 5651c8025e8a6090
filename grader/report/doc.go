// Package report renders grading results (grader.Result) for people and for machines.
//
// Single results are written by the formats of one table (see Formats, Lookup, Names);
// each is a file of this package:
//
//   - text: the terminal report — per task a PASS/FAIL/PART line with its points, under a
//     failed check what was called, what came back, what was wanted and the likely
//     mistake, then the student's own output, the late penalty and the total. ANSI colour
//     only when Options.Color is set.
//   - json: optgrade's own versioned JSON, the Result itself (grader.ResultVersion).
//   - markdown: the same feedback as Markdown, for feedback.md and a GitHub Actions step
//     summary.
//   - junit: JUnit XML, one testsuite per task and one testcase per check, for CI test
//     reporters (GitHub Actions, Jenkins, GitLab).
//   - gradescope: Gradescope's autograder results.json.
//   - html: one self-contained page (inline CSS, inline SVG plots from the figure
//     subpackage, no script, nothing loaded) with every check, the failing cases in full,
//     and the student's curves beside the reference's.
//
// Batches of results are written by WriteGradebook (gradebook.csv), WriteBrightspace (a
// Brightspace grade-import CSV) and WriteSummary (statistics computed by Summary).
//
// Every output is deterministic: it holds nothing that is not in the Result (no clock, no
// environment), so it can be compared with golden files. The package imports grader and
// never a command-line package.
package report
