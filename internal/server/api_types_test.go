package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"guildhall/internal/work"
)

func TestOpenAPIDocument_DescribesEveryOperation(t *testing.T) {
	b, _, err := openAPIDocument(operations)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct{ Schemas map[string]json.RawMessage }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, op := range operations {
		if _, ok := doc.Paths[op.Path][strings.ToLower(op.Method)]; !ok {
			t.Errorf("%s %s is not in the document", op.Method, op.Path)
		}
	}
	// A documented answer is the component of the very type the row names.
	work := string(doc.Paths["/works/{id}"]["get"])
	if !strings.Contains(work, `"$ref":"#/components/schemas/WorkResponse"`) {
		t.Errorf("GET /works/{id} answers %s", work)
	}
	if s := string(doc.Components.Schemas["Work"]); !strings.Contains(s, `"price":{"$ref":"#/components/schemas/Money"}`) ||
		!strings.Contains(s, `"published_at":{"format":"date-time","nullable":true,"type":"string"}`) {
		t.Errorf("Work is %s", s)
	}
	if s := string(doc.Components.Schemas["Search"]); !strings.Contains(s, `"oneOf":[{"$ref":"#/components/schemas/WorkCard"}`) {
		t.Errorf("Search is %s", s)
	}
}

// TestAPITypes_AreDeclaredInServer holds every type an API answer or
// request reaches to this package: a feature struct in an answer would let
// a change to the feature change the API unseen.
func TestAPITypes_AreDeclaredInServer(t *testing.T) {
	_, sc, err := openAPIDocument(operations)
	if err != nil {
		t.Fatal(err)
	}
	here := reflect.TypeFor[operation]().PkgPath()
	if len(sc.reached) < 50 {
		t.Fatalf("only %d named types reached: the walk stops short", len(sc.reached))
	}
	for typ, where := range sc.reached {
		if typ.PkgPath() != here && typ != timeType {
			t.Errorf("%s is %s, declared in %s: give it a twin in api_types_<feature>.go", where, typ, typ.PkgPath())
		}
	}
}

func TestAPITypes_AFeatureTypeIsFound(t *testing.T) {
	// work.Image, not work.Money: errors carry a moneyJSON, which is
	// the component "Money" too.
	type leaky struct {
		Cover work.Image `json:"cover"`
	}
	_, sc, err := openAPIDocument([]operation{{Method: "GET", Path: "/x", Status: 200, Out: struct {
		Items []leaky `json:"items"`
	}{}}})
	if err != nil {
		t.Fatal(err)
	}
	if where, ok := sc.reached[reflect.TypeFor[work.Image]()]; !ok || where != "GET /x 200.items[].cover" {
		t.Fatalf("work.Image reached at %q (%v)", where, ok)
	}
}

func TestOpenAPIDocument_RefusesWhatItCannotDescribe(t *testing.T) {
	type anything struct {
		V any `json:"v"`
	}
	for name, out := range map[string]any{"an interface outside apiUnions": anything{}, "a map keyed by numbers": map[int]string{}} {
		if _, _, err := openAPIDocument([]operation{{Method: "GET", Path: "/x", Status: 200, Out: out}}); err == nil {
			t.Errorf("%s was documented", name)
		}
	}
}

func TestOperations_NameABodyForEveryAnswerWithOne(t *testing.T) {
	for _, op := range operations {
		switch {
		case op.Status == http.StatusNoContent && op.Out != nil:
			t.Errorf("%s %s answers 204 but names a body", op.Method, op.Path)
		case op.Status != http.StatusNoContent && op.Status != http.StatusAccepted && op.Out == nil:
			t.Errorf("%s %s answers %d with no body type", op.Method, op.Path, op.Status)
		}
	}
}

func TestCheckedJSON_LogsAnAnswerTheDocumentDoesNotName(t *testing.T) {
	var logs bytes.Buffer
	e := echo.New()
	e.JSONSerializer = newCheckedJSON([]operation{{Method: "GET", Path: "/things/{id}", Status: 200, Out: unreadJSON{}}},
		slog.New(slog.NewTextHandler(&logs, nil)))
	answers := map[string]func(c echo.Context) error{
		"documented":   func(c echo.Context) error { return c.JSON(200, unreadJSON{Unread: 1}) },
		"an error":     func(c echo.Context) error { return c.JSON(404, errorJSON{}) },
		"another type": func(c echo.Context) error { return c.JSON(200, map[string]int{"unread": 1}) },
		"another code": func(c echo.Context) error { return c.JSON(201, unreadJSON{}) },
		"a bad error":  func(c echo.Context) error { return c.JSON(404, map[string]string{}) },
	}
	var handle func(c echo.Context) error
	e.GET("/api/v1/things/:id", func(c echo.Context) error { return handle(c) })
	for name, h := range answers {
		logs.Reset()
		handle = h
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/things/1", nil))
		logged := strings.Contains(logs.String(), "response differs from the OpenAPI document")
		if want := name != "documented" && name != "an error"; logged != want {
			t.Errorf("%s: logged %v, want %v: %s", name, logged, want, logs.String())
		}
	}
}
