package server

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
)

// apiUnions lists what each interface in an API type may hold: JSON has
// no interfaces, so the document says oneOf these.
var apiUnions = map[reflect.Type][]any{
	reflect.TypeFor[searchItemJSON](): {workCardJSON{}, makerCardJSON{}, collectionCardJSON{}, threadCardJSON{}},
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
)

// schemas derives OpenAPI schemas from Go types as encoding/json writes
// them: one component per named struct, referenced where it is used.
type schemas struct {
	components map[string]any
	names      map[reflect.Type]string // a named struct's component
	// reached is every named type met and the first place it was met
	// ("GET /works/{id} 200: workResponse.work"), for the test that
	// holds the API to types declared in this package.
	reached map[reflect.Type]string
	errs    []string
}

func newSchemas() *schemas {
	return &schemas{components: map[string]any{}, names: map[reflect.Type]string{}, reached: map[reflect.Type]string{}}
}

func (s *schemas) fail(format string, args ...any) map[string]any {
	s.errs = append(s.errs, fmt.Sprintf(format, args...))
	return map[string]any{}
}

// of is the schema of t, met at where.
func (s *schemas) of(t reflect.Type, where string) map[string]any {
	if t.PkgPath() != "" {
		if _, ok := s.reached[t]; !ok {
			s.reached[t] = where
		}
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface &&
		(t.Implements(marshalerType) || t.Implements(textType) || reflect.PointerTo(t).Implements(marshalerType)) {
		return s.fail("%s: %s writes its own JSON, which reflection cannot describe", where, t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		inner := s.of(t.Elem(), where)
		if _, isRef := inner["$ref"]; isRef {
			return map[string]any{"allOf": []any{inner}, "nullable": true}
		}
		out := map[string]any{"nullable": true}
		for k, v := range inner {
			out[k] = v
		}
		return out
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": s.of(t.Elem(), where+"[]")}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return s.fail("%s: %s has keys JSON cannot name", where, t)
		}
		return map[string]any{"type": "object", "additionalProperties": s.of(t.Elem(), where+"{}")}
	case reflect.Interface:
		members, ok := apiUnions[t]
		if !ok {
			return s.fail("%s: %s may hold anything; give it a marker method and list its types in apiUnions", where, t)
		}
		var oneOf []any
		for _, m := range members {
			mt := reflect.TypeOf(m)
			if !mt.Implements(t) {
				s.fail("apiUnions: %s is listed for %s but does not implement it", mt, t)
			}
			oneOf = append(oneOf, s.of(mt, where))
		}
		return map[string]any{"oneOf": oneOf}
	case reflect.Struct:
		if t.Name() == "" {
			return s.object(t, where)
		}
		return s.ref(t, where)
	}
	return s.fail("%s: %s has no JSON form", where, t)
}

// ref is a named struct's component, described the first time it is met.
func (s *schemas) ref(t reflect.Type, where string) map[string]any {
	name, ok := s.names[t]
	if !ok {
		name = componentName(t)
		for other, n := range s.names {
			if n == name {
				return s.fail("%s and %s would both be the component %q: rename one", other, t, name)
			}
		}
		s.names[t] = name
		s.components[name] = s.object(t, where)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// object lists a struct's JSON properties, embedded structs' among them.
func (s *schemas) object(t reflect.Type, where string) map[string]any {
	props := map[string]any{}
	s.fields(t, where, props)
	return map[string]any{"type": "object", "properties": props}
}

func (s *schemas) fields(t reflect.Type, where string, props map[string]any) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			s.fields(f.Type, where, props)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if slices.Contains(strings.Split(opts, ","), "string") {
			props[name] = map[string]any{"type": "string"}
			continue
		}
		props[name] = s.of(f.Type, where+"."+name)
	}
}

// componentName is a type's name without its JSON suffix, capitalised:
// workJSON is Work, workResponse WorkResponse, pageJSON[workCardJSON]
// WorkCardPage.
func componentName(t reflect.Type) string {
	trim := func(n string) string {
		n = strings.TrimSuffix(n, "JSON")
		r := []rune(n)
		r[0] = unicode.ToUpper(r[0])
		return string(r)
	}
	name, args, generic := strings.Cut(t.Name(), "[")
	if !generic {
		return trim(name)
	}
	var out string
	for _, a := range strings.Split(strings.TrimSuffix(args, "]"), ",") {
		out += trim(a[strings.LastIndex(a, ".")+1:])
	}
	return out + trim(name)
}
