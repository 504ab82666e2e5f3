package meili

import (
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/meilisearch/meilisearch-go"

	"guildhall/internal/platform/search"
)

// Meilisearch puts its highlight tags into _formatted but leaves the text
// around them unescaped. It is asked for sentinel tags from Unicode's
// private use area instead of <mark>; the adapter escapes the whole text and
// only then turns the sentinels into <mark>, so a title holding <script>
// reaches the page as text.
const (
	preSentinel  = "\ue000mark\ue001"
	postSentinel = "\ue000/mark\ue001"
	formattedKey = "_formatted"
)

// formatted decodes a hit's _formatted object, if any.
func formatted(h meilisearch.Hit) (map[string]any, error) {
	raw, ok := h[formattedKey]
	if !ok {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decode %s: %w", formattedKey, err)
	}
	return m, nil
}

// highlights builds Hit.Highlights from _formatted: each field in which a
// sentinel appears, in the field or its folded copy, escaped, with the
// marked characters in <mark> tags.
func highlights(f map[string]any, fields []string) map[string]string {
	var out map[string]string
	for _, field := range fields {
		texts, spans := marked(f, field)
		matched := false
		parts := make([]string, len(texts))
		for i, text := range texts {
			matched = matched || len(spans[i]) > 0
			parts[i] = render(text, spans[i])
		}
		if !matched {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[field] = strings.Join(parts, ", ")
	}
	return out
}

// marked returns a field's values as stored and, for each, the runes
// Meilisearch marked in it or in its folded copy. Folding keeps one
// character for one, so a copy's marks fall on the same characters of the
// original; a copy that does not line up (it never should) is ignored.
func marked(f map[string]any, field string) (texts []string, spans [][][2]int) {
	values := formattedTexts(f, field)
	folded := formattedTexts(f, foldedPath(field))
	texts, spans = make([]string, len(values)), make([][][2]int, len(values))
	for i, v := range values {
		texts[i], spans[i] = marks(v)
		if len(folded) != len(values) {
			continue
		}
		if text, s := marks(folded[i]); utf8.RuneCountInString(text) == utf8.RuneCountInString(texts[i]) {
			spans[i] = append(spans[i], s...)
		}
	}
	return texts, spans
}

// marks strips the sentinels from formatted text, returning the text and
// the rune ranges they enclosed.
func marks(s string) (string, [][2]int) {
	var b strings.Builder
	var spans [][2]int
	at, open := 0, -1
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, preSentinel):
			s, open = s[len(preSentinel):], at
		case strings.HasPrefix(s, postSentinel):
			s = s[len(postSentinel):]
			if open >= 0 && open < at {
				spans = append(spans, [2]int{open, at})
			}
			open = -1
		default:
			r, n := utf8.DecodeRuneInString(s)
			b.WriteRune(r)
			s, at = s[n:], at+1
		}
	}
	if open >= 0 && open < at {
		spans = append(spans, [2]int{open, at})
	}
	return b.String(), spans
}

// render escapes text and wraps the rune ranges of spans (merged where
// they overlap or touch) in <mark> tags.
func render(text string, spans [][2]int) string {
	if len(spans) == 0 {
		return html.EscapeString(text)
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	rs := []rune(text)
	var b strings.Builder
	at := 0
	for i := 0; i < len(spans); i++ {
		start, end := max(spans[i][0], at), spans[i][1]
		for i+1 < len(spans) && spans[i+1][0] <= end {
			i++
			end = max(end, spans[i][1])
		}
		if start >= end {
			continue
		}
		b.WriteString(html.EscapeString(string(rs[at:start])))
		b.WriteString("<mark>" + html.EscapeString(string(rs[start:end])) + "</mark>")
		at = end
	}
	b.WriteString(html.EscapeString(string(rs[at:])))
	return b.String()
}

// formattedTexts returns a field's values (a dotted path reaches into
// nested objects, arrays flatten) as strings.
func formattedTexts(d map[string]any, path string) []string {
	var out []string
	for _, v := range search.Lookup(d, path) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case float64:
			out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	return out
}
