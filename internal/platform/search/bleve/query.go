package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	blv "github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/fold"
	"guildhall/internal/platform/search/vocab"
)

// facetSize matches Meilisearch's default maxValuesPerFacet.
const facetSize = 100

func (k *kind) search(ctx context.Context, q search.Query, v *vocab.Vocabulary) (search.Result, error) {
	if err := k.highlightable(q.Highlight); err != nil {
		return search.Result{}, err
	}
	p, err := k.expanded(q.Text, k.allFields(), v)
	if err != nil {
		return search.Result{}, err
	}
	bq, hasText, err := k.compose(p, q.Filters)
	if err != nil {
		return search.Result{}, err
	}
	var hl *matcher
	if len(q.Highlight) > 0 {
		hl = k.matcher(p)
	}
	offset, limit := q.Page()
	req := blv.NewSearchRequestOptions(bq, limit, offset, false)
	req.Fields = []string{sourceField}
	order, err := k.order(q.Sort, hasText)
	if err != nil {
		return search.Result{}, err
	}
	req.SortByCustom(order)
	for _, f := range q.Facets {
		j, err := k.attr(f, k.schema.Filterable, "filterable")
		if err != nil {
			return search.Result{}, err
		}
		req.AddFacet(f, blv.NewFacetRequest(keywordField(j), facetSize))
	}
	res, err := k.idx.SearchInContext(ctx, req)
	if err != nil {
		return search.Result{}, err
	}
	out := search.Result{Total: int(res.Total), Hits: make([]search.Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		raw, _ := h.Fields[sourceField].(string)
		var d search.Document
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return search.Result{}, fmt.Errorf("decode %q: %w", h.ID, err)
		}
		hit := search.Hit{ID: h.ID, Document: d}
		if hl != nil {
			for _, f := range q.Highlight {
				if text, ok := hl.highlightField(texts(d, f)); ok {
					if hit.Highlights == nil {
						hit.Highlights = map[string]string{}
					}
					hit.Highlights[f] = text
				}
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(q.Facets) > 0 {
		out.Facets = make(map[string]map[string]int, len(q.Facets))
		for _, f := range q.Facets {
			counts := map[string]int{}
			if fr := res.Facets[f]; fr != nil && fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					counts[t.Term] = t.Count
				}
			}
			out.Facets[f] = fold.Counts(counts)
		}
	}
	return out, nil
}

// highlightable checks that every field to highlight is searchable.
func (k *kind) highlightable(fields []string) error {
	for _, f := range fields {
		if _, err := k.searchable(f); err != nil {
			return fmt.Errorf("highlight: %w", err)
		}
	}
	return nil
}

// matcher marks what a plan's terms match, or is nil when it has none.
func (k *kind) matcher(p plan) *matcher {
	if len(p.terms) == 0 {
		return nil
	}
	return &matcher{an: k.idx.Mapping().AnalyzerNamed(textAnalyzer), terms: p.terms}
}

// compose ANDs a plan with the filters; hasText tells whether relevance
// orders the results.
func (k *kind) compose(p plan, filters []search.Filter) (q query.Query, hasText bool, err error) {
	parts := p.must
	for _, f := range filters {
		fq, err := k.filter(f)
		if err != nil {
			return nil, false, err
		}
		parts = append(parts, fq)
	}
	if len(parts) == 0 {
		return query.NewMatchAllQuery(), false, nil
	}
	return group(parts, p.should), len(p.must) > 0, nil
}

// searchable returns the position of a searchable field.
func (k *kind) searchable(field string) (int, error) {
	if i := slices.Index(k.schema.Searchable, field); i >= 0 {
		return i, nil
	}
	return 0, fmt.Errorf("field %q is not searchable", field)
}

// suggest runs prefix on field alone and collects the field's distinct
// values in relevance order. Duplicates (two works with one title) are why
// it fetches more hits than it returns, page by page if it must.
func (k *kind) suggest(ctx context.Context, prefix, field string, limit int, filters []search.Filter) ([]string, error) {
	i, err := k.searchable(field)
	if err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	// Suggestions complete the words typed, so the vocabulary stays out.
	p, err := k.literal(prefix, []int{i})
	if err != nil {
		return nil, err
	}
	m := k.matcher(p)
	if m == nil {
		return nil, nil
	}
	bq, _, err := k.compose(p, filters)
	if err != nil {
		return nil, err
	}
	order, err := k.order(nil, true)
	if err != nil {
		return nil, err
	}
	limit = search.SuggestLimit(limit)
	page := min(limit*2, search.MaxOffset)
	var out []string
	seen := map[string]bool{}
	for offset := 0; len(out) < limit && offset < search.MaxOffset; offset += page {
		req := blv.NewSearchRequestOptions(bq, page, offset, false)
		req.Fields = []string{sourceField}
		req.SortByCustom(order)
		res, err := k.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			raw, _ := h.Fields[sourceField].(string)
			var d map[string]any
			if err := json.Unmarshal([]byte(raw), &d); err != nil {
				return nil, fmt.Errorf("decode %q: %w", h.ID, err)
			}
			values := texts(d, field)
			for _, v := range values {
				// Of a list, only the elements that match; a single value
				// matched, or the document would not be here. A title in
				// both scripts is suggested once, as the best match wrote it.
				if seen[fold.String(v)] || (len(values) > 1 && len(m.spans(v)) == 0) {
					continue
				}
				seen[fold.String(v)] = true
				out = append(out, v)
				if len(out) == limit {
					return out, nil
				}
			}
		}
		if len(res.Hits) < page {
			break
		}
	}
	return out, nil
}

