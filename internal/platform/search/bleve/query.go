package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
	hl, err := k.highlighter(q)
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
			out.Facets[f] = counts
		}
	}
	return out, nil
}

// highlighter checks q.Highlight and returns the matcher for it, or nil
// when nothing is to be highlighted.
func (k *kind) highlighter(q search.Query) (*matcher, error) {
	if len(q.Highlight) == 0 {
		return nil, nil
	}
	for _, f := range q.Highlight {
		if _, err := k.searchable(f); err != nil {
			return nil, fmt.Errorf("highlight: %w", err)
		}
	}
	return k.matcher(q.Text)
}

func (k *kind) matcher(text string) (*matcher, error) {
	terms, err := k.terms(text)
	if err != nil || len(terms) == 0 {
		return nil, err
	}
	return &matcher{an: k.idx.Mapping().AnalyzerNamed(textAnalyzer), terms: terms}, nil
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
	m, err := k.matcher(prefix)
	if err != nil || m == nil {
		return nil, err
	}
	bq, _, err := k.queryOn(prefix, filters, []int{i})
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
				// matched, or the document would not be here.
				if seen[v] || (len(values) > 1 && len(m.spans(v)) == 0) {
					continue
				}
				seen[v] = true
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

// query ANDs every query word with the filters. Every word must match, as
// with Meilisearch's matchingStrategy "all" (which the meili adapter sends).
func (k *kind) query(q search.Query) (query.Query, bool, error) {
	return k.queryOn(q.Text, q.Filters, k.allFields())
}

// queryOn is query restricted to the searchable fields at positions fields.
func (k *kind) queryOn(text string, filters []search.Filter, fields []int) (query.Query, bool, error) {
	var parts, optional []query.Query
	terms, err := k.terms(text)
	if err != nil {
		return nil, false, err
	}
	byTerm := map[string]query.Query{}
	for _, t := range terms {
		tq := k.termQuery(t, fields)
		byTerm[t.term] = tq
		if t.optional {
			optional = append(optional, tq)
		} else {
			parts = append(parts, tq)
		}
	}
	for _, t := range terms {
		if t.coverWith != "" { // one of two bridging bigrams must cover a character
			parts = append(parts, query.NewDisjunctionQuery([]query.Query{byTerm[t.term], byTerm[t.coverWith]}))
		}
	}
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
	if len(optional) > 0 { // they only rank a run found whole above its words found apart
		return query.NewBooleanQuery(parts, optional, nil), true, nil
	}
	return query.NewConjunctionQuery(parts), len(terms) > 0, nil
}

// queryTerm is one distinct analysed token of the query text and how loosely
// it matches: Meilisearch's typo budget (1 typo from 5 letters, 2 from 9)
// for words, and the last word also as a prefix, for search-as-you-type.
// CJK bigrams and numbers match exactly.
type queryTerm struct {
	term   string
	fuzz   int
	prefix bool
	// single marks a CJK unigram of a word that also gave bigrams: it must
	// match (the bigrams already imply it) but is not highlighted alone.
	single bool
	// optional marks a CJK bigram inside a run of four or more characters,
	// which may straddle two words (瓷茶 in 青瓷茶壶): it need not match as
	// long as each of its characters is covered by a bigram that does. The
	// run's first and last bigrams must match; coverWith names the next
	// bigram, one of which must match to cover the character they share.
	optional  bool
	coverWith string
}

func (k *kind) terms(text string) ([]queryTerm, error) {
	words := strings.Fields(text)
	if len(words) == 0 {
		return nil, nil
	}
	an := k.idx.Mapping().AnalyzerNamed(textAnalyzer)
	if an == nil {
		return nil, fmt.Errorf("analyzer %s missing", textAnalyzer)
	}
	var out []queryTerm
	seen := map[string]int{} // term -> index in out
	for wi, w := range words {
		toks := an.Analyze([]byte(w))
		bigrams := false
		for _, tok := range toks {
			bigrams = bigrams || tok.Type == analysis.Double
		}
		optional, coverWith := bridges(toks)
		for _, tok := range toks {
			term := string(tok.Term)
			if i, ok := seen[term]; ok {
				if !optional[term] { // required anywhere is required
					out[i].optional, out[i].coverWith = false, ""
				}
				continue
			}
			seen[term] = len(out)
			qt := queryTerm{term: term, single: bigrams && tok.Type == analysis.Single,
				optional: optional[term], coverWith: coverWith[term]}
			if tok.Type == analysis.AlphaNumeric {
				if n := utf8.RuneCountInString(term); n >= 9 {
					qt.fuzz = 2
				} else if n >= 5 {
					qt.fuzz = 1
				}
				qt.prefix = wi == len(words)-1
			}
			out = append(out, qt)
		}
	}
	return out, nil
}

// bridges finds, in each run of CJK bigrams of one query word, the inner
// bigrams (all but the first and last of a run of four characters or more)
// and, for each inner bigram followed by another, that next one: a
// character between two inner bigrams is covered when either matches.
func bridges(toks analysis.TokenStream) (optional map[string]bool, coverWith map[string]string) {
	var run []*analysis.Token
	ends := map[string]bool{}
	flush := func() {
		if len(run) > 0 {
			ends[string(run[0].Term)], ends[string(run[len(run)-1].Term)] = true, true
		}
		for i := 1; i < len(run)-1; i++ {
			if optional == nil {
				optional, coverWith = map[string]bool{}, map[string]string{}
			}
			optional[string(run[i].Term)] = true
			if i+1 < len(run)-1 {
				coverWith[string(run[i].Term)] = string(run[i+1].Term)
			}
		}
		run = run[:0]
	}
	for _, tok := range toks {
		if tok.Type != analysis.Double {
			continue
		}
		if len(run) > 0 && tok.Start >= run[len(run)-1].End { // not overlapping: a new run
			flush()
		}
		run = append(run, tok)
	}
	flush()
	for t := range ends { // a bigram that ends a run is required (哈哈 in 哈哈哈哈)
		delete(optional, t)
		delete(coverWith, t)
	}
	return optional, coverWith
}

func (k *kind) allFields() []int {
	out := make([]int, len(k.schema.Searchable))
	for i := range out {
		out[i] = i
	}
	return out
}

// termQuery matches one query term in any of the searchable fields at
// positions fields, earlier fields weighing more.
func (k *kind) termQuery(t queryTerm, fields []int) query.Query {
	n := len(k.schema.Searchable)
	var alts []query.Query
	for _, i := range fields {
		field, weight := textField(i), float64(n-i)
		tq := query.NewTermQuery(t.term)
		tq.SetField(field)
		tq.SetBoost(weight)
		alts = append(alts, tq)
		if t.fuzz > 0 {
			fq := query.NewFuzzyQuery(t.term)
			fq.SetField(field)
			fq.SetFuzziness(t.fuzz)
			fq.SetBoost(weight * fuzzyBoost)
			alts = append(alts, fq)
		}
		if t.prefix {
			pq := query.NewPrefixQuery(t.term)
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
