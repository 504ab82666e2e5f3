package search

import (
	"context"
	"sync/atomic"
)

// Recorder counts the search queries sent with a context; tests use it to
// hold pages to "at most one search query".
type Recorder struct{ queries atomic.Int64 }

type recorderKey struct{}

// WithRecorder returns a context whose queries are counted in r.
func WithRecorder(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, recorderKey{}, r)
}

// Queries returns how many searches were sent.
func (r *Recorder) Queries() int { return int(r.queries.Load()) }

// Recorded wraps an index so that searches and suggestions are counted in the recorder of
// their context, if any. Without one it costs a context lookup.
func Recorded(ix Index) Index { return recorded{ix} }

type recorded struct{ Index }

func (r recorded) Search(ctx context.Context, kind string, q Query) (Result, error) {
	count(ctx)
	return r.Index.Search(ctx, kind, q)
}

func (r recorded) Suggest(ctx context.Context, kind, prefix, field string, limit int, filters []Filter) ([]string, error) {
	count(ctx)
	return r.Index.Suggest(ctx, kind, prefix, field, limit, filters)
}

func count(ctx context.Context) {
	if rec, ok := ctx.Value(recorderKey{}).(*Recorder); ok {
		rec.queries.Add(1)
	}
}
