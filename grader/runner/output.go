package runner

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// meter counts the bytes a submission sent — answers and output, over the life of its
// Conn and every restart — against its byte budget.
type meter struct {
	n     atomic.Int64
	limit int64
}

// add counts k bytes and reports whether the total is still within the budget.
func (m *meter) add(k int) bool { return m.n.Add(int64(k)) <= m.limit }

func (m *meter) over() bool { return m.n.Load() > m.limit }

func (m *meter) message() string {
	return fmt.Sprintf("sent more than %s of answers and output in all (the limit per submission)", byteSize(m.limit))
}

// output keeps the head of the submission's output, up to limit bytes, and counts the
// rest.
type output struct {
	mu      sync.Mutex
	buf     []byte
	limit   int
	dropped int64
}

// Write keeps what fits and counts the rest; it never fails.
func (o *output) Write(b []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	room := o.limit - len(o.buf)
	if room >= len(b) {
		o.buf = append(o.buf, b...)
	} else {
		if room > 0 {
			o.buf = append(o.buf, b[:room]...)
		}
		o.dropped += int64(len(b) - max(room, 0))
	}
	return len(b), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := string(o.buf)
	if o.dropped > 0 {
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += fmt.Sprintf("… [%d bytes dropped]\n", o.dropped)
	}
	return s
}

// tail keeps the last tailBytes of a stream.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(b) >= tailBytes {
		t.buf = append(t.buf[:0], b[len(b)-tailBytes:]...)
		return
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > 2*tailBytes {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-tailBytes:]...)
	}
}

// String returns the last few non-empty lines, trimmed.
func (t *tail) String() string {
	t.mu.Lock()
	s := string(t.buf)
	t.mu.Unlock()
	if len(s) > tailBytes {
		s = s[len(s)-tailBytes:]
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