func (k *kind) filter(f search.Filter) (query.Query, error) {
	j, err := k.attr(f.Field, k.schema.Filterable, "filterable")
	if err != nil {
		return nil, err
	}
	var parts []query.Query
	if len(f.Values) > 0 {
		var alts []query.Query
		for _, v := range f.Values {
			vq, err := valueQuery(j, v)
			if err != nil {
				return nil, fmt.Errorf("filter %s: %w", f.Field, err)
			}
			alts = append(alts, vq)
		}
		parts = append(parts, query.NewDisjunctionQuery(alts))
	}
	if f.Min != nil || f.Max != nil {
		parts = append(parts, numberRange(j, f.Min, f.Max))
	}
	switch len(parts) {
	case 0:
		return nil, fmt.Errorf("filter %s: no values and no range", f.Field)
	case 1:
		return parts[0], nil
	}
	return query.NewConjunctionQuery(parts), nil
}

func valueQuery(j int, v any) (query.Query, error) {
	switch v := v.(type) {
	case string:
		if !fold.Plain(v) {
			tq := query.NewTermQuery(fold.String(v))
			tq.SetField(foldedField(j))
			return tq, nil
		}
		tq := query.NewTermQuery(v)
		tq.SetField(keywordField(j))
		return tq, nil
	case bool:
		tq := query.NewTermQuery(strconv.FormatBool(v))
		tq.SetField(keywordField(j))
		return tq, nil
	}
	if n, ok := search.Number(v); ok {
		return numberRange(j, &n, &n), nil
	}
	return nil, fmt.Errorf("unsupported value %v (%T)", v, v)
}

func numberRange(j int, lo, hi *float64) query.Query {
	yes := true
	rq := query.NewNumericRangeInclusiveQuery(lo, hi, &yes, &yes)
	rq.SetField(numberField(j))
	return rq
}

// order sorts by the requested fields, then relevance, then the schema's
// custom ranking rules, then id so pages never overlap. Each field sorts by
// its numbers first and its strings second, so one code path serves both.
func (k *kind) order(sorts []search.Sort, hasText bool) (bsearch.SortOrder, error) {
	var order bsearch.SortOrder
	add := func(j int, desc bool) {
		mode := bsearch.SortFieldMin
		if desc {
			mode = bsearch.SortFieldMax
		}
		order = append(order,
			&bsearch.SortField{Field: numberField(j), Desc: desc, Type: bsearch.SortFieldAsNumber, Mode: mode, Missing: bsearch.SortFieldMissingLast},
			&bsearch.SortField{Field: keywordField(j), Desc: desc, Type: bsearch.SortFieldAsString, Mode: mode, Missing: bsearch.SortFieldMissingLast},
		)
	}
	for _, s := range sorts {
		j, err := k.attr(s.Field, k.schema.Sortable, "sortable")
		if err != nil {
			return nil, err
		}
		add(j, s.Desc)
	}
	if hasText {
		order = append(order, &bsearch.SortScore{Desc: true})
	}
	for _, r := range k.schema.RankingRules {
		if f, desc, ok := search.CustomRankingRule(r); ok {
			add(k.attrAt[f], desc)
		}
	}
	return append(order, &bsearch.SortDocID{}), nil
}

func (k *kind) attr(field string, allowed []string, what string) (int, error) {
	j, ok := k.attrAt[field]
	if !ok || !search.Has(allowed, field) {
		return 0, fmt.Errorf("field %q is not %s", field, what)
	}
	return j, nil
}
