package batch

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/optgrade/optgrade/grader"
)

// Progress is told how a batch advances. Run calls Start once, Done as each submission
// finishes (from one goroutine at a time), and Finish at the end.
type Progress interface {
	Start(total int)
	Done(student string, r *grader.Result, kept bool)
	Finish()
}

// NewProgress returns a Progress writing to w: on a terminal (live), one line rewritten in
// place — n/N, the time left, how many could not be graded so far; otherwise (a CI log)
// one line per student.
func NewProgress(w io.Writer, live bool) Progress {
	return &lineProgress{w: w, live: live, now: time.Now}
}

type lineProgress struct {
	w       io.Writer
	live    bool
	now     func() time.Time
	mu      sync.Mutex
	total   int
	done    int
	graded  int // graded in this run (not kept): the ETA counts only them
	failed  int // could not be graded at all
	started time.Time
	width   int // of the last live line, to blank it
}

func (p *lineProgress) Start(total int) {
	p.total, p.started = total, p.now()
}

func (p *lineProgress) Done(student string, r *grader.Result, kept bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if !kept {
		p.graded++
	}
	if r.Error != "" {
		p.failed++
	}
	if !p.live {
		note := ""
		switch {
		case kept:
			note = " (kept from an earlier run)"
		case r.Error != "":
			note = " (could not be graded)"
		}
		fmt.Fprintf(p.w, "[%*d/%d] %-24s %6.2f/%g%s\n", digits(p.total), p.done, p.total, student, r.Score, r.MaxScore, note)
		return
	}
	line := fmt.Sprintf("[%d/%d] %d%%", p.done, p.total, 100*p.done/max(p.total, 1))
	if left := p.total - p.done; left > 0 && p.graded > 0 {
		per := p.now().Sub(p.started) / time.Duration(p.graded)
		line += fmt.Sprintf(", about %s left", (per * time.Duration(left)).Round(time.Second))
	}
	if p.failed > 0 {
		line += fmt.Sprintf(", %d could not be graded", p.failed)
	}
	line += fmt.Sprintf(" — %s %g/%g", student, r.Score, r.MaxScore)
	pad := ""
	if n := p.width - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	p.width = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
}

func (p *lineProgress) Finish() {
	if p.live && p.done > 0 {
		fmt.Fprintln(p.w)
	}
}

func digits(n int) int { return len(fmt.Sprint(n)) }
