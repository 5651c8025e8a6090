package runner

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"sync"
	"time"
)

// A kit marks each call on stderr, so that what the student prints can be shown next to
// the call it happened in: a line "\x1eoptgrade call ID" before the call and
// "\x1eoptgrade end ID" after it (ID is the request's id). The marker lines are not the
// student's output; a submission that prints none gets no output per call.
const (
	markCall = "\x1eoptgrade call "
	markEnd  = "\x1eoptgrade end "
	// callOutputCap bounds what is kept of one call's output.
	callOutputCap = 8 << 10
)

// callOutput keeps the output of each marked call until Do takes it.
type callOutput struct {
	mu     sync.Mutex
	cur    int64 // the call being answered, -1 between calls
	bufs   map[int64][]byte
	drop   map[int64]int
	ended  map[int64]bool
	marked bool // some marker was seen
	// moved, made by a take that waits, is closed (and cleared) when a marker is read.
	moved chan struct{}
}

func newCallOutput() *callOutput {
	return &callOutput{cur: -1, bufs: map[int64][]byte{}, drop: map[int64]int{}, ended: map[int64]bool{}}
}

// line takes one line of stderr (start says it starts a line); it reports whether the line
// is a marker, which is not the student's output.
func (co *callOutput) line(b []byte, start bool) bool {
	co.mu.Lock()
	defer co.mu.Unlock()
	if start && len(b) > 0 && b[0] == 0x1e {
		t := bytes.TrimRight(b, "\r\n")
		for _, m := range []string{markCall, markEnd} {
			if !bytes.HasPrefix(t, []byte(m)) {
				continue
			}
			id, err := strconv.ParseInt(string(t[len(m):]), 10, 64)
			if err != nil {
				return false
			}
			co.marked = true
			if co.moved != nil {
				close(co.moved)
				co.moved = nil
			}
			if m == markCall {
				co.cur = id
			} else {
				co.cur = -1
				co.ended[id] = true
			}
			return true
		}
	}
	if co.cur >= 0 {
		room := callOutputCap - len(co.bufs[co.cur])
		if room >= len(b) {
			co.bufs[co.cur] = append(co.bufs[co.cur], b...)
		} else {
			co.bufs[co.cur] = append(co.bufs[co.cur], b[:max(room, 0)]...)
			co.drop[co.cur] += len(b) - max(room, 0)
		}
	}
	return false
}

// expectMarks says the submission marks its calls (its hello said so), before any marker
// has been read.
func (co *callOutput) expectMarks() {
	co.mu.Lock()
	co.marked = true
	co.mu.Unlock()
}

// take returns and forgets call id's output. For a marked call it first waits, briefly,
// for its end marker (stderr is read alongside the responses and may lag behind them).
func (co *callOutput) take(id int64, wait bool) string {
	var timeout <-chan time.Time
	co.mu.Lock()
	defer co.mu.Unlock()
	for wait && co.marked && !co.ended[id] && co.cur <= id {
		if timeout == nil {
			t := time.NewTimer(200 * time.Millisecond)
			defer t.Stop()
			timeout = t.C
		}
		if co.moved == nil {
			co.moved = make(chan struct{})
		}
		moved := co.moved
		co.mu.Unlock()
		select {
		case <-moved:
			co.mu.Lock()
		case <-timeout:
			co.mu.Lock()
			wait = false
		}
	}
	out := string(co.bufs[id])
	if n := co.drop[id]; n > 0 {
		out += "… [" + strconv.Itoa(n) + " bytes dropped]\n"
	}
	delete(co.bufs, id)
	delete(co.drop, id)
	delete(co.ended, id)
	return out
}

// readStderr copies stderr to out, keeps its tail for messages, and gives each line to
// calls, which keeps it per call and drops the kit's call markers.
func (p *process) readStderr(out *output, calls *callOutput) {
	defer p.readers.Done()
	var src io.Reader = p.stderr
	if pr := newPipeReader(p.stderr); pr != nil {
		src = pr // raw reads: no wake-up of the runtime's monitor per read
	}
	br := bufio.NewReaderSize(src, 32<<10)
	start := true
	for {
		chunk, err := br.ReadSlice('\n')
		if !p.meter.add(len(chunk)) {
			p.kill()
			return
		}
		if len(chunk) > 0 && !calls.line(chunk, start) {
			out.Write(chunk)
			p.tail.Write(chunk)
		}
		start = err == nil
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}
