package bleve

import (
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Boosts of the looser matches relative to an exact term, so a typo or a
// prefix ranks below the word itself as in Meilisearch's "typo" rule, and
// a word joined from two (moon cake → mooncake) or one the vocabulary links
// (皮夹 → 钱包, wallet) below the words as typed.
const (
	fuzzyBoost   = 0.4
	prefixBoost  = 0.2
	joinBoost    = 0.8
	synonymBoost = 0.3
)

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

// termSet collects the distinct analysed terms of query words.
type termSet struct {
	terms []queryTerm
	seen  map[string]int // term -> index in terms
}

// add analyses one query word. Its letter words match with Meilisearch's
// typo budget and, if prefix, as the start of a word; exact turns both off
// (for words the query did not type: synonyms and joins). It returns the
// words the analyser joined inside the word ("tea-pot" → teapot), which the
// caller may offer as an alternative; they are not required terms.
func (s *termSet) add(an analysis.Analyzer, word string, prefix, exact bool) (joined []string) {
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	toks := an.Analyze([]byte(word))
	bigrams := false
	for _, tok := range toks {
		bigrams = bigrams || tok.Type == analysis.Double
	}
	optional, coverWith := bridges(toks)
	for _, tok := range toks {
		term := string(tok.Term)
		if tok.Type == analysis.Shingle {
			joined = append(joined, term)
			continue
		}
		if i, ok := s.seen[term]; ok {
			if !optional[term] { // required anywhere is required
				s.terms[i].optional, s.terms[i].coverWith = false, ""
			}
			continue
		}
		s.seen[term] = len(s.terms)
		qt := queryTerm{term: term, single: bigrams && tok.Type == analysis.Single,
			optional: optional[term], coverWith: coverWith[term]}
		if tok.Type == analysis.AlphaNumeric && !exact {
			if n := utf8.RuneCountInString(term); n >= 9 {
				qt.fuzz = 2
			} else if n >= 5 {
				qt.fuzz = 1
			}
			qt.prefix = prefix
		}
		s.terms = append(s.terms, qt)
	}
	return joined
}

// words analyses every word of text, the last also as a prefix.
func (s *termSet) words(an analysis.Analyzer, text string) {
	words := strings.Fields(text)
	for i, w := range words {
		s.add(an, w, i == len(words)-1, false)
	}
}

// match turns terms into queries: must holds every term that is not
// optional (and, for a character between two bridging bigrams, one of
// them); should holds the optional ones, which only rank a run of Chinese
// found whole above its words found apart. scale weighs the terms.
func (k *kind) match(terms []queryTerm, fields []int, scale float64) (must, should []query.Query) {
	byTerm := map[string]query.Query{}
	for _, t := range terms {
		tq := k.termQuery(t, fields, scale)
		byTerm[t.term] = tq
		if t.optional {
			should = append(should, tq)
		} else {
			must = append(must, tq)
		}
	}
	for _, t := range terms {
		if t.coverWith != "" {
			must = append(must, query.NewDisjunctionQuery([]query.Query{byTerm[t.term], byTerm[t.coverWith]}))
		}
	}
	return must, should
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
// positions fields, earlier fields weighing more, all of them scale times.
func (k *kind) termQuery(t queryTerm, fields []int, scale float64) query.Query {
	n := len(k.schema.Searchable)
	var alts []query.Query
	for _, i := range fields {
		field, weight := textField(i), float64(n-i)*scale
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
