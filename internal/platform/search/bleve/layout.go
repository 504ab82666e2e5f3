package bleve

import (
	"encoding/json"
	"fmt"
	"strconv"

	blv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/fold"
)

// layoutVersion changes whenever the way documents become bleve fields
// changes; a stored index with another version is rebuilt from _source.
// 2: traditional characters folded, neighbouring words joined, string
// filters on folded copies.
const layoutVersion = 2

const (
	textAnalyzer = "guildhall_text"
	bigramFilter = "guildhall_cjk_bigram"
	sourceField  = "_source"
)

// layout maps a Schema onto bleve fields. Bleve field names are positional
// ("s0", "k1", "n1") rather than the JSON keys, so dotted or odd keys cannot
// collide with bleve's own path syntax; a schema change rebuilds the index,
// which keeps positions consistent.
type layout struct {
	schema search.Schema
	attrs  []string       // fields with keyword+numeric doc values
	attrAt map[string]int // attr -> position in attrs
}

func newLayout(s search.Schema) *layout {
	l := &layout{schema: s, attrAt: map[string]int{}}
	add := func(f string) {
		if _, ok := l.attrAt[f]; !ok {
			l.attrAt[f] = len(l.attrs)
			l.attrs = append(l.attrs, f)
		}
	}
	for _, f := range s.Filterable {
		add(f)
	}
	for _, f := range s.Sortable {
		add(f)
	}
	for _, r := range s.RankingRules {
		if f, _, ok := search.CustomRankingRule(r); ok {
			add(f)
		}
	}
	return l
}

func textField(i int) string    { return "s" + strconv.Itoa(i) }
func keywordField(j int) string { return "k" + strconv.Itoa(j) }
func numberField(j int) string  { return "n" + strconv.Itoa(j) }

// foldedField holds an attribute's strings folded to simplified characters,
// for filters (tags=茶壶 finds a work tagged 茶壺); only strings with
// characters beyond ASCII are copied there, as fold.Plain explains.
func foldedField(j int) string { return "f" + strconv.Itoa(j) }

// mapping declares every field statically: dynamic mapping would guess types
// per document and break sorting and ranges when a field's type wavers.
func (l *layout) mapping() (mapping.IndexMapping, error) {
	im := blv.NewIndexMapping()
	// Unigrams as well as bigrams so a one-character query (包) still matches.
	if err := im.AddCustomTokenFilter(bigramFilter, map[string]any{
		"type":           cjk.BigramName,
		"output_unigram": true,
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":      custom.Name,
		"tokenizer": unicode.Name,
		"token_filters": []any{
			cjk.WidthName,
			en.PossessiveName,
			lowercase.Name,
			foldFilter, // before the bigrams, so they are made of folded characters
			bigramFilter,
			joinFilter, // before stemming, so teapots joins and stems as teapot
			porter.Name,
		},
	}); err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = textAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	dm := mapping.NewDocumentStaticMapping()
	for i := range l.schema.Searchable {
		fm := mapping.NewTextFieldMapping()
		fm.Analyzer = textAnalyzer
		fm.Store, fm.IncludeInAll, fm.IncludeTermVectors, fm.DocValues = false, false, false, false
		dm.AddFieldMappingsAt(textField(i), fm)
	}
	for j := range l.attrs {
		kw := mapping.NewKeywordFieldMapping()
		kw.Store, kw.IncludeInAll, kw.IncludeTermVectors = false, false, false
		dm.AddFieldMappingsAt(keywordField(j), kw)
		num := mapping.NewNumericFieldMapping()
		num.Store, num.IncludeInAll = false, false
		dm.AddFieldMappingsAt(numberField(j), num)
		folded := mapping.NewKeywordFieldMapping()
		folded.Store, folded.IncludeInAll, folded.IncludeTermVectors, folded.DocValues = false, false, false, false
		dm.AddFieldMappingsAt(foldedField(j), folded)
	}
	src := mapping.NewTextFieldMapping()
	src.Index, src.IncludeInAll, src.IncludeTermVectors, src.DocValues = false, false, false, false
	dm.AddFieldMappingsAt(sourceField, src)
	im.DefaultMapping = dm
	return im, nil
}

// normalize round-trips a document through JSON so ints, structs and
// []string arrive in one shape (float64, map, []any), the same shape Search
// returns.
func normalize(d search.Document) (map[string]any, []byte, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, err
	}
	if id, _ := m["id"].(string); id == "" {
		return nil, nil, fmt.Errorf("document without a string id")
	}
	return m, raw, nil
}

// fields turns a normalized document into what bleve indexes.
func (l *layout) fields(d map[string]any, raw []byte) map[string]any {
	out := map[string]any{sourceField: string(raw)}
	for i, f := range l.schema.Searchable {
		var texts []string
		for _, v := range search.Lookup(d, f) {
			switch v := v.(type) {
			case string:
				texts = append(texts, v)
			case float64:
				texts = append(texts, formatNumber(v))
			}
		}
		if len(texts) > 0 {
			out[textField(i)] = texts
		}
	}
	for j, f := range l.attrs {
		var kws, folded []string
		var nums []float64
		seen := map[string]bool{}
		for _, v := range search.Lookup(d, f) {
			switch v := v.(type) {
			case string:
				if fold.Plain(v) {
					kws = append(kws, v)
					continue
				}
				// One written form per folded value, so facet counts
				// merged across scripts count each document once.
				if key := fold.String(v); !seen[key] {
					seen[key] = true
					kws, folded = append(kws, v), append(folded, key)
				}
			case bool:
				kws = append(kws, strconv.FormatBool(v))
			case float64:
				kws = append(kws, formatNumber(v))
				nums = append(nums, v)
			}
		}
		if len(kws) > 0 {
			out[keywordField(j)] = kws
		}
		if len(folded) > 0 {
			out[foldedField(j)] = folded
		}
		if len(nums) > 0 {
			out[numberField(j)] = nums
		}
	}
	return out
}

// formatNumber writes numbers as Meilisearch's facet keys do ("3", "4.5").
func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
