package sandbox

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// A process that leaves its process group (setsid, a daemon's double fork) survives the
// group kill. The grader is a child subreaper (adoptOrphans): when such a process's parent
// ends, it becomes the grader's child. KillOrphans then kills it: every child of the grader
// in a session that is neither the grader's own (its helpers: go build, the interpreter
// probe) nor that of a started process still running (its workers, which it may still
// need) is the leftover of a submission.

// maxOrphanRounds bounds the rounds of KillOrphans: each kill may hand the grader the
// dead orphan's own children, killed in the next round.
const maxOrphanRounds = 64

// KillOrphans kills and reaps the grader's adopted orphans: its children in a session
// other than its own and other than those of the processes Start started that have not
// ended. Start's processes call it when they end; call it also before the grader exits.
// A process started with a new session other than by Start (whose tracking it lacks)
// would be killed too: start every such process through startTracked.
func KillOrphans() {
	tracked.Lock()
	defer tracked.Unlock()
	if !haveChildren() {
		return // an orphan is a child: nothing to scan for
	}
	me, mine := os.Getpid(), unix.Getpgrp()
	if sid, err := unix.Getsid(0); err == nil {
		mine = sid
	}
	for range maxOrphanRounds {
		victims := orphans(me, mine)
		if len(victims) == 0 {
			return
		}
		for _, pid := range victims {
			killChild(pid, me)
		}
		deadline := time.Now().Add(time.Second)
		for _, pid := range victims {
			reapChild(pid, deadline)
		}
	}
}

// haveChildren reports whether the grader has a child process at all, running or ended
// and not yet reaped (one system call; nothing is reaped). In doubt, true.
func haveChildren() bool {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT|unix.WALL, nil)
		if err != unix.EINTR {
			return err != unix.ECHILD
		}
	}
}

// orphans lists the children of the grader (pid me, session mine) that belong to no live
// started process.
func orphans(me, mine int) []int {
	var pids []int
	for _, pid := range children(me) {
		ppid, sid, ok := procStat(pid)
		if ok && ppid == me && sid != mine && !tracked.live[sid] && !tracked.live[pid] {
			pids = append(pids, pid)
		}
	}
	return pids
}

// children lists the processes that may be children of the grader (pid me): those of
// /proc/self/task/*/children (an adopted orphan may be the child of any of its threads), or
// every process where the kernel has no such file.
func children(me int) []int {
	var pids []int
	tasks, err := os.ReadDir("/proc/self/task")
	for _, t := range tasks {
		b, rerr := os.ReadFile("/proc/self/task/" + t.Name() + "/children")
		if rerr != nil {
			err = rerr
			break
		}
		for _, f := range bytes.Fields(b) {
			if pid, err := strconv.Atoi(string(f)); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	if err == nil {
		return pids
	}
	entries, _ := os.ReadDir("/proc")
	pids = pids[:0]
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil && pid != me {
			pids = append(pids, pid)
		}
	}
	return pids
}

// procStat reads a process's parent and session from /proc/<pid>/stat.
func procStat(pid int) (ppid, sid int, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// pid (comm) state ppid pgrp session …: comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 4 {
		return 0, 0, false
	}
	ppid, err1 := strconv.Atoi(string(f[1]))
	sid, err2 := strconv.Atoi(string(f[3]))
	return ppid, sid, err1 == nil && err2 == nil
}

// killChild sends SIGKILL to the child pid. Through a pidfd, checked to still be a child of
// me once open, it cannot hit another process that reused the number.
func killChild(pid, me int) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		if errors.Is(err, unix.ENOSYS) {
			_ = unix.Kill(pid, unix.SIGKILL) // before Linux 5.3: only we reap our children
		}
		return
	}
	defer unix.Close(fd)
	if ppid, _, ok := procStat(pid); ok && ppid == me {
		_ = unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
	}
}

// reapChild reaps the killed child pid, waiting at most until deadline.
func reapChild(pid int, deadline time.Time) {
	pause := minPause
	for {
		var ws unix.WaitStatus
		got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil)
		switch {
		case err == unix.EINTR:
			continue
		case got == pid || err != nil || time.Now().After(deadline):
			return // reaped, or not our child any more (ECHILD)
		}
		time.Sleep(pause)
		pause = min(2*pause, maxPause)
	}
}
