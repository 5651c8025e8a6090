package runner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
)

// stdoutReader reads the submission's stdout line by line. A line that starts with '{'
// is read whole (up to lineCap bytes; helloCap for the first response) and decoded; a
// response becomes an event, anything else goes to out. Other lines stream to out
// without being held in memory, so a flood costs no memory. Every byte counts against
// the submission's byte budget.
//
// Where stdout's pipe has deadlines (Linux, macOS), the exchange reads it itself while it
// waits for answers (p.direct): an answer wakes the goroutine that waits for it, with no
// hand-off. Elsewhere readStdout reads it in a goroutine of its own.
type stdoutReader struct {
	p              *process
	out            *output
	br             *bufio.Reader
	state          int
	limit, lineCap int
	long           []byte      // a candidate line read in parts
	ended          bool        // stdout ended (or the process was killed for its bytes)
	pipe           *pipeReader // direct: stdout, read with deadlines or without waiting
}

const (
	lineStart = iota
	stray     // streaming a stray line to out
	candidate // collecting a line that starts with '{'
	discard   // skipping the rest of an over-long line
)

func newStdoutReader(p *process, out *output, lineCap, helloCap int, pipe *pipeReader) *stdoutReader {
	r := &stdoutReader{p: p, out: out, limit: min(lineCap, helloCap), lineCap: lineCap, pipe: pipe}
	if pipe != nil {
		r.br = bufio.NewReaderSize(pipe, 64<<10)
	} else {
		r.br = bufio.NewReaderSize(p.stdout, 64<<10)
	}
	return r
}

// lineBuffered reports whether a whole line is buffered: reading it needs no read.
func (r *stdoutReader) lineBuffered() bool {
	b, _ := r.br.Peek(r.br.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}

// errWouldBlock is a read that would have waited (see pipeReader).
var errWouldBlock = errors.New("no data yet")

// partial reports whether a read ended with this error in the middle of a line that may
// go on: a line longer than the buffer, a read deadline, or a read that would wait.
func partial(err error) bool {
	return err == bufio.ErrBufferFull || errors.Is(err, os.ErrDeadlineExceeded) || err == errWouldBlock
}

// read reads one line, or the part of one that came, and gives its events to emit. It
// returns the read's error when the line was cut short by a deadline or a read that
// would wait; at the end of stdout, r.ended is set.
func (r *stdoutReader) read(emit func(event)) error {
	p := r.p
	chunk, err := r.br.ReadSlice('\n')
	complete := err == nil
	more := complete || partial(err)
	if !p.meter.add(len(chunk)) {
		emit(event{fault: p.meter.message()})
		p.kill()
		r.ended = true
		return nil
	}
	if len(chunk) > 0 {
		if r.state == lineStart {
			r.state = stray
			if t := bytes.TrimLeft(chunk, " \t\r"); len(t) > 0 && t[0] == '{' {
				r.state = candidate
			}
		}
		switch r.state {
		case stray:
			r.out.Write(chunk)
			if !more {
				r.out.Write([]byte("\n"))
			}
		case candidate:
			line := chunk
			if !complete || r.long != nil {
				r.long = append(r.long, chunk...)
				line = r.long
			}
			if len(line) > r.limit {
				r.long = nil
				emit(event{fault: fmt.Sprintf("sent a line longer than %s (the limit of one answer)", byteSize(int64(r.limit)))})
				r.state = discard
				break
			}
			if complete || !more {
				p.decode(line, complete, r.out, emit)
				r.limit = r.lineCap
				r.long = nil
			}
		}
		if complete {
			r.state = lineStart
		}
	}
	if !more {
		r.ended = true
		return nil
	}
	if complete {
		return nil
	}
	return err
}

// readStdout reads stdout in a goroutine (where the pipe has no deadlines). Events go to
// the exchange in batches: one hand-off for all the responses of a read, made before the
// next read that may block (and after at most maxBatch events).
func (p *process) readStdout(r *stdoutReader) {
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
		if batch = append(batch, ev); len(batch) >= maxBatch || ev.fault != "" {
			flush()
		}
	}
	for !r.ended {
		if !r.lineBuffered() {
			flush() // the next read may block
		}
		r.read(send)
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
