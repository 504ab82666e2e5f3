package bleve

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"guildhall/internal/platform/search/fold"
)

// Token filters of the text analyser, registered by name because bleve
// stores an index's analyser as names in its mapping.
const (
	foldFilter = "guildhall_fold"
	joinFilter = "guildhall_join"
)

func init() {
	registry.RegisterTokenFilter(foldFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldTokens{}, nil
	})
	registry.RegisterTokenFilter(joinFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return joinTokens{}, nil
	})
}

// foldTokens folds traditional characters to simplified in each token. It
// runs on single characters before the CJK bigrams are made, and changes
// only terms, never offsets, so highlights land on the text as written.
type foldTokens struct{}

func (foldTokens) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		if ascii(tok.Term) {
			continue
		}
		if s := string(tok.Term); fold.Changes(s) {
			tok.Term = []byte(fold.String(s))
		}
	}
	return in
}

// joinTokens adds, after each pair of neighbouring words, the two joined
// as one token of type Shingle: "tea pot" is also indexed as teapot, so a
// search for teapot finds it, as Meilisearch's word splitting does. The
// query side joins neighbouring query words the same way (expand.go), so
// "moon cake" finds mooncake. Only words of letters (not Chinese, which
// has bigrams) of two letters or more are joined, and only across a single
// space or hyphen, not across punctuation.
type joinTokens struct{}

func (joinTokens) Filter(in analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, tok := range in {
		if out != nil {
			out = append(out, tok)
		}
		if i == 0 || !joinable(in[i-1]) || !joinable(tok) || tok.Start-in[i-1].End > 1 {
			continue
		}
		if out == nil {
			out = append(make(analysis.TokenStream, 0, len(in)+len(in)/2), in[:i+1]...)
		}
		prev := in[i-1]
		term := make([]byte, 0, len(prev.Term)+len(tok.Term))
		out = append(out, &analysis.Token{
			Term: append(append(term, prev.Term...), tok.Term...), Start: prev.Start, End: tok.End,
			Position: prev.Position, Type: analysis.Shingle,
		})
	}
	if out == nil {
		return in
	}
	return out
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func joinable(tok *analysis.Token) bool {
	if tok.Type != analysis.AlphaNumeric || utf8.RuneCount(tok.Term) < 2 {
		return false
	}
	for _, r := range string(tok.Term) {
		if !unicode.IsLetter(r) || unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}
