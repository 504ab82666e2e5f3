package bleve

import (
	"html"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"guildhall/internal/platform/search"
)

// Highlighting is computed here from the query terms and the analyser's
// token offsets rather than with bleve's highlighter: that one needs stored
// fields and term vectors (a bigger index) and cuts text into fragments,
// while a highlight here is the whole field, escaped, with <mark> around
// every token the query matched.

const (
	markOpen  = "<mark>"
	markClose = "</mark>"
)

// matcher tells which tokens of a text the query's terms match, with the
// same exact, fuzzy and prefix rules the query itself uses.
type matcher struct {
	an    analysis.Analyzer
	terms []queryTerm
}

func (m *matcher) matches(tok *analysis.Token) bool {
	term := string(tok.Term)
	for _, t := range m.terms {
		switch {
		case t.single:
			continue
		case term == t.term:
			return true
		case tok.Type != analysis.AlphaNumeric:
			continue
		case t.prefix && strings.HasPrefix(term, t.term):
			return true
		case t.fuzz > 0 && within(term, t.term, t.fuzz):
			return true
		}
	}
	return false
}

// spans returns the byte ranges of text the query matched, sorted and with
// overlapping or touching ranges merged (so CJK unigrams and bigrams of one
// word become one range).
func (m *matcher) spans(text string) [][2]int {
	var out [][2]int
	for _, tok := range m.an.Analyze([]byte(text)) {
		if tok.Start < 0 || tok.End > len(text) || tok.Start >= tok.End || !m.matches(tok) {
			continue
		}
		out = append(out, [2]int{tok.Start, tok.End})
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortFunc(out, func(a, b [2]int) int { return a[0] - b[0] })
	merged := out[:1]
	for _, s := range out[1:] {
		last := &merged[len(merged)-1]
		if s[0] <= last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// highlight returns text HTML-escaped with the matched ranges in <mark>, and
// whether anything matched.
func (m *matcher) highlight(text string) (string, bool) {
	spans := m.spans(text)
	if len(spans) == 0 {
		return html.EscapeString(text), false
	}
	var b strings.Builder
	at := 0
	for _, s := range spans {
		b.WriteString(html.EscapeString(text[at:s[0]]))
		b.WriteString(markOpen)
		b.WriteString(html.EscapeString(text[s[0]:s[1]]))
		b.WriteString(markClose)
		at = s[1]
	}
	b.WriteString(html.EscapeString(text[at:]))
	return b.String(), true
}

// highlightField highlights every text value of a field; a list's elements
// are joined with ", ".
func (m *matcher) highlightField(values []string) (string, bool) {
	parts := make([]string, len(values))
	matched := false
	for i, v := range values {
		var ok bool
		parts[i], ok = m.highlight(v)
		matched = matched || ok
	}
	return strings.Join(parts, ", "), matched
}

// texts returns a field's values as the text the index analysed.
func texts(d map[string]any, field string) []string {
	var out []string
	for _, v := range search.Lookup(d, field) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case float64:
			out = append(out, formatNumber(v))
		}
	}
	return out
}

// within reports whether a and b are at most n edits (Levenshtein, in runes)
// apart.
func within(a, b string, n int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > n || -d > n {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > n {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= n
}
