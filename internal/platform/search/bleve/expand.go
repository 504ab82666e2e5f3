package bleve

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"guildhall/internal/platform/search/vocab"
)

// plan is the text part of one search: what must match, what only ranks,
// and every term any part matches (for highlights).
type plan struct {
	must, should []query.Query
	terms        []queryTerm
}

// chunk is one unit of a query the shopper typed: a word, or a piece of a
// Chinese word the vocabulary split off (手工皮夹 → 手工, 皮夹).
type chunk struct {
	text   string
	word   int  // which query word it comes from
	prefix bool // the query's last chunk, matched as the start of a word
}

// literal is a plan for text exactly as typed: every word must match, as
// with Meilisearch's matchingStrategy "all" (which the meili adapter sends).
func (k *kind) literal(text string, fields []int) (plan, error) {
	an, err := k.analyzer()
	if err != nil {
		return plan{}, err
	}
	var ts termSet
	ts.words(an, text)
	must, should := k.match(ts.terms, fields, 1)
	return plan{must: must, should: should, terms: ts.terms}, nil
}

// expanded is the plan of a search the way shoppers type: every chunk of
// the query must match, either as typed (with typos and a prefix) or
// through an alternative, each ranked below the words as typed:
//   - a word the analyser joined inside it (tea-pot → teapot);
//   - neighbouring words joined (moon cake → mooncake), as Meilisearch's
//     word concatenation does; the index holds neighbouring words joined
//     too (analysis.go), so teapot finds "tea pot";
//   - the vocabulary's words for a chunk or a run of them (皮夹 → 钱包,
//     wallet; card holder → 卡包).
//
// All of it is one bleve query, so a page still sends one search.
func (k *kind) expanded(text string, fields []int, v *vocab.Vocabulary) (plan, error) {
	an, err := k.analyzer()
	if err != nil {
		return plan{}, err
	}
	chunks, seams := split(text, v)
	var p plan
	lits := make([]plan, len(chunks))
	alts := make([][]query.Query, len(chunks))
	for i, c := range chunks {
		var ts termSet
		for _, j := range ts.add(an, c.text, c.prefix, false) {
			alts[i] = append(alts[i], k.exact(j, fields, joinBoost))
			p.terms = append(p.terms, queryTerm{term: j})
		}
		lits[i].must, lits[i].should = k.match(ts.terms, fields, 1)
		p.terms = append(p.terms, ts.terms...)
		for _, r := range v.Related(c.text) {
			alts[i] = append(alts[i], k.alternative(an, r, fields, synonymBoost, &p))
		}
	}
	for i := range chunks {
		for n := 2; n <= max(2, v.MaxWords()) && i+n <= len(chunks); n++ {
			span := spanAlternatives(an, chunks[i:i+n], func(text string, boost float64) query.Query {
				return k.alternative(an, text, fields, boost, &p)
			}, v)
			for j := i; j < i+n; j++ {
				alts[j] = append(alts[j], span...)
			}
		}
	}
	for i := range chunks {
		lit := lits[i]
		if len(alts[i]) == 0 || len(lit.must) == 0 {
			p.must, p.should = append(p.must, lit.must...), append(p.should, lit.should...)
			continue
		}
		// Two levels, so that a document found by several alternatives
		// (a Chinese title holding 钱包 and 钱夹) still ranks below one found
		// by the word as typed.
		p.must = append(p.must, query.NewDisjunctionQuery([]query.Query{
			group(lit.must, lit.should), query.NewDisjunctionQuery(alts[i]),
		}))
	}
	for _, s := range seams { // a Chinese word found whole ranks above its pieces found apart
		p.should = append(p.should, k.exact(s, fields, 1))
		p.terms = append(p.terms, queryTerm{term: s})
	}
	return p, nil
}

