// Package lms connects batches to learning-management systems: it writes the Gradescope
// autograder package and reads Gradescope's submission metadata, and it turns the bulk
// downloads of Canvas, Brightspace, Moodle and Gradescope into submission folders that
// name their student and, where the download records it, their submission time (see
// Ingest). The gradebook files going back (Canvas, Brightspace) are grader/report's.
package lms
