package rubric

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// This file reports what stops a rubric from being read as YAML at all: a file over
// MaxFileSize, an encoding other than UTF-8, and YAML syntax errors, each with a position.

// yamlErrLine reads yaml.v3's syntax errors; compiled on first use (on a broken rubric only).
var yamlErrLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// checkBytes records an error and reports false when data is too large or not UTF-8.
func (d *decoder) checkBytes(data []byte) bool {
	if len(data) > MaxFileSize {
		d.errs = append(d.errs, Error{File: d.file, Msg: fmt.Sprintf("the file is larger than %d bytes (%d MiB), the limit for a rubric", MaxFileSize, MaxFileSize>>20)})
		return false
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		d.errs = append(d.errs, Error{File: d.file, Line: 1, Col: 1, Msg: "the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8"})
		return false
	case len(data) >= 2 && (data[0] == 0 || data[1] == 0):
		d.errs = append(d.errs, Error{File: d.file, Line: 1, Col: 1, Msg: "the file is not UTF-8 text (it has NUL bytes; UTF-16 or UTF-32 without a byte-order mark?): save it as UTF-8"})
		return false
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			line, col := position(data, i)
			d.errs = append(d.errs, Error{File: d.file, Line: line, Col: col, Msg: fmt.Sprintf("invalid UTF-8 (byte 0x%02x): save the file as UTF-8", data[i])})
			return false
		}
		if r == 0 {
			line, col := position(data, i)
			d.errs = append(d.errs, Error{File: d.file, Line: line, Col: col, Msg: "a NUL byte: a rubric is UTF-8 text"})
			return false
		}
		i += n
	}
	return true
}

// position returns the 1-based line and column (in characters) of byte offset off of data.
func position(data []byte, off int) (line, col int) {
	off = min(off, len(data))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return bytes.Count(data[:off], []byte{'\n'}) + 1, utf8.RuneCount(data[start:off]) + 1
}

// parseYAML parses every document of data, as document does, and returns the first
// error. yaml.v3 is not known to panic, but a rubric is untrusted: a panic is an error.
func parseYAML(data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return docs, nil
			}
			return docs, err
		}
		docs = append(docs, &doc)
		if len(docs) == 2 {
			return docs, nil // document refuses a second one; no need to read further
		}
	}
}

// yamlError records a YAML syntax error of data with its line and column.
//
// yaml.v3 names only a line, and for some errors the line where the enclosing block
// starts. The position reported is instead that of the character that makes the error:
// the end of the shortest prefix of data on which the parser fails with the same message
// (the parser reads in order, so any longer prefix fails the same way). An error about an
// unclosed [ or { points at the bracket; one about an alias at its *.
func (d *decoder) yamlError(data []byte, err error) {
	msg := err.Error()
	if m := yamlErrLine().FindStringSubmatch(msg); m != nil {
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	want := err.Error()
	x := sort.Search(len(data)+1, func(x int) bool {
		_, e := parseYAML(data[:x])
		return e != nil && e.Error() == want
	})
	e := Error{File: d.file, Msg: "YAML syntax: " + msg}
	if x > 0 && x <= len(data) {
		off := errorOffset(data, x-1, msg)
		e.Line, e.Col = position(data, off)
	} else if m := yamlErrLine().FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1]) // the prefix search failed: the line yaml.v3 names
	}
	d.errs = append(d.errs, e)
}

// errorOffset moves the offset of the last character the parser needed to see, off, to
// where a reader looks for the mistake: the opening bracket of an unclosed flow
// collection, the * of an alias.
func errorOffset(data []byte, off int, msg string) int {
	switch {
	case strings.Contains(msg, "expected ',' or ']'"), strings.Contains(msg, "expected ',' or '}'"):
		open, close := byte('['), byte(']')
		if strings.Contains(msg, "'}'") {
			open, close = '{', '}'
		}
		depth := 0
		for i := off; i >= 0; i-- {
			switch data[i] {
			case close:
				depth++
			case open:
				if depth == 0 {
					return i
				}
				depth--
			}
		}
	case strings.Contains(msg, "anchor"):
		if i := bytes.LastIndexByte(data[:off+1], '*'); i >= 0 && !bytes.ContainsAny(data[i:off+1], " \t\n") {
			return i
		}
	}
	return off
}
