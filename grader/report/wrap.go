package report

import (
	"strings"
	"unicode/utf8"
)

// DefaultWidth is the line width reports wrap to when Options.Width is 0.
const DefaultWidth = 100

func (o Options) width() int {
	if o.Width > 0 {
		return max(o.Width, 40)
	}
	return DefaultWidth
}

// wrap breaks s into lines of at most width runes: the first after first (a prefix already
// counted in its width), the others after indent. It breaks after ", " or at a space; a
// word longer than a line is cut where it must be.
func wrap(s string, width int, first, indent string) []string {
	var out []string
	prefix := first
	for {
		room := width - utf8.RuneCountInString(prefix)
		if room < 20 {
			room = 20
		}
		if utf8.RuneCountInString(s) <= room {
			return append(out, prefix+s)
		}
		cut := breakAt(s, room)
		out = append(out, prefix+strings.TrimRight(s[:cut], " "))
		s = strings.TrimLeft(s[cut:], " ")
		prefix = indent
		if s == "" {
			return out
		}
	}
}

// breakAt returns the byte index at which to break s so that the first part has at most
// room runes: before the last word that fits, preferring one that starts a new argument or
// element ("lr=", "[", a letter) if that keeps at least half the line; else at room runes.
func breakAt(s string, room int) int {
	best, item, n := -1, -1, 0
	prev := rune(0)
	for i, r := range s {
		if n == room {
			break
		}
		n++
		if prev == ' ' {
			best = i
			if r == '[' || r == '"' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
				item = i
			}
		}
		prev = r
	}
	if item > 0 && 2*utf8.RuneCountInString(s[:item]) >= room {
		return item
	}
	if best > 0 {
		return best
	}
	n = 0
	for i := range s {
		if n == room {
			return i
		}
		n++
	}
	return len(s)
}