// spanAlternatives are the alternatives of neighbouring chunks taken
// together: the vocabulary's words for the phrase (card holder → 卡包) and,
// for two words of letters, the two joined (moon cake → mooncake) and the
// vocabulary's words for that (月饼).
func spanAlternatives(an analysis.Analyzer, span []chunk, alt func(text string, boost float64) query.Query, v *vocab.Vocabulary) []query.Query {
	words := make([]string, len(span))
	for i, c := range span {
		words[i] = c.text
	}
	var out []query.Query
	for _, r := range v.Related(strings.Join(words, " ")) {
		out = append(out, alt(r, synonymBoost))
	}
	if len(span) == 2 && span[0].word != span[1].word && letters(span[0].text) && letters(span[1].text) {
		joined := span[0].text + span[1].text
		if stem := stemmed(an, joined); stem == stemmed(an, span[0].text) || stem == stemmed(an, span[1].text) {
			return out // stemming ate the second word (silverring → silver): no new word
		}
		out = append(out, alt(joined, joinBoost))
		for _, r := range v.Related(joined) {
			out = append(out, alt(r, synonymBoost))
		}
	}
	return out
}

// alternative matches text (a synonym or a joined word) exactly, every word
// of it, weighed boost times, and adds its terms to the plan's highlights.
func (k *kind) alternative(an analysis.Analyzer, text string, fields []int, boost float64, p *plan) query.Query {
	var ts termSet
	for _, w := range strings.Fields(text) {
		ts.add(an, w, false, true)
	}
	terms := ts.terms[:0:0]
	for _, t := range ts.terms {
		if !t.single { // a bigram already holds its characters
			terms = append(terms, t)
		}
	}
	p.terms = append(p.terms, terms...)
	must, should := k.match(terms, fields, boost)
	return group(must, should)
}

// exact matches one analysed term as it is.
func (k *kind) exact(term string, fields []int, boost float64) query.Query {
	return k.termQuery(queryTerm{term: term}, fields, boost)
}

// group is one query for must and should parts.
func group(must, should []query.Query) query.Query {
	switch {
	case len(must) == 0:
		return query.NewMatchNoneQuery()
	case len(should) > 0:
		return query.NewBooleanQuery(must, should, nil)
	case len(must) == 1:
		return must[0]
	}
	return query.NewConjunctionQuery(must)
}

// split cuts the query into chunks: its words, and each word's Chinese
// pieces the vocabulary knows. Seams are the bigrams across the cuts inside
// a word (瓷茶 in 青瓷|茶壶), which rank the word found whole first.
func split(text string, v *vocab.Vocabulary) (chunks []chunk, seams []string) {
	words := strings.Fields(text)
	for wi, w := range words {
		pieces := v.Segment(w)
		for pi, piece := range pieces {
			chunks = append(chunks, chunk{text: piece, word: wi, prefix: wi == len(words)-1 && pi == len(pieces)-1})
			if pi == 0 {
				continue
			}
			last, _ := utf8.DecodeLastRuneInString(pieces[pi-1])
			first, _ := utf8.DecodeRuneInString(piece)
			if unicode.Is(unicode.Han, last) && unicode.Is(unicode.Han, first) {
				seams = append(seams, string([]rune{last, first}))
			}
		}
	}
	return chunks, seams
}

// stemmed is a word as the index holds it.
func stemmed(an analysis.Analyzer, word string) string {
	toks := an.Analyze([]byte(word))
	if len(toks) != 1 {
		return ""
	}
	return string(toks[0].Term)
}

// letters reports whether a chunk is a word of two letters or more outside
// Chinese, the words the index joins.
func letters(s string) bool {
	if utf8.RuneCountInString(s) < 2 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) || unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

func (k *kind) analyzer() (analysis.Analyzer, error) {
	an := k.idx.Mapping().AnalyzerNamed(textAnalyzer)
	if an == nil {
		return nil, fmt.Errorf("analyzer %s missing", textAnalyzer)
	}
	return an, nil
}
