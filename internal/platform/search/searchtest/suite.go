package searchtest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"guildhall/internal/platform/search"
)

// Opener returns a fresh, empty Index for one test and arranges its cleanup.
type Opener func(t *testing.T) search.Index

// RunSuite runs the conformance suite against indexes from open.
func RunSuite(t *testing.T, open Opener) {
	for _, c := range slices.Concat(cases(), highlightCases(), suggestCases()) {
		t.Run(c.name, func(t *testing.T) {
			ix := open(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c.run(ctx, t, ix)
		})
	}
}

// Seed declares the works schema and loads Works into ix.
func Seed(ctx context.Context, t *testing.T, ix search.Index) {
	t.Helper()
	if err := ix.EnsureSchema(ctx, WorksSchema()); err != nil {
		t.Fatalf("EnsureSchema: %v", err)
	}
	if err := ix.Upsert(ctx, "works", Works()...); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

// Find runs q on works and fails the test on error.
func Find(ctx context.Context, t *testing.T, ix search.Index, q search.Query) search.Result {
	t.Helper()
	res, err := ix.Search(ctx, "works", q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// IDs lists the hit ids in order.
func IDs(res search.Result) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

// Sorted lists the hit ids sorted, for tests where order is not the point.
func Sorted(res search.Result) []string {
	ids := IDs(res)
	slices.Sort(ids)
	return ids
}

func wantIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func wantHas(t *testing.T, what string, res search.Result, id string) {
	t.Helper()
	if !slices.Contains(IDs(res), id) {
		t.Errorf("%s: hits %v lack %s", what, IDs(res), id)
	}
}

func f64(v float64) *float64 { return &v }

type testCase struct {
	name string
	run  func(ctx context.Context, t *testing.T, ix search.Index)
}
