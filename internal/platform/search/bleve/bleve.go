// Package bleve is the embedded search.Index: one Bleve index per kind under
// a directory, so `guildhall serve` needs no search server.
//
// Each kind lives in <dir>/<kind>/ with its schema in <dir>/<kind>.schema.json.
// EnsureSchema with the schema already stored is a no-op; with a different
// schema (or after an upgrade changed how fields are laid out) it rebuilds
// the index from the documents' stored JSON, as Meilisearch reindexes when
// settings change, so no caller has to reindex from MongoDB by hand.
package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	blv "github.com/blevesearch/bleve/v2"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/vocab"
)

// upsertBatch bounds the memory one bleve batch holds.
const upsertBatch = 500

var errClosed = errors.New("search: bleve index is closed")

// Index is a set of Bleve indexes, one per kind. It is safe for concurrent use.
type Index struct {
	dir        string
	vocab      *vocab.Vocabulary // expands every search; nil expands none
	mergeFloor int               // see DefaultMergeFloor

	// mu guards kinds and closed; operations hold it for reading for their
	// whole run so Close and schema rebuilds wait for them to finish.
	mu     sync.RWMutex
	kinds  map[string]*kind
	closed bool
}

type kind struct {
	*layout
	idx blv.Index
}

var _ search.Index = (*Index)(nil)

// Option configures Open.
type Option func(*Index)

// WithVocabulary expands searches with the shoppers' vocabulary: a search
// for 皮夹 also finds 钱包 and wallet, ranked below 皮夹 itself. Only
// queries change, so a vocabulary can change without a rebuild.
func WithVocabulary(v *vocab.Vocabulary) Option { return func(x *Index) { x.vocab = v } }

// WithMergeFloor sets the size, in documents, below which Scorch puts
// segments in its first merge tier (DefaultMergeFloor unless set). It is
// here so benchmarks can weigh one merge policy beside another.
func WithMergeFloor(docs int) Option { return func(x *Index) { x.mergeFloor = docs } }

// Open opens (creating if needed) the indexes under dir. Kinds declared by an
// earlier EnsureSchema are searchable at once, before EnsureSchema runs again.
func Open(dir string, opts ...Option) (*Index, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("search: open bleve %s: %w", dir, err)
	}
	x := &Index{dir: dir, kinds: map[string]*kind{}, mergeFloor: DefaultMergeFloor}
	for _, o := range opts {
		o(x)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"+schemaSuffix))
	if err != nil {
		return nil, fmt.Errorf("search: open bleve %s: %w", dir, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), schemaSuffix)
		s, version, err := readSchema(f)
		if err != nil {
			x.Close()
			return nil, fmt.Errorf("search %s: %w", name, err)
		}
		if version != layoutVersion || s.Kind != name {
			continue // EnsureSchema will rebuild it
		}
		k, err := x.openKind(filepath.Join(dir, name), newLayout(s))
		if err != nil {
			x.Close()
			return nil, fmt.Errorf("search %s: %w", name, err)
		}
		x.kinds[name] = k
	}
	return x, nil
}

// Name implements search.Index.
func (x *Index) Name() string { return "bleve" }

// EnsureSchema implements search.Index.
func (x *Index) EnsureSchema(ctx context.Context, s search.Schema) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search %s: ensure schema: %w", s.Kind, err)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return errClosed
	}
	if k, ok := x.kinds[s.Kind]; ok && sameSchema(k.schema, s) {
		return nil
	}
	path := filepath.Join(x.dir, s.Kind)
	l := newLayout(s)
	var (
		k   *kind
		err error
	)
	if old, ok := x.kinds[s.Kind]; ok {
		k, err = x.rebuild(ctx, old.idx, path, l)
	} else if _, statErr := os.Stat(path); statErr == nil {
		k, err = x.rebuildPath(ctx, path, l)
	} else {
		k, err = x.openKind(path, l)
	}
	if err != nil {
		return fmt.Errorf("search %s: ensure schema: %w", s.Kind, err)
	}
	if err := writeSchema(x.schemaPath(s.Kind), s); err != nil {
		k.idx.Close()
		return fmt.Errorf("search %s: ensure schema: %w", s.Kind, err)
	}
	x.kinds[s.Kind] = k
	return nil
}

// Upsert implements search.Index.
func (x *Index) Upsert(ctx context.Context, kindName string, docs ...search.Document) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k, err := x.kind(kindName)
	if err != nil {
		return err
	}
	for start := 0; start < len(docs); start += upsertBatch {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("search %s: upsert: %w", kindName, err)
		}
		b := k.idx.NewBatch()
		for _, d := range docs[start:min(start+upsertBatch, len(docs))] {
			m, raw, err := normalize(d)
			if err != nil {
				return fmt.Errorf("search %s: upsert %q: %w", kindName, d.ID(), err)
			}
			if err := b.Index(m["id"].(string), k.fields(m, raw)); err != nil {
				return fmt.Errorf("search %s: upsert %q: %w", kindName, d.ID(), err)
			}
		}
		if err := k.idx.Batch(b); err != nil {
			return fmt.Errorf("search %s: upsert: %w", kindName, err)
		}
	}
	return nil
}

// Delete implements search.Index. Unknown ids are ignored.
func (x *Index) Delete(ctx context.Context, kindName string, ids ...string) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k, err := x.kind(kindName)
	if err != nil {
		return err
	}
	for start := 0; start < len(ids); start += upsertBatch {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("search %s: delete: %w", kindName, err)
		}
		b := k.idx.NewBatch()
		for _, id := range ids[start:min(start+upsertBatch, len(ids))] {
			b.Delete(id)
		}
		if err := k.idx.Batch(b); err != nil {
			return fmt.Errorf("search %s: delete: %w", kindName, err)
		}
	}
	return nil
}

// Search implements search.Index.
func (x *Index) Search(ctx context.Context, kindName string, q search.Query) (search.Result, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k, err := x.kind(kindName)
	if err != nil {
		return search.Result{}, err
	}
	res, err := k.search(ctx, q, x.vocab)
	if err != nil {
		return search.Result{}, fmt.Errorf("search %s: %w", kindName, err)
	}
	return res, nil
}

// Suggest implements search.Index.
func (x *Index) Suggest(ctx context.Context, kindName, prefix, field string, limit int, filters []search.Filter) ([]string, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	k, err := x.kind(kindName)
	if err != nil {
		return nil, err
	}
	out, err := k.suggest(ctx, prefix, field, limit, filters)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", kindName, err)
	}
	return out, nil
}

// Ping implements search.Index.
func (x *Index) Ping(ctx context.Context) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return errClosed
	}
	return ctx.Err()
}

// Close flushes and closes every kind's index. Later calls fail.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	var errs []error
	for name, k := range x.kinds {
		if err := k.idx.Close(); err != nil {
			errs = append(errs, fmt.Errorf("search %s: close: %w", name, err))
		}
	}
	x.kinds = nil
	return errors.Join(errs...)
}

// kind must be called with mu held.
func (x *Index) kind(name string) (*kind, error) {
	if x.closed {
		return nil, errClosed
	}
	k, ok := x.kinds[name]
	if !ok {
		return nil, fmt.Errorf("search %s: %w", name, search.ErrUnknownKind)
	}
	return k, nil
}

func (x *Index) schemaPath(kind string) string {
	return filepath.Join(x.dir, kind+schemaSuffix)
}
