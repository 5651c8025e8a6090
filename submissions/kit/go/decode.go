package kit

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// decodeArgs reads the arguments object raw into a, exactly as json.Unmarshal would. The
// usual arguments — the struct's own keys, each once, holding plain numbers, arrays of
// them and plain strings — are read here without reflection; for anything else (another
// key, a repeated one, an escape, a number beyond the field's type, invalid JSON, …)
// json.Unmarshal decides, from a zero value, so its errors stay the kit's errors.
func decodeArgs[A any](raw []byte, a *A) error {
	if f, ok := any(a).(fields); ok {
		s := scanner{b: raw}
		if s.object(f) && s.end() {
			return nil
		}
		var zero A
		*a = zero
	}
	return json.Unmarshal(raw, a)
}

// fields is a struct the scanner fills: field reads the value of key (the key's bytes as
// they stand in the line) into its field, and reports false for a key it does not hold
// or a value it does not read itself.
type fields interface {
	field(s *scanner, key []byte) bool
}

// scanner reads JSON from b, giving up (false) on what it leaves to
// json.Unmarshal.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// next skips space and then c, if c comes next.
func (s *scanner) next(c byte) bool {
	s.space()
	return s.skip(c)
}

// end reports whether only space is left.
func (s *scanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

// null skips a null, if one comes next: a field that is null keeps its zero value, as
// with json.Unmarshal (a repeated key, where null would differ, is never read here).
func (s *scanner) null() bool {
	s.space()
	if bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		s.i += len("null")
		return true
	}
	return false
}

// object reads an object into f: each key once, each a key of f.
func (s *scanner) object(f fields) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	var seen [16][]byte
	for n := 0; ; n++ {
		key, ok := s.str()
		if !ok || n == len(seen) || !s.next(':') {
			return false
		}
		for _, k := range seen[:n] {
			if bytes.Equal(k, key) {
				return false
			}
		}
		seen[n] = key
		if !s.null() && !f.field(s, key) {
			return false
		}
		if s.next('}') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// str reads a string without escapes or bytes outside printable ASCII.
func (s *scanner) str() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	for j := s.i; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			v := s.b[s.i:j]
			s.i = j + 1
			return v, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
	}
	return nil, false
}

// number returns the text of the JSON number that comes next.
func (s *scanner) number() ([]byte, bool) {
	s.space()
	start := s.i
	s.skip('-')
	switch {
	case s.skip('0'):
	case s.digits() == 0:
		return nil, false
	}
	if s.skip('.') && s.digits() == 0 {
		return nil, false
	}
	if s.skip('e') || s.skip('E') {
		if !s.skip('+') {
			s.skip('-')
		}
		if s.digits() == 0 {
			return nil, false
		}
	}
	return s.b[start:s.i], true
}

// skip skips c if it comes next (no space before it).
func (s *scanner) skip(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// digits skips decimal digits and counts them.
func (s *scanner) digits() int {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i - start
}

func (s *scanner) float(x *float64) bool {
	text, ok := s.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(string(text), 64)
	*x = f
	return err == nil
}

func (s *scanner) int(x *int) bool {
	text, ok := s.number()
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(string(text), 10, strconv.IntSize)
	*x = int(n)
	return err == nil
}

func (s *scanner) string(x *string) bool {
	v, ok := s.str()
	*x = string(v)
	return ok
}

// list reads an array, each element with elem; [] is an empty slice, not nil.
func list[T any](s *scanner, xs *[]T, elem func(*scanner, *T) bool) bool {
	if !s.next('[') {
		return false
	}
	out := make([]T, 0, 4)
	if !s.next(']') {
		for {
			var zero T
			out = append(out, zero)
			if !elem(s, &out[len(out)-1]) {
				return false
			}
			if s.next(']') {
				break
			}
			if !s.next(',') {
				return false
			}
		}
	}
	*xs = out
	return true
}

func (s *scanner) floats(xs *[]float64) bool    { return list(s, xs, (*scanner).float) }
func (s *scanner) ints(xs *[]int) bool          { return list(s, xs, (*scanner).int) }
func (s *scanner) floats2(xs *[][]float64) bool { return list(s, xs, (*scanner).floats) }
func (s *scanner) ints2(xs *[][]int) bool       { return list(s, xs, (*scanner).ints) }

// The fields of each argument struct, by their JSON names.

func (a *BernoulliArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "lam":
		return s.float(&a.Lam)
	case "y":
		return s.floats(&a.Y)
	case "base":
		return s.float(&a.Base)
	}
	return false
}

