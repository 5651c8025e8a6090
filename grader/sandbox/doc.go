// Package sandbox isolates the processes of untrusted submissions (DESIGN.md §5). It is
// the only OS-specific code of optgrade.
//
// The portable API: Config.Start isolates and starts an *exec.Cmd; the *Process it
// returns is reaped in the background (Done), killed as a whole tree (Kill), and says why
// it ended (Wait: "exited with status 3", "was killed by SIGXCPU (…)"). Config.Describe
// says which isolation Start uses on this machine.
//
// One file per OS:
//
//	sandbox.go          the portable API, Config, Isolation
//	sandbox_unix.go     Linux and macOS: own session and process group (killed whole with
//	                    kill(-pgid)), nobody for a root grader, exit statuses
//	limits_unix.go      resource limits through prlimit(1) or the shell's ulimit
//	sandbox_linux.go    bubblewrap, its limit gate (prlimit(2) before the program runs),
//	                    the parent-death signal, waitid without reaping
//	orphans_linux.go    KillOrphans: the adopted leftovers of processes that left their group
//	sandbox_darwin.go   macOS: no bubblewrap, no parent-death signal
//	sandbox_windows.go  a job object: killed whole, capped memory, processes and CPU time;
//	                    no file-system isolation
//
// On Linux the program runs
//
//   - in its own session and process group, so that the grader kills it whole, with no
//     controlling terminal, and killed with SIGKILL if the thread of the grader that
//     started it goes away;
//   - under resource limits — CPU seconds, address space, processes, file size, no core
//     files — that only the child gets (setrlimit in the grader would limit the grader).
//     Inside bubblewrap the grader sets them with prlimit(2) on the sandbox's first
//     process while bwrap holds it, before anything of the submission runs (--info-fd,
//     --block-fd): no extra process. Without bubblewrap, or when that fails (then for the
//     rest of the grader's life), /usr/bin/prlimit sets them when it exists, else
//     `sh -c 'ulimit …; exec "$@"'`;
//   - inside bubblewrap (bwrap) where it works: /usr, /etc and the /bin, /lib, /lib64, /sbin
//     links read-only; the submission's own working copy bind-mounted writable at its own
//     path and used as the working directory; a private /tmp, /proc and /dev; every
//     namespace unshared (no network, own pid namespace); killed with the grader
//     (--die-with-parent). The rubric, the reference, other submissions and the results are
//     simply not there; no capabilities (--cap-drop ALL). Whether bwrap works is probed
//     once per grader process;
//   - as the unprivileged user nobody (65534) when the grader runs as root, inside
//     bubblewrap or not (bwrap itself then runs unprivileged; where only root may create
//     namespaces it runs as root without capabilities). The working copy is given to
//     nobody; if nobody cannot reach the program (a pyenv Python under /root) the
//     command keeps root and Isolation.Note says so.
//
// An interpreter outside the read-only system directories (a pyenv or conda Python, a
// virtualenv) is made visible read-only inside the sandbox: the prefix of the command's
// executable (the directory above its bin/) for both the path as given and the path it
// resolves to. A pyenv shim is a shell script that needs all of ~/.pyenv: resolve it to
// the real interpreter first (runner.Load does), or list extra directories in
// Config.ReadOnly.
//
// Processes that leave the process group (setsid) survive a group kill outside bubblewrap;
// inside it they die with the pid namespace. On Linux the grader is a child subreaper:
// such a process becomes its child once its parent ends, and KillOrphans (called as each
// started process ends, and by the command before it exits) kills every child of the
// grader outside the grader's own session and those of the started processes still
// running. On macOS they escape. RLIMIT_NPROC is not enforced by the kernel for
// root, which is one more reason for the switch to nobody; for nobody it counts the
// processes and threads of every submission running at once.
//
// On macOS the same holds without bubblewrap (nothing hides the file system) and without
// the parent-death signal. On Windows a job object kills the whole tree and caps memory,
// processes and CPU time, and nothing hides the file system either.
package sandbox
