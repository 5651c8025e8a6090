package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// On Windows a submission runs in a job object of its own: every process it starts joins
// the job, and the grader kills the job whole (TerminateJobObject, and
// KILL_ON_JOB_CLOSE when the grader lets go of it or dies). The job caps the memory of all
// its processes together, their number, and the CPU time of each. There is no file-system
// isolation and no user switch: the submission can read whatever the grader's user can.
// The submission is created suspended, put in its job, and only then resumed: nothing it
// starts can escape the job.

const treeWords = "Windows job object (killed whole); no file-system isolation: the submission can read whatever the grader's user can"

var errNoBwrap = errors.New("bubblewrap is Linux-only")

// Bubblewrap says that there is no bubblewrap on Windows.
func Bubblewrap() (string, error) { return "", errNoBwrap }

func (c Config) plan() Isolation {
	var iso Isolation
	if c.Disable {
		return iso
	}
	iso.Fallback = errNoBwrap.Error()
	var words []string
	if cpu := pick(int64(c.CPUSeconds), DefaultCPUSeconds); cpu > 0 {
		words = append(words, fmt.Sprintf("cpu %d s per process", cpu))
	}
	if mem := pick(c.MemoryBytes, DefaultMemoryBytes); mem > 0 {
		words = append(words, "memory "+byteSize(mem))
	}
	if n := pick(int64(c.Processes), DefaultProcesses); n > 0 {
		words = append(words, fmt.Sprintf("%d processes", n))
	}
	if len(words) > 0 {
		iso.Limits, iso.limits = "job object", strings.Join(words, ", ")
	}
	return iso
}

// apply prepares cmd: its own console process group, dir as its working directory.
func (c Config) apply(cmd *exec.Cmd, dir string) (Isolation, *limitGate, error) {
	if cmd.Err != nil {
		return Isolation{}, nil, cmd.Err
	}
	if !c.Disable && !filepath.IsAbs(dir) {
		return Isolation{}, nil, fmt.Errorf("sandbox: working directory %q is not absolute", dir)
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &windows.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= windows.CREATE_NEW_PROCESS_GROUP | windows.CREATE_SUSPENDED
	if cmd.Dir == "" {
		cmd.Dir = dir
	}
	return c.plan(), nil, nil
}

// tree is a job object.
type tree struct{ job windows.Handle }

// startTree makes the job, starts cmd and puts it in the job.
func (c Config) startTree(cmd *exec.Cmd) (tree, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return tree{}, fmt.Errorf("sandbox: create a job object: %w", err)
	}
	var info windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if !c.Disable {
		if cpu := pick(int64(c.CPUSeconds), DefaultCPUSeconds); cpu > 0 {
			info.BasicLimitInformation.LimitFlags |= windows.JOB_OBJECT_LIMIT_PROCESS_TIME
			info.BasicLimitInformation.PerProcessUserTimeLimit = cpu * 10_000_000 // 100 ns units
		}
		if mem := pick(c.MemoryBytes, DefaultMemoryBytes); mem > 0 {
			info.BasicLimitInformation.LimitFlags |= windows.JOB_OBJECT_LIMIT_JOB_MEMORY
			info.JobMemoryLimit = uintptr(mem)
		}
		if n := pick(int64(c.Processes), DefaultProcesses); n > 0 {
			info.BasicLimitInformation.LimitFlags |= windows.JOB_OBJECT_LIMIT_ACTIVE_PROCESS
			info.BasicLimitInformation.ActiveProcessLimit = uint32(n)
		}
	}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return tree{}, fmt.Errorf("sandbox: limit the job object: %w", err)
	}
	if err := cmd.Start(); err != nil {
		windows.CloseHandle(job)
		return tree{}, err
	}
	// apply created the process suspended: it runs only once it is in the job.
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid))
	if err == nil {
		err = windows.AssignProcessToJobObject(job, h)
		windows.CloseHandle(h)
		if err != nil {
			err = fmt.Errorf("put the process in its job object: %w", err)
		}
	}
	if err == nil {
		err = resume(uint32(cmd.Process.Pid))
	}
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		windows.CloseHandle(job)
		return tree{}, fmt.Errorf("sandbox: %w", err)
	}
	return tree{job: job}, nil
}

// resume resumes the threads of the suspended process pid (one: its main thread). os/exec
// closes the thread handle CreateProcess returns, so the thread is found by a snapshot.
func resume(pid uint32) error {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPTHREAD, 0)
	if err != nil {
		return fmt.Errorf("resume the process: %w", err)
	}
	defer windows.CloseHandle(snap)
	var te windows.ThreadEntry32
	te.Size = uint32(unsafe.Sizeof(te))
	resumed := 0
	for err = windows.Thread32First(snap, &te); err == nil; err = windows.Thread32Next(snap, &te) {
		if te.OwnerProcessID != pid {
			continue
		}
		th, err := windows.OpenThread(windows.THREAD_SUSPEND_RESUME, false, te.ThreadID)
		if err != nil {
			return fmt.Errorf("resume the process: %w", err)
		}
		_, err = windows.ResumeThread(th)
		windows.CloseHandle(th)
		if err != nil {
			return fmt.Errorf("resume the process: %w", err)
		}
		resumed++
	}
	if resumed == 0 {
		return errors.New("resume the process: it has no thread")
	}
	return nil
}

func (t tree) kill() { _ = windows.TerminateJobObject(t.job, 1) }

// reap reaps the process, then kills and closes its job (whatever it left running dies).
func (p *Process) reap() {
	_ = p.cmd.Wait()
	p.mu.Lock()
	p.tree.kill()
	windows.CloseHandle(p.tree.job)
	p.reaped = true
	p.mu.Unlock()
}

func exitReason(st *os.ProcessState, _ Isolation) string {
	return fmt.Sprintf("exited with status %d", st.ExitCode())
}

// Alive reports whether a process with this pid is running.
func Alive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, windows.ERROR_ACCESS_DENIED)
	}
	defer windows.CloseHandle(h)
	var code uint32
	const stillActive = 259
	return windows.GetExitCodeProcess(h, &code) == nil && code == stillActive
}

// KillOrphans does nothing on Windows: a job object holds every process a submission
// starts, and is killed whole when it ends.
func KillOrphans() {}
