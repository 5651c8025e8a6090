package kit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
)

// encode writes v as JSON like encoding/json, except that non-finite floats become the
// bare tokens NaN, Infinity and -Infinity the protocol accepts (a diverging training run
// is a result, not an error).
func encode(b *bytes.Buffer, v any) error {
	// The catalog's numeric results are written directly; the rest (strings, the hello
	// map) by reflection.
	switch v := v.(type) {
	case float64:
		encodeFloat(b, v)
	case []float64:
		encodeFloats(b, v)
	case AdamStepResult:
		encodeKey(b, '{', "w", v.W)
		encodeKey(b, ',', "m", v.M)
		encodeKey(b, ',', "v", v.V)
		b.WriteByte('}')
	case MomentumStepResult:
		encodeKey(b, '{', "w", v.W)
		encodeKey(b, ',', "v", v.V)
		b.WriteByte('}')
	case TrainResult:
		b.WriteString(`{"w":`)
		if v.W == nil {
			b.WriteString("null")
		} else {
			b.WriteByte('[')
			for i, w := range v.W {
				if i > 0 {
					b.WriteByte(',')
				}
				encodeFloats(b, w)
			}
			b.WriteByte(']')
		}
		encodeKey(b, ',', "loss", v.Loss)
		b.WriteByte('}')
	default:
		return encodeValue(b, reflect.ValueOf(v), 0)
	}
	return nil
}

// encodeKey writes sep, then the key (plain ASCII) and its value xs.
func encodeKey(b *bytes.Buffer, sep byte, key string, xs []float64) {
	b.WriteByte(sep)
	b.WriteByte('"')
	b.WriteString(key)
	b.WriteString(`":`)
	encodeFloats(b, xs)
}

func encodeFloats(b *bytes.Buffer, xs []float64) {
	if xs == nil {
		b.WriteString("null")
		return
	}
	b.WriteByte('[')
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(',')
		}
		encodeFloat(b, x)
	}
	b.WriteByte(']')
}

func encodeFloat(b *bytes.Buffer, f float64) {
	switch {
	case math.IsNaN(f):
		b.WriteString("NaN")
	case math.IsInf(f, 1):
		b.WriteString("Infinity")
	case math.IsInf(f, -1):
		b.WriteString("-Infinity")
	default:
		b.Write(strconv.AppendFloat(b.AvailableBuffer(), f, 'g', -1, 64))
	}
}

func encodeValue(b *bytes.Buffer, v reflect.Value, depth int) error {
	if depth > 32 {
		return fmt.Errorf("nested too deeply")
	}
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("null")
	case reflect.Float32, reflect.Float64:
		encodeFloat(b, v.Float())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return encodeValue(b, v.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeValue(b, v.Index(i), depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case reflect.Struct:
		b.WriteByte('{')
		t := v.Type()
		n := 0
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := f.Tag.Get("json")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			key, _ := json.Marshal(name)
			b.Write(key)
			b.WriteByte(':')
			if err := encodeValue(b, v.Field(i), depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		// Only the hello result is a map; keys in sorted order like encoding/json.
		keys := v.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = fmt.Sprint(k.Interface())
		}
		sort.Strings(names)
		b.WriteByte('{')
		for i, name := range names {
			if i > 0 {
				b.WriteByte(',')
			}
			key, _ := json.Marshal(name)
			b.Write(key)
			b.WriteByte(':')
			if err := encodeValue(b, v.MapIndex(reflect.ValueOf(name)), depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		data, err := json.Marshal(v.Interface())
		if err != nil {
			return err
		}
		b.Write(data)
	}
	return nil
}
