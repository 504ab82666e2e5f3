package meili

import (
	"fmt"
	"strconv"
	"strings"

	"guildhall/internal/platform/search"
)

// filterExpr renders filters in Meilisearch's filter syntax. Conditions are
// AND-ed at the top level; a field filtered on values that are not plain
// ASCII is OR-ed with its folded copy (fold.go), in parentheses.
func filterExpr(filters []search.Filter) (string, error) {
	var conds []string
	for _, c := range foldedFilters(filters) {
		if len(c.Values) == 0 && c.Min == nil && c.Max == nil {
			return "", fmt.Errorf("filter %s: no values and no range", c.Field)
		}
		var either []string
		for _, part := range []struct {
			field  string
			values []any
		}{{c.Field, c.Values}, {foldedPath(c.Field), c.folded}} {
			if len(part.values) == 0 {
				continue
			}
			cond, err := membership(part.field, part.values)
			if err != nil {
				return "", fmt.Errorf("filter %s: %w", c.Field, err)
			}
			either = append(either, cond)
		}
		switch len(either) {
		case 1:
			conds = append(conds, either[0])
		case 2:
			conds = append(conds, "("+either[0]+" OR "+either[1]+")")
		}
		if c.Min != nil {
			conds = append(conds, c.Field+" >= "+number(*c.Min))
		}
		if c.Max != nil {
			conds = append(conds, c.Field+" <= "+number(*c.Max))
		}
	}
	return strings.Join(conds, " AND "), nil
}

// membership is "field = v" for one value, "field IN [...]" for more.
func membership(field string, values []any) (string, error) {
	lits := make([]string, len(values))
	for i, v := range values {
		lit, err := literal(v)
		if err != nil {
			return "", err
		}
		lits[i] = lit
	}
	if len(lits) == 1 {
		return field + " = " + lits[0], nil
	}
	return field + " IN [" + strings.Join(lits, ", ") + "]", nil
}

func literal(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return quote(v)
	case bool:
		return strconv.FormatBool(v), nil
	}
	if n, ok := search.Number(v); ok {
		return number(n), nil
	}
	return "", fmt.Errorf("unsupported value %v (%T)", v, v)
}

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// quote wraps s in quotes Meilisearch's filter parser reads back as s. The
// parser only unescapes the quote character itself, and a backslash hides
// the character after it, so some strings (one ending in a backslash) fit
// neither quote; those are refused rather than silently matching something
// else.
func quote(s string) (string, error) {
	for _, q := range []byte{'"', '\''} {
		lit := string(q) + strings.ReplaceAll(s, string(q), `\`+string(q)) + string(q)
		if got, ok := unquote(lit); ok && got == s {
			return lit, nil
		}
	}
	return "", fmt.Errorf("value %q cannot be quoted for a Meilisearch filter", s)
}

// unquote reads a quoted literal the way Meilisearch's filter-parser
// (value.rs, quoted_by) does; ok is false unless the literal ends exactly at
// its closing quote.
func unquote(lit string) (string, bool) {
	if len(lit) < 2 {
		return "", false
	}
	q, body := lit[0], lit[1:]
	escaped := false
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case q:
			if i != len(body)-1 {
				return "", false
			}
			out := body[:i]
			if escaped {
				out = strings.ReplaceAll(out, `\`+string(q), string(q))
			}
			return out, true
		case '\\':
			if i+1 < len(body) {
				i++
				escaped = escaped || body[i] == q
			}
		}
	}
	return "", false
}
