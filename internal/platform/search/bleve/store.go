package bleve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"guildhall/internal/platform/search"
)

const schemaSuffix = ".schema.json"

// storedSchema is what <kind>.schema.json holds.
type storedSchema struct {
	Version int           `json:"version"`
	Schema  search.Schema `json:"schema"`
}

func readSchema(path string) (search.Schema, int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return search.Schema{}, 0, err
	}
	var st storedSchema
	if err := json.Unmarshal(raw, &st); err != nil {
		return search.Schema{}, 0, fmt.Errorf("read %s: %w", path, err)
	}
	return st.Schema, st.Version, nil
}

// writeSchema replaces the file atomically so a crash never leaves half a
// schema that Open would choke on.
func writeSchema(path string, s search.Schema) error {
	raw, err := json.MarshalIndent(storedSchema{Version: layoutVersion, Schema: s}, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func sameSchema(a, b search.Schema) bool {
	ra, _ := json.Marshal(a)
	rb, _ := json.Marshal(b)
	return bytes.Equal(ra, rb)
}

// DefaultMergeFloor tiers segment merges from 100 documents. Scorch's default
// floor of 2,000 puts a catalogue of a few thousand works in one tier whose
// budget is a single segment, so every small batch (a favourite's new count)
// made the merger rewrite the whole index: most of the CPU under a stream of
// signals. From 100, small batches merge with each other and the large
// segments are rewritten only when a tier fills.
const DefaultMergeFloor = 100

func (x *Index) scorchConfig() map[string]any {
	return map[string]any{"scorchMergePlanOptions": map[string]any{"FloorSegmentSize": x.mergeFloor}}
}

func (x *Index) openKind(path string, l *layout) (*kind, error) {
	idx, err := blv.OpenUsing(path, x.scorchConfig())
	if errors.Is(err, blv.ErrorIndexPathDoesNotExist) {
		m, merr := l.mapping()
		if merr != nil {
			return nil, merr
		}
		idx, err = blv.NewUsing(path, m, scorch.Name, scorch.Name, x.scorchConfig())
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &kind{layout: l, idx: idx}, nil
}

// rebuildPath rebuilds an index that exists on disk but whose stored schema
// is missing, stale or different.
func (x *Index) rebuildPath(ctx context.Context, path string, l *layout) (*kind, error) {
	old, err := blv.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open existing index %s to rebuild it (remove the directory and run `guildhall reindex`): %w", path, err)
	}
	k, err := x.rebuild(ctx, old, path, l)
	if err != nil {
		old.Close()
	}
	return k, err
}

// rebuild copies every stored document of old into a fresh index laid out by
// l, then swaps it in at path. Until the swap old is untouched, so a failure
// leaves the previous index serving. A crash during the swap leaves at worst
// an empty index, which `guildhall reindex` refills: search is a projection.
func (x *Index) rebuild(ctx context.Context, old blv.Index, path string, l *layout) (*kind, error) {
	tmp := path + ".rebuild"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, err
	}
	m, err := l.mapping()
	if err != nil {
		return nil, err
	}
	fresh, err := blv.New(tmp, m)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", tmp, err)
	}
	if err := copyDocs(ctx, old, fresh, l); err != nil {
		fresh.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := fresh.Close(); err != nil {
		return nil, err
	}
	if err := old.Close(); err != nil {
		return nil, err
	}
	if err := os.RemoveAll(path); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	return x.openKind(path, l)
}

func copyDocs(ctx context.Context, from, to blv.Index, l *layout) error {
	var after []string
	for {
		req := blv.NewSearchRequestOptions(query.NewMatchAllQuery(), upsertBatch, 0, false)
		req.Fields = []string{sourceField}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		res, err := from.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("read documents to rebuild: %w", err)
		}
		if len(res.Hits) == 0 {
			return nil
		}
		b := to.NewBatch()
		for _, h := range res.Hits {
			raw, _ := h.Fields[sourceField].(string)
			var d map[string]any
			if err := json.Unmarshal([]byte(raw), &d); err != nil {
				return fmt.Errorf("rebuild %q: %w", h.ID, err)
			}
			if err := b.Index(h.ID, l.fields(d, []byte(raw))); err != nil {
				return fmt.Errorf("rebuild %q: %w", h.ID, err)
			}
		}
		if err := to.Batch(b); err != nil {
			return err
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}
