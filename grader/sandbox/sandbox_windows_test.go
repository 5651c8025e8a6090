package sandbox

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// children lists the running processes whose parent is pid, by executable name.
func children(t *testing.T, pid uint32) []string {
	t.Helper()
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer windows.CloseHandle(snap)
	var pe windows.ProcessEntry32
	pe.Size = uint32(unsafe.Sizeof(pe))
	var names []string
	for err = windows.Process32First(snap, &pe); err == nil; err = windows.Process32Next(snap, &pe) {
		if pe.ParentProcessID == pid && pe.ProcessID != 0 {
			names = append(names, windows.UTF16ToString(pe.ExeFile[:]))
		}
	}
	return names
}

// A process created suspended, put in its job and resumed runs normally, and what it
// starts belongs to the job: it dies when the submission ends.
func TestStartSuspendedInJob(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Getenv("ComSpec"), "/c", `start "" /b ping -n 60 127.0.0.1 >NUL & exit 3`)
	p, err := Config{}.Start(cmd, dir)
	if err != nil {
		t.Fatal(err)
	}
	pid := uint32(p.Pid())
	if why := p.Wait(); why != "exited with status 3" {
		t.Errorf("Wait() = %q: the resumed process did not run to its end", why)
	}
	time.Sleep(200 * time.Millisecond)
	for _, name := range children(t, pid) {
		if strings.EqualFold(name, "ping.exe") {
			t.Errorf("%s, started by the submission, outlived it: it escaped the job", name)
		}
	}
}
