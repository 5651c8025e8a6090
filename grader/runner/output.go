package runner

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// readStdout reads stdout line by line. A line that starts with '{' is read whole (up to
// lineCap bytes; helloCap for the first response) and decoded; a response goes to events,
// anything else to out. Other lines stream to out without being held in memory, so a
// flood costs no memory. Every byte counts against the submission's byte budget.
//
// Events go to the exchange in batches: one hand-off for all the responses of a read,
// made before the next read that may block (and after at most maxBatch events).
func (p *process) readStdout(out *output, lineCap, helloCap int) {
	defer p.readers.Done()
	defer close(p.events)
	var batch []event
	flush := func() {
		if len(batch) == 0 {
			return
		}
		select {
		case p.events <- batch:
		case <-p.quit:
		}
		batch = nil
	}
	defer flush()
	send := func(ev event) {
		if batch == nil {
			select {
			case batch = <-p.free:
			default:
				batch = make([]event, 0, maxBatch)
			}
		}
		if batch = append(batch, ev); len(batch) >= maxBatch {
			flush()
		}
	}
	const (
		lineStart = iota
		stray     // streaming a stray line to out
		candidate // collecting a line that starts with '{'
		discard   // skipping the rest of an over-long line
	)
	br := bufio.NewReaderSize(p.stdout, 64<<10)
	state := lineStart
	limit := min(lineCap, helloCap)
	var long []byte
	for {
		if b, _ := br.Peek(br.Buffered()); bytes.IndexByte(b, '\n') < 0 {
			flush() // the next read may block
		}
		chunk, err := br.ReadSlice('\n')
		complete := err == nil
		if !p.meter.add(len(chunk)) {
			send(event{fault: p.meter.message()})
			flush()
			p.kill()
			return
		}
		if len(chunk) > 0 {
			if state == lineStart {
				state = stray
				if t := bytes.TrimLeft(chunk, " \t\r"); len(t) > 0 && t[0] == '{' {
					state = candidate
				}
			}
			switch state {
			case stray:
				out.Write(chunk)
				if !complete && err != bufio.ErrBufferFull {
					out.Write([]byte("\n"))
				}
			case candidate:
				line := chunk
				if !complete || long != nil {
					long = append(long, chunk...)
					line = long
				}
				if len(line) > limit {
					long = nil
					send(event{fault: fmt.Sprintf("sent a line longer than %s (the limit of one answer)", byteSize(int64(limit)))})
					state = discard
					break
				}
				if complete || err != bufio.ErrBufferFull {
					p.decode(line, complete, out, send)
					limit = lineCap
					long = nil
				}
			}
			if complete {
				state = lineStart
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// decode decodes one complete line that starts with '{', within the values the current
// exchange has left, and hands on a response, a refusal, or a stray print.
func (p *process) decode(line []byte, complete bool, out *output, send func(event)) {
	allow := int(p.allow.Load())
	resp, kind, near, spent := decodeResponse(line, max(allow, 0))
	p.allow.Add(-int64(spent))
	switch kind {
	case isResponse:
		send(event{resp: resp})
	case badResponse:
		send(event{fault: "sent an answer the grader refuses: " + near})
	default:
		if near != "" {
			p.mu.Lock()
			p.near = near + ": " + clip(string(bytes.TrimSpace(line)), 200)
			p.mu.Unlock()
		}
		out.Write(line)
		if !complete {
			out.Write([]byte("\n"))
		}
	}
}

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
