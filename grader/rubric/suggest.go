package rubric

import (
	"fmt"
	"math"
	"strings"
)

// This file finds the name a TA most likely meant: "did you mean …?".

// suggestKeys returns ` (did you mean "x"?)` when one of keys is close to name, else
// ` (valid keys: a, b, c)`.
func suggestKeys(name string, keys []string) string {
	if s := suggest(name, keys); s != "" {
		return s
	}
	return " (valid keys: " + strings.Join(keys, ", ") + ")"
}

// suggest returns ` (did you mean "x"?)` for the candidate closest to name, or "" when
// none is close (see Closest).
func suggest(name string, candidates []string) string {
	best := Closest(name, candidates)
	if best == "" || best == name {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// Closest returns the candidate closest to name, or "" when none is close: within an edit
// distance of about a third of the name's length, ignoring case and the difference between
// -, _ and space, or a prefix of it (adam → adam_step).
func Closest(name string, candidates []string) string {
	norm := func(s string) string {
		return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(s))
	}
	n := norm(name)
	best, bestDist := "", math.MaxInt
	for _, c := range candidates {
		cn := norm(c)
		dist := editDistance(n, cn)
		limit := max(1, (len(n)+2)/3)
		if dist > limit && !(len(n) >= 3 && (strings.HasPrefix(cn, n) || strings.HasPrefix(n, cn))) {
			continue
		}
		if dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
