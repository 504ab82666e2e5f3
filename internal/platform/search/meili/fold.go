package meili

import (
	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/fold"
)

// Traditional and simplified Chinese fold together through copies: each
// document goes to Meilisearch with, under foldedKey, its fields folded to
// simplified characters (search/fold, the normaliser Bleve uses), and each
// query is folded before it is sent. The copy is searchable right after its
// field (so it weighs the same) and filterable; the field itself is left as
// the maker wrote it, so hits show it unchanged and highlights are made on
// it: folding keeps one character for one, so a match Meilisearch marks in
// the copy is marked on the same characters of the original (highlight.go).
// Folding the original in place instead would have shown 柴烧茶壶 for a
// title written 柴燒茶壺. Meilisearch's own Chinese normaliser unifies some
// variants too, but not with the same table as Bleve; copies make both
// engines agree.
const foldedKey = "_folded"

// foldedPath is where the folded copy of field lives.
func foldedPath(field string) string { return foldedKey + "." + field }

// foldedSettings adds the folded copies to the searchable or filterable
// attributes, each right after its field.
func foldedSettings(fields []string) []string {
	if len(fields) == 0 {
		return nil
	}
	out := make([]string, 0, 2*len(fields))
	for _, f := range fields {
		out = append(out, f, foldedPath(f))
	}
	return out
}

// withFolded returns the document to send: d and, under foldedKey, a copy
// of the fields that need one. A filterable string needs one when it is not
// plain ASCII (a filter on 茶壶 must find 茶壶 as well as 茶壺, and goes to
// the copy); a field that is only searched needs one when folding changes
// it. Without a schema every field is treated as filterable.
func withFolded(d map[string]any, s *search.Schema) map[string]any {
	copies := map[string]any{}
	for k, v := range d {
		if k == "id" {
			continue
		}
		filterable := s == nil || search.Has(s.Filterable, k)
		if !filterable && !search.Has(s.Searchable, k) {
			continue
		}
		if f, ok := foldedValue(v, filterable); ok {
			copies[k] = f
		}
	}
	if len(copies) > 0 {
		d[foldedKey] = copies
	}
	return d
}

// foldedValue folds the strings of v (a string, a list or an object),
// keeping lists aligned element by element; ok is false when v needs no
// copy.
func foldedValue(v any, filterable bool) (any, bool) {
	switch v := v.(type) {
	case string:
		if filterable && !fold.Plain(v) || fold.Changes(v) {
			return fold.String(v), true
		}
	case []string:
		return foldedList(len(v), func(i int) any { return v[i] }, filterable)
	case []any:
		return foldedList(len(v), func(i int) any { return v[i] }, filterable)
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if f, ok := foldedValue(e, filterable); ok {
				out[k] = f
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

func foldedList(n int, at func(int) any, filterable bool) (any, bool) {
	out := make([]any, n)
	changed := false
	for i := range n {
		out[i] = at(i)
		if f, ok := foldedValue(out[i], filterable); ok {
			out[i], changed = f, true
		}
	}
	return out, changed
}

// foldedFilters also points each string value that is not plain ASCII at
// its field's folded copy, folded: either the field as written or the copy
// matches. Keeping the value as written on the field too means documents
// indexed before they carried copies still match it exactly (until
// `guildhall reindex` gives them copies).
func foldedFilters(filters []search.Filter) []clause {
	out := make([]clause, 0, len(filters))
	for _, f := range filters {
		c := clause{Filter: f}
		for _, v := range f.Values {
			if s, ok := v.(string); ok && !fold.Plain(s) {
				c.folded = append(c.folded, fold.String(s))
			}
		}
		out = append(out, c)
	}
	return out
}

// clause is a filter with the values its field's folded copy may match.
type clause struct {
	search.Filter
	folded []any // values for the folded copy
}

// foldQuery folds what a shopper typed, as the documents' copies are.
func foldQuery(text string) string { return fold.String(text) }
