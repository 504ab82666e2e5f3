// The API's shapes live here, in api_types.go and api_types_<feature>.go:
// every request and answer body is a type of this package with its json
// tags, and a converter from or to the feature's struct (feature structs
// carry no json tags). So a change to a feature changes the API only
// where a converter is changed.
//
// To add an endpoint:
//  1. Declare its body types in api_types_<feature>.go, named fooJSON
//     (the OpenAPI component is then "Foo"), and a single resource
//     wrapped by its kind: fooResponse{Foo fooJSON `json:"foo"`}. Lists
//     are pageJSON[fooCardJSON]. Write fooOut(*feature.Foo) fooJSON and,
//     for a request, (fooInputJSON).input() feature.FooInput. Reach only
//     types of this package and time.Time: not work.Money but moneyJSON.
//  2. Route it in routes.go; the handler decodes into the request type,
//     calls one feature method and answers c.JSON(status, fooOut(v)).
//  3. Add a row to operations (openapi.go) naming Status, In and Out.
//     The document is built from it; checkedJSON logs, and the test rig
//     fails, any answer of another type or status; the tests in
//     api_types_test.go fail on a feature type reached from a row (they
//     name the field path).
//
// An endpoint written the older way converts mechanically: its
// moreOperations row {"post", "/orders", "Summary", "201", true, true,
// nil, nil} becomes {Method: "POST", Path: "/orders", Summary: "Summary",
// Status: 201, Auth: true, In: orderInputJSON{}, Out: orderResponse{}};
// a map[string]x{"order": v} answer becomes orderResponse; a feature
// struct inside a JSON type gets its twin here.
package server

import "guildhall/internal/work"

// errorJSON is every error answer: the code names what went wrong for
// programs, the message for people, fields each bad input's problem.
type errorJSON struct {
	Error errorDetailJSON `json:"error"`
}

type errorDetailJSON struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// What the caller needs to act on the failure (problem.Error's Data):
	// the new total of a checkout whose prices changed, the works out of
	// stock, the status an order could not move from.
	Total   *moneyJSON `json:"total,omitempty"`
	WorkIDs []string   `json:"work_ids,omitempty"`
	Status  string     `json:"status,omitempty"`
}

// withData adds the facts of a problem's Data the API names.
func (d errorDetailJSON) withData(data map[string]any) errorDetailJSON {
	if t, ok := data["total"].(work.Money); ok {
		m := moneyOut(t)
		d.Total = &m
	}
	d.WorkIDs, _ = data["work_ids"].([]string)
	d.Status, _ = data["status"].(string)
	return d
}

// pageJSON is one page of a list: its items and the cursor of the next.
type pageJSON[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
	Total      int     `json:"total"`
}

// pageOut is a feature's page of items as the API lists them.
func pageOut[S, T any](items []S, next *string, total int, out func(S) T) pageJSON[T] {
	return pageJSON[T]{Items: listOut(items, out), NextCursor: next, Total: total}
}

// listOut converts each element; nil stays nil (null), as the feature had it.
func listOut[S, T any](in []S, out func(S) T) []T {
	if in == nil {
		return nil
	}
	res := make([]T, len(in))
	for i, v := range in {
		res[i] = out(v)
	}
	return res
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
