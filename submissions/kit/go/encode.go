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
	return encodeValue(b, reflect.ValueOf(v), 0)
}

func encodeValue(b *bytes.Buffer, v reflect.Value, depth int) error {
	if depth > 32 {
		return fmt.Errorf("nested too deeply")
	}
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("null")
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			b.WriteString("NaN")
		case math.IsInf(f, 1):
			b.WriteString("Infinity")
		case math.IsInf(f, -1):
			b.WriteString("-Infinity")
		default:
			b.Write(strconv.AppendFloat(nil, f, 'g', -1, 64))
		}
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
