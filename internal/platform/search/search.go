// Package search is the list engine: every list, sort, filter and facet a page
// shows comes from an Index. Two implementations share one interface: Bleve
// (bleve/, the embedded default) and Meilisearch (meili/). Search is a
// projection of MongoDB, never a source of truth.
package search

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrUnknownKind is returned when a kind was never declared with EnsureSchema.
var ErrUnknownKind = errors.New("search: unknown kind")

// Schema declares one kind of document (one index) once: which fields are
// searched (in priority order), which can be filtered, faceted and sorted on,
// and the ranking rules. Field names are the document's JSON keys.
type Schema struct {
	Kind       string   // index name, e.g. "users", "works"
	Searchable []string // full-text fields, most important first
	Filterable []string // fields usable in Filter and Facets
	Sortable   []string // fields usable in Sort
	// RankingRules in Meilisearch terms: "words", "typo", "proximity",
	// "attribute", "sort", "exactness", and custom "field:desc" / "field:asc".
	RankingRules []string
}

// Document is one searchable record. It must carry a string "id".
// Values are strings, numbers (float64/int/int64), bools, []string or
// time values already converted to unix seconds (numbers sort and range).
type Document map[string]any

// ID returns the document's id.
func (d Document) ID() string { s, _ := d["id"].(string); return s }

// Filter narrows results. Values are OR-ed (field = any of them); Min/Max make
// a range (inclusive). Filters in one Query are AND-ed.
type Filter struct {
	Field  string
	Values []any
	Min    *float64
	Max    *float64
}

// Sort orders results by a sortable field.
type Sort struct {
	Field string
	Desc  bool
}

// Query is one search. Empty Text lists everything that matches the filters.
type Query struct {
	Text    string
	Filters []Filter
	Sort    []Sort // empty: relevance (then the schema's ranking rules)
	Facets  []string
	Offset  int
	Limit   int // 0 means 24
	// Highlight names searchable fields to return highlighted in
	// Hit.Highlights. Asking for a field that is not searchable is an error
	// (Bleve; Meilisearch highlights any displayed field).
	Highlight []string
}

// Hit is one matching document with the stored fields.
type Hit struct {
	ID       string
	Document Document
	// Highlights maps each field of Query.Highlight in which the query
	// matched to that field's text, HTML-escaped, with every matched term
	// wrapped in <mark>…</mark>: safe to use as template.HTML. A list field's
	// elements are joined with ", ". Nil when no requested field matched.
	Highlights map[string]string
}

// DefaultSuggestLimit is the number of suggestions when Suggest's limit is
// 0 or less; MaxSuggestLimit bounds larger limits.
const (
	DefaultSuggestLimit = 10
	MaxSuggestLimit     = 100
)

// Result is a page of hits. Total is the (possibly estimated) count of all
// matches; Facets maps field -> value -> count over all matches.
type Result struct {
	Hits   []Hit
	Total  int
	Facets map[string]map[string]int
}

// Index is the search engine. Upsert and Delete return once the engine has
// applied the change (so a writer sees its own write in the next list).
type Index interface {
	EnsureSchema(ctx context.Context, s Schema) error
	Upsert(ctx context.Context, kind string, docs ...Document) error
	Delete(ctx context.Context, kind string, ids ...string) error
	Search(ctx context.Context, kind string, q Query) (Result, error)
	// Suggest completes what a user is typing: up to limit distinct values
	// of field (a searchable field, e.g. a work's title) from the documents
	// whose field matches prefix, most relevant first. Every word of prefix
	// must match and the last one may be the start of a word ("lea" finds
	// "Leather wallet"; "牛" finds "手工牛皮钱包"). Of a list field only the
	// elements that match are suggested. Filters apply as in Search. An
	// empty prefix suggests nothing.
	Suggest(ctx context.Context, kind, prefix, field string, limit int, filters []Filter) ([]string, error)
	Ping(ctx context.Context) error
	Close() error
	Name() string // "bleve", "meilisearch"
}

// Projector turns a stored document into its searchable form. ok is false
// when it must not be searchable (a draft, something private): the index
// then drops it. Features register one per kind.
type Projector = func(raw bson.Raw) (doc Document, ok bool, err error)

// Indexer keeps an index a true projection of the store: every feature
// that writes something searchable does it through one. The index queue
// (platform/indexqueue) is the implementation.
type Indexer interface {
	// Register tells where documents of kind live and how to project them.
	Register(kind, collection string, project Projector)
	// Write runs a searchable write under a durable intent and pushes the
	// document it returns (nil: remove it from the index).
	Write(ctx context.Context, kind, id string, write func(ctx context.Context) (Document, error)) error
	// Signal runs a write that only moves counters (a favourite, a follow,
	// a like) under a durable intent, and pushes the document with the
	// next batch of signals, within a second.
	Signal(ctx context.Context, kind, id string, write func(ctx context.Context) error) error
	// Enqueue records an intent to re-project kind:id from the store.
	Enqueue(ctx context.Context, kind, id string) error
	// Load projects kind:id from the store as it is now.
	Load(ctx context.Context, kind, id string) (Document, bool, error)
}
