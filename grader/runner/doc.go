// Package runner runs submissions: it starts a submission, speaks the wire protocol
// (DESIGN.md §1) with it and hands the grader one Reply per Call.
//
// The files, one concern each:
//
//	conn.go       Call, Reply and the Conn and Runner interfaces the grader uses
//	wire.go       the codec: request lines out, response lines in (NaN and ±Infinity both ways)
//	kinds.go      the table of submission kinds: how each is detected, loaded, prepared, started
//	load.go       Load: a submission folder and its optgrade.yaml → a Submission
//	manifest.go   the optgrade.yaml decoder
//	python.go     finding the Python interpreter, pyenv shims, the numpy check
//	process.go    ProcessRunner and its Settings: one OS process per submission
//	session.go    ProcessConn: the protocol session (hello, pipelined calls, faults, restarts)
//	supervise.go  starting, reaping and killing the process in the sandbox
//	output.go     reading stdout (responses vs the student's prints) and stderr, capped
//	workcopy.go   the fresh working copy of the submission folder
//	fault.go      ProcessFault: what went wrong with a call, in one sentence
//	reference.go  ReferenceRunner: the reference answering in process (lint, tests)
//
// Isolation itself (bubblewrap, limits, the user, killing the whole tree) is package
// sandbox, the only OS-specific code.
package runner
