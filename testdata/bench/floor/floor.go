// Command floor measures what no grader written in Go can go under on this machine (see
// ../ratio.sh). Without arguments it does nothing: its run time is the cost of starting and
// ending a Go program. "roundtrip N" sends N short lines, one at a time, to a copy of itself
// that echoes them (a pipe round trip: the floor of a free-running step), and prints µs per
// round trip; "pipelined N" sends N lines without waiting and prints lines per second (the
// floor of a teacher-forced step). "echo" is the copy's part.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// line is about the size of a short request.
var line = []byte(`{"id":1,"fn":"adam_step","args":{"w":[1,-2,0.5],"g":[0.1,-0.2,0.3],"t":1}}` + "\n")

func main() {
	if len(os.Args) < 2 {
		return
	}
	if os.Args[1] == "echo" {
		echo()
		return
	}
	n, err := strconv.Atoi(os.Args[len(os.Args)-1])
	if err != nil || n <= 0 {
		fmt.Fprintln(os.Stderr, "usage: floor [roundtrip N | pipelined N]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[0], "echo")
	in, err := cmd.StdinPipe()
	check(err)
	out, err := cmd.StdoutPipe()
	check(err)
	check(cmd.Start())
	r := bufio.NewReaderSize(out, 64<<10)
	start := time.Now()
	switch os.Args[1] {
	case "roundtrip":
		for range n {
			_, err := in.Write(line)
			check(err)
			_, err = r.ReadSlice('\n')
			check(err)
		}
		fmt.Printf("%.1f\n", float64(time.Since(start).Nanoseconds())/1e3/float64(n))
	case "pipelined":
		go func() {
			w := bufio.NewWriterSize(in, 64<<10)
			for range n {
				w.Write(line)
			}
			check(w.Flush())
		}()
		for range n {
			_, err := r.ReadSlice('\n')
			check(err)
		}
		fmt.Printf("%.0f\n", float64(n)/time.Since(start).Seconds())
	default:
		fmt.Fprintln(os.Stderr, "usage: floor [roundtrip N | pipelined N]")
		os.Exit(2)
	}
	in.Close()
	check(cmd.Wait())
}

// echo writes back every line it reads, at once.
func echo() {
	r := bufio.NewReaderSize(os.Stdin, 64<<10)
	for {
		l, err := r.ReadSlice('\n')
		if err != nil {
			return
		}
		if _, err := os.Stdout.Write(l); err != nil {
			return
		}
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