func (a *BernoulliMLEArgs) field(s *scanner, key []byte) bool {
	return string(key) == "y" && s.floats(&a.Y)
}

func (a *CrossEntropyArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "p":
		return s.float(&a.P)
	case "lam":
		return s.float(&a.Lam)
	case "base":
		return s.float(&a.Base)
	}
	return false
}

func (a *QuadraticArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "w":
		return s.floats(&a.W)
	case "a":
		return s.floats(&a.A)
	}
	return false
}

func (a *LogisticLossArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "w":
		return s.floats(&a.W)
	case "X":
		return s.floats2(&a.X)
	case "y":
		return s.floats(&a.Y)
	}
	return false
}

func (a *LogisticGradArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "w":
		return s.floats(&a.W)
	case "X":
		return s.floats2(&a.X)
	case "y":
		return s.floats(&a.Y)
	case "batch":
		return s.ints(&a.Batch)
	}
	return false
}

func (a *GDStepArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "w":
		return s.floats(&a.W)
	case "g":
		return s.floats(&a.G)
	case "lr":
		return s.float(&a.LR)
	}
	return false
}

func (a *MomentumStepArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "w":
		return s.floats(&a.W)
	case "v":
		return s.floats(&a.V)
	case "g":
		return s.floats(&a.G)
	case "lr":
		return s.float(&a.LR)
	case "beta":
		return s.float(&a.Beta)
	}
	return false
}

func (a *NormalizedStepArgs) field(s *scanner, key []byte) bool {
	return (*GDStepArgs)(a).field(s, key) // the same fields
}

func (a *AdamStepArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "w":
		return s.floats(&a.W)
	case "m":
		return s.floats(&a.M)
	case "v":
		return s.floats(&a.V)
	case "t":
		return s.int(&a.T)
	case "g":
		return s.floats(&a.G)
	case "lr":
		return s.float(&a.LR)
	case "beta1":
		return s.float(&a.Beta1)
	case "beta2":
		return s.float(&a.Beta2)
	case "eps":
		return s.float(&a.Eps)
	}
	return false
}

func (a *LRLinearArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "k":
		return s.int(&a.K)
	case "lr0":
		return s.float(&a.LR0)
	case "lr_tau":
		return s.float(&a.LRTau)
	case "tau":
		return s.float(&a.Tau)
	}
	return false
}

func (a *LRExponentialArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "k":
		return s.int(&a.K)
	case "lr0":
		return s.float(&a.LR0)
	case "tau":
		return s.float(&a.Tau)
	}
	return false
}

func (a *Problem) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "kind":
		return s.string(&a.Kind)
	case "a":
		return s.floats(&a.A)
	case "X":
		return s.floats2(&a.X)
	case "y":
		return s.floats(&a.Y)
	}
	return false
}

func (a *Optimizer) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "kind":
		return s.string(&a.Kind)
	case "lr":
		return s.float(&a.LR)
	case "beta":
		return s.float(&a.Beta)
	case "beta1":
		return s.float(&a.Beta1)
	case "beta2":
		return s.float(&a.Beta2)
	case "eps":
		return s.float(&a.Eps)
	}
	return false
}

func (a *Schedule) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "kind":
		return s.string(&a.Kind)
	case "lr_tau":
		return s.float(&a.LRTau)
	case "tau":
		return s.float(&a.Tau)
	}
	return false
}

func (a *TrainArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "problem":
		return s.object(&a.Problem)
	case "optimizer":
		return s.object(&a.Optimizer)
	case "w0":
		return s.floats(&a.W0)
	case "steps":
		return s.int(&a.Steps)
	case "batches":
		return s.ints2(&a.Batches)
	case "schedule":
		a.Schedule = new(Schedule)
		return s.object(a.Schedule)
	}
	return false
}

func (a *DiagnoseArgs) field(s *scanner, key []byte) bool {
	switch string(key) {
	case "loss":
		return s.floats(&a.Loss)
	case "w":
		return s.floats2(&a.W)
	}
	return false
}
