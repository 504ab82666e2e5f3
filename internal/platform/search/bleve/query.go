package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"guildhall/internal/platform/search"
)

// facetSize matches Meilisearch's default maxValuesPerFacet.
const facetSize = 100

// Boosts of the looser matches relative to an exact term, so a typo or a
// prefix ranks below the word itself as in Meilisearch's "typo" rule.
const (
	fuzzyBoost  = 0.4
	prefixBoost = 0.2
)

func (k *kind) search(ctx context.Context, q search.Query) (search.Result, error) {
	bq, hasText, err := k.query(q)
	if err != nil {
		return search.Result{}, err
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
		out.Hits = append(out.Hits, search.Hit{ID: h.ID, Document: d})
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
			out.Facets[f] = counts
		}
	}
	return out, nil
}

// query ANDs every query word with the filters. Every word must match, as
// with Meilisearch's matchingStrategy "all" (which the meili adapter sends).
func (k *kind) query(q search.Query) (query.Query, bool, error) {
	var parts []query.Query
	words := strings.Fields(q.Text)
	hasText := false
	if len(words) > 0 {
		an := k.idx.Mapping().AnalyzerNamed(textAnalyzer)
		if an == nil {
			return nil, false, fmt.Errorf("analyzer %s missing", textAnalyzer)
		}
		seen := map[string]bool{}
		for wi, w := range words {
			for _, tok := range an.Analyze([]byte(w)) {
				term := string(tok.Term)
				if seen[term] {
					continue
				}
				seen[term] = true
				hasText = true
				parts = append(parts, k.termQuery(tok, wi == len(words)-1))
			}
		}
	}
	for _, f := range q.Filters {
		fq, err := k.filter(f)
		if err != nil {
			return nil, false, err
		}
		parts = append(parts, fq)
	}
	if len(parts) == 0 {
		return query.NewMatchAllQuery(), false, nil
	}
	return query.NewConjunctionQuery(parts), hasText, nil
}

// termQuery matches one analysed token in any searchable field, earlier
// fields weighing more. Words get Meilisearch's typo budget (1 typo from 5
// letters, 2 from 9) and the last word also matches as a prefix, for
// search-as-you-type. CJK bigrams and numbers match exactly.
func (k *kind) termQuery(tok *analysis.Token, last bool) query.Query {
	term := string(tok.Term)
	word := tok.Type == analysis.AlphaNumeric
	fuzz := 0
	if n := utf8.RuneCountInString(term); word && n >= 9 {
		fuzz = 2
	} else if word && n >= 5 {
		fuzz = 1
	}
	n := len(k.schema.Searchable)
	var alts []query.Query
	for i := range k.schema.Searchable {
		field, weight := textField(i), float64(n-i)
		tq := query.NewTermQuery(term)
		tq.SetField(field)
		tq.SetBoost(weight)
		alts = append(alts, tq)
		if fuzz > 0 {
			fq := query.NewFuzzyQuery(term)
			fq.SetField(field)
			fq.SetFuzziness(fuzz)
			fq.SetBoost(weight * fuzzyBoost)
			alts = append(alts, fq)
		}
		if last && word {
			pq := query.NewPrefixQuery(term)
			pq.SetField(field)
			pq.SetBoost(weight * prefixBoost)
			alts = append(alts, pq)
		}
	}
	if len(alts) == 0 {
		return query.NewMatchNoneQuery()
	}
	return query.NewDisjunctionQuery(alts)
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
