package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every message key the code hands to people (a problem's message, a
// field's message) has its text in both languages: i18n.Load holds the two
// locales to the same keys, so a key missing from the catalog is missing
// from both. Keys built at run time are caught by the test rig instead,
// which fails a test whose request met an untranslated key.
func TestEveryProblemMessageKeyIsTranslated(t *testing.T) {
	catalog, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{} // key -> where it is used
	root := filepath.Join("..", "..")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == ".cache" || name == "data" || name == "web" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, k := range messageKeys(f) {
			keys[k.key] = append(keys[k.key], fset.Position(k.pos).String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d message keys: the scan is broken", len(keys))
	}
	for k, where := range keys {
		if !catalog.Has(k) {
			t.Errorf("message key %q has no text in web/locales (used at %s)", k, where[0])
		}
	}
}

type usedKey struct {
	key string
	pos token.Pos
}

// messageKeys finds the string literals that are message keys: arguments of
// the problem constructors, Message and Fields of problem.Error literals,
// and values stored in a function's field-error map (named f, fields or
// errs by convention).
func messageKeys(f *ast.File) []usedKey {
	var out []usedKey
	lit := func(e ast.Expr) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			if s, err := strconv.Unquote(b.Value); err == nil && s != "" {
				out = append(out, usedKey{s, b.Pos()})
			}
		}
	}
	mapValues := func(e ast.Expr) {
		if cl, ok := e.(*ast.CompositeLit); ok {
			for _, el := range cl.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					lit(kv.Value)
				}
			}
		}
	}
	inProblem := f.Name.Name == "problem"
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			name := problemFunc(x.Fun, inProblem)
			switch {
			case name == "NotFound" && len(x.Args) == 1:
				if b, ok := x.Args[0].(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(b.Value)
					out = append(out, usedKey{s + "_not_found", b.Pos()})
				}
			case name == "Forbidden" && len(x.Args) == 1:
				lit(x.Args[0])
			case name == "Malformed" && len(x.Args) == 2:
				lit(x.Args[0])
			case name == "InvalidField" && len(x.Args) == 2, name == "Unauthorized" && len(x.Args) == 2:
				lit(x.Args[1])
			case name == "Conflict" && len(x.Args) == 3:
				lit(x.Args[2])
			case name == "Invalid" && len(x.Args) == 1:
				mapValues(x.Args[0])
			}
		case *ast.CompositeLit:
			if problemFunc(x.Type, inProblem) == "Error" {
				for _, el := range x.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch id, _ := kv.Key.(*ast.Ident); {
					case id == nil:
					case id.Name == "Message":
						lit(kv.Value)
					case id.Name == "Fields":
						mapValues(kv.Value)
					}
				}
			}
		case *ast.AssignStmt:
			for i, lhs := range x.Lhs {
				ix, ok := lhs.(*ast.IndexExpr)
				if !ok || i >= len(x.Rhs) {
					continue
				}
				if id, ok := ix.X.(*ast.Ident); ok && (id.Name == "f" || id.Name == "fields" || id.Name == "errs") {
					lit(x.Rhs[i])
				}
			}
		}
		return true
	})
	return out
}

// problemFunc names a function or type of package problem that e refers
// to ("" for anything else).
func problemFunc(e ast.Expr, inProblem bool) string {
	switch x := e.(type) {
	case *ast.UnaryExpr:
		return problemFunc(x.X, inProblem)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "problem" {
			return x.Sel.Name
		}
	case *ast.Ident:
		if inProblem {
			return x.Name
		}
	}
	return ""
}
