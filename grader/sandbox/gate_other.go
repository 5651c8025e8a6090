//go:build !linux

package sandbox

import "errors"

// limitGate exists on Linux only (bubblewrap): elsewhere limits are set by a wrapper or
// a job object, and the gate is always nil.
type limitGate struct{}

func (*limitGate) started()            {}
func (*limitGate) close()              {}
func (*limitGate) open(*Process) error { return nil }

// errGate is never returned without a gate.
var errGate = errors.New("sandbox: no gate")
