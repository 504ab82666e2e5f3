package meili

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/fold"
)

// EnsureSchema creates the index (primary key "id") if missing and applies
// the schema as settings. Meilisearch treats unchanged settings as a no-op
// and reindexes by itself when they change. An empty Searchable keeps
// Meilisearch's default, every field.
func (x *Index) EnsureSchema(ctx context.Context, s search.Schema) error {
	if err := s.Validate(); err != nil {
		return err
	}
	ctx, cancel, err := x.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if err := x.ensureSchema(ctx, s); err != nil {
		return fmt.Errorf("search %s: ensure schema: %w", s.Kind, err)
	}
	x.mu.Lock()
	x.known[s.Kind] = true
	x.schemas[s.Kind] = s
	x.mu.Unlock()
	return nil
}

func (x *Index) ensureSchema(ctx context.Context, s search.Schema) error {
	uid := x.UID(s.Kind)
	if _, err := x.sm.GetIndex(ctx, uid); err != nil {
		if err = apiErr(err); !errors.Is(err, search.ErrUnknownKind) {
			return err
		}
		info, err := x.sm.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
		if err != nil {
			return err
		}
		// Another instance creating it at the same time is fine.
		if err := x.wait(ctx, info); err != nil && !isCode(err, meilisearch.APIErrCodeIndexAlreadyExists) {
			return err
		}
	}
	rules := s.RankingRules
	if len(rules) == 0 {
		rules = []string{"words", "typo", "proximity", "attribute", "sort", "exactness"}
	}
	ix := x.sm.Index(uid)
	settings := &meilisearch.Settings{
		SearchableAttributes: foldedSettings(s.Searchable),
		FilterableAttributes: foldedSettings(s.Filterable),
		SortableAttributes:   s.Sortable,
		RankingRules:         rules,
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: maxValuesPerFacet,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeAlpha},
		},
	}
	// Meilisearch applies synonyms to the query and, as Bleve does, joins
	// and splits words by itself. A nil vocabulary leaves the server's
	// synonyms as they are.
	if x.cfg.vocab != nil {
		settings.Synonyms = x.cfg.vocab.Synonyms()
	}
	info, err := ix.UpdateSettings(ctx, settings)
	if err != nil {
		return err
	}
	if err := x.wait(ctx, info); err != nil {
		return err
	}
	// Settings omit empty lists, so clear them explicitly when a schema
	// drops every filterable or sortable field.
	if len(s.Filterable) == 0 {
		if info, err = ix.ResetFilterableAttributes(ctx); err == nil {
			err = x.wait(ctx, info)
		}
	}
	if err == nil && len(s.Sortable) == 0 {
		if info, err = ix.ResetSortableAttributes(ctx); err == nil {
			err = x.wait(ctx, info)
		}
	}
	return err
}

// Upsert implements search.Index.
func (x *Index) Upsert(ctx context.Context, kind string, docs ...search.Document) error {
	ctx, cancel, err := x.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if err := x.upsert(ctx, kind, docs); err != nil {
		return fmt.Errorf("search %s: upsert: %w", kind, err)
	}
	return nil
}

func (x *Index) upsert(ctx context.Context, kind string, docs []search.Document) error {
	var s *search.Schema
	x.mu.Lock()
	if schema, ok := x.schemas[kind]; ok {
		s = &schema
	}
	x.mu.Unlock()
	out := make([]map[string]any, len(docs))
	for i, d := range docs {
		id := d.ID()
		if id == "" {
			return fmt.Errorf("document %d has no string id", i)
		}
		m := make(map[string]any, len(d)+1)
		for k, v := range d {
			m[k] = v
		}
		m["id"] = encodeID(id)
		out[i] = withFolded(m, s)
	}
	if err := x.ensureKnown(ctx, kind); err != nil {
		return err
	}
	pk := "id"
	for start := 0; start < len(out); start += docBatch {
		info, err := x.sm.Index(x.UID(kind)).AddDocuments(ctx, out[start:min(start+docBatch, len(out))], &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return apiErr(err)
		}
		if err := x.wait(ctx, info); err != nil {
			return err
		}
	}
	return nil
}

// Delete implements search.Index. Unknown ids are ignored.
func (x *Index) Delete(ctx context.Context, kind string, ids ...string) error {
	ctx, cancel, err := x.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if err := x.delete(ctx, kind, ids); err != nil {
		return fmt.Errorf("search %s: delete: %w", kind, err)
	}
	return nil
}

func (x *Index) delete(ctx context.Context, kind string, ids []string) error {
	if err := x.ensureKnown(ctx, kind); err != nil {
		return err
	}
	for start := 0; start < len(ids); start += docBatch {
		batch := make([]string, 0, docBatch)
		for _, id := range ids[start:min(start+docBatch, len(ids))] {
			batch = append(batch, encodeID(id))
		}
		info, err := x.sm.Index(x.UID(kind)).DeleteDocuments(ctx, batch, nil)
		if err != nil {
			return apiErr(err)
		}
		if err := x.wait(ctx, info); err != nil {
			return err
		}
	}
	return nil
}

