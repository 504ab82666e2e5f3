package server

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"guildhall/internal/problem"
)

// jsonInputs are the request types of the operations table (openapi.go),
// a fresh one each call; a test below holds every decodeJSON call of the
// package to them, so a new endpoint's type is fuzzed once it is documented.
var jsonInputs = func() []func() any {
	var out []func() any
	seen := map[reflect.Type]bool{}
	for _, op := range operations {
		if op.In == nil || seen[reflect.TypeOf(op.In)] {
			continue
		}
		typ := reflect.TypeOf(op.In)
		seen[typ] = true
		out = append(out, func() any { return reflect.New(typ).Interface() })
	}
	return out
}()

// FuzzUnmarshalStrict feeds random bytes to every JSON input type: the
// reading never panics, and what it accepts holds no text TextFault
// refuses, in any string, however deep.
func FuzzUnmarshalStrict(f *testing.F) {
	for _, seed := range []string{
		`{"title":"A cup","tags":["wallet","皮具"],"variants":[{"name":"Small","price":{"amount":1}}]}`,
		`{"body":"line\nline\ttab","quote_id":"3"}`, `{"display_name":"\u0000"}`, `{"bio":"\u202e"}`,
		"{\"name\":\"\xff\"}", `{"ids":["a","b"]}`, `{"policies":{"returns":"\u0085"}}`, `{"crafts":["\b"]}`,
		`{"title":"\ud800"}`, `[]`, `{"a":`, `{"title":"x"} {}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, mk := range jsonInputs {
			v := mk()
			if err := unmarshalStrict(body, v); err != nil {
				if _, ok := problem.As(err); !ok {
					t.Fatalf("%T: an unclassified error %v", v, err)
				}
				continue
			}
			if s, ok := badString(reflect.ValueOf(v)); ok {
				t.Fatalf("%T accepted %q from %q", v, s, body)
			}
		}
	})
}

// badString finds a string inside v that TextFault refuses.
func badString(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badString(v.Elem())
		}
	case reflect.String:
		if problem.TextFault(v.String()) != "" {
			return v.String(), true
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if s, ok := badString(v.Field(i)); ok {
				return s, ok
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if s, ok := badString(v.Index(i)); ok {
				return s, ok
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if s, ok := badString(k); ok {
				return s, ok
			}
			if s, ok := badString(v.MapIndex(k)); ok {
				return s, ok
			}
		}
	}
	return "", false
}

// TestEveryJSONInputTypeIsFuzzed reads the package's handlers: each
// `var in T` decoded by decodeJSON must be in jsonInputs, so a new
// endpoint's type is fuzzed too.
func TestEveryJSONInputTypeIsFuzzed(t *testing.T) {
	listed := map[string]bool{}
	for _, mk := range jsonInputs {
		listed[strings.TrimPrefix(reflect.TypeOf(mk()).Elem().String(), "server.")] = true
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			types := map[string]string{} // variable → its declared type
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					if n.Type != nil {
						var b strings.Builder
						_ = printer.Fprint(&b, fset, n.Type)
						for _, id := range n.Names {
							types[id.Name] = b.String()
						}
					}
				case *ast.CallExpr:
					if id, ok := n.Fun.(*ast.Ident); !ok || id.Name != "decodeJSON" || len(n.Args) != 2 {
						return true
					}
					arg, ok := n.Args[1].(*ast.UnaryExpr)
					if !ok {
						t.Errorf("%s: decodeJSON into %s: decode into &variable, so the type can be checked", fset.Position(n.Pos()), fn.Name.Name)
						return true
					}
					typ := types[arg.X.(*ast.Ident).Name]
					found++
					if !listed[typ] {
						t.Errorf("%s: %s decodes a %q, which no operation names as its In", fset.Position(n.Pos()), fn.Name.Name, typ)
					}
				}
				return true
			})
		}
	}
	if found < len(jsonInputs) {
		t.Fatalf("found %d decodeJSON calls, fewer than the %d listed types", found, len(jsonInputs))
	}
}
