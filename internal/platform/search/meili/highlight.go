package meili

import (
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"

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
// sentinel appears, escaped, with the sentinels made <mark> tags.
func highlights(f map[string]any, fields []string) map[string]string {
	var out map[string]string
	for _, field := range fields {
		values := formattedTexts(f, field)
		matched := false
		parts := make([]string, len(values))
		for i, v := range values {
			matched = matched || strings.Contains(v, preSentinel)
			parts[i] = markup(v)
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

// markup escapes formatted text and turns the sentinels into <mark> tags.
func markup(s string) string {
	s = html.EscapeString(s)
	s = strings.ReplaceAll(s, preSentinel, "<mark>")
	return strings.ReplaceAll(s, postSentinel, "</mark>")
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