// Search implements search.Index. Every query word must match
// (matchingStrategy "all"), as in the Bleve adapter.
func (x *Index) Search(ctx context.Context, kind string, q search.Query) (search.Result, error) {
	ctx, cancel, err := x.begin(ctx)
	if err != nil {
		return search.Result{}, err
	}
	defer cancel()
	res, err := x.search(ctx, kind, q)
	if err != nil {
		return search.Result{}, fmt.Errorf("search %s: %w", kind, err)
	}
	return res, nil
}

func (x *Index) search(ctx context.Context, kind string, q search.Query) (search.Result, error) {
	req, err := request(q)
	if err != nil {
		return search.Result{}, err
	}
	resp, err := x.sm.Index(x.UID(kind)).Search(ctx, foldQuery(q.Text), req)
	if err != nil {
		return search.Result{}, apiErr(err)
	}
	out := search.Result{Total: int(resp.EstimatedTotalHits), Hits: make([]search.Hit, 0, len(resp.Hits))}
	if resp.TotalHits > 0 {
		out.Total = int(resp.TotalHits)
	}
	for _, h := range resp.Hits {
		d, err := decodeHit(h)
		if err != nil {
			return search.Result{}, err
		}
		hit := search.Hit{ID: d.ID(), Document: d}
		if len(q.Highlight) > 0 {
			f, err := formatted(h)
			if err != nil {
				return search.Result{}, err
			}
			hit.Highlights = highlights(f, q.Highlight)
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(q.Facets) > 0 {
		out.Facets = make(map[string]map[string]int, len(q.Facets))
		if len(resp.FacetDistribution) > 0 {
			if err := json.Unmarshal(resp.FacetDistribution, &out.Facets); err != nil {
				return search.Result{}, fmt.Errorf("decode facetDistribution: %w", err)
			}
		}
		for _, f := range q.Facets {
			if out.Facets[f] == nil {
				out.Facets[f] = map[string]int{}
			}
			out.Facets[f] = fold.Counts(out.Facets[f])
		}
	}
	return out, nil
}

// request translates a Query into Meilisearch's search body.
func request(q search.Query) (*meilisearch.SearchRequest, error) {
	offset, limit := q.Page()
	req := &meilisearch.SearchRequest{
		Offset:           int64(offset),
		Limit:            int64(limit),
		Facets:           q.Facets,
		MatchingStrategy: meilisearch.All,
	}
	if len(q.Filters) > 0 {
		expr, err := filterExpr(q.Filters)
		if err != nil {
			return nil, err
		}
		req.Filter = expr
	}
	if len(q.Highlight) > 0 {
		req.AttributesToHighlight = foldedSettings(q.Highlight)
		req.HighlightPreTag, req.HighlightPostTag = preSentinel, postSentinel
	}
	for _, s := range q.Sort {
		dir := ":asc"
		if s.Desc {
			dir = ":desc"
		}
		req.Sort = append(req.Sort, s.Field+dir)
	}
	return req, nil
}

// Suggest implements search.Index: a search of prefix on field alone
// (attributesToSearchOn), where Meilisearch takes the last word as a prefix,
// retrieving only field. It asks for twice limit hits so that works sharing
// a title still fill the list, and for field highlighted, to tell which
// elements of a list field matched.
func (x *Index) Suggest(ctx context.Context, kind, prefix, field string, limit int, filters []search.Filter) ([]string, error) {
	ctx, cancel, err := x.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer cancel()
	out, err := x.suggest(ctx, kind, prefix, field, limit, filters)
	if err != nil {
		return nil, fmt.Errorf("search %s: suggest: %w", kind, err)
	}
	return out, nil
}

func (x *Index) suggest(ctx context.Context, kind, prefix, field string, limit int, filters []search.Filter) ([]string, error) {
	if strings.TrimSpace(prefix) == "" {
		return nil, nil
	}
	limit = search.SuggestLimit(limit)
	req := suggestRequest(field, limit)
	if len(filters) > 0 {
		expr, err := filterExpr(filters)
		if err != nil {
			return nil, err
		}
		req.Filter = expr
	}
	resp, err := x.sm.Index(x.UID(kind)).Search(ctx, foldQuery(prefix), req)
	if err != nil {
		return nil, apiErr(err)
	}
	var out []string
	seen := map[string]bool{}
	for _, h := range resp.Hits {
		d, err := decodeHit(h)
		if err != nil {
			return nil, err
		}
		f, err := formatted(h)
		if err != nil {
			return nil, err
		}
		values := formattedTexts(d, field)
		_, spans := marked(f, field)
		for i, v := range values {
			// Of a list, only the elements that match (in the field or its
			// folded copy). A title in both scripts is suggested once, as
			// the best match wrote it.
			if len(values) > 1 && len(spans) == len(values) && len(spans[i]) == 0 || seen[fold.String(v)] {
				continue
			}
			seen[fold.String(v)] = true
			out = append(out, v)
			if len(out) == limit {
				return out, nil
			}
		}
	}
	return out, nil
}

func suggestRequest(field string, limit int) *meilisearch.SearchRequest {
	both := foldedSettings([]string{field})
	return &meilisearch.SearchRequest{
		Limit:                 int64(limit * 2),
		AttributesToRetrieve:  both,
		AttributesToSearchOn:  both,
		AttributesToHighlight: both,
		HighlightPreTag:       preSentinel,
		HighlightPostTag:      postSentinel,
		MatchingStrategy:      meilisearch.All,
	}
}
