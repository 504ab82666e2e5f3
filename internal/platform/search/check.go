package search

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DefaultLimit is the page size when Query.Limit is 0.
const DefaultLimit = 24

// Validate reports a schema that either engine would refuse or mangle. Kinds
// become Meilisearch index uids and Bleve directory names, so both engines'
// rules apply: ASCII letters, digits, '-' and '_'.
func (s Schema) Validate() error {
	if s.Kind == "" || len(s.Kind) > 200 {
		return fmt.Errorf("search: kind %q must be 1-200 characters", s.Kind)
	}
	for _, r := range s.Kind {
		if !isIDRune(r) {
			return fmt.Errorf("search: kind %q may only hold letters, digits, '-' and '_'", s.Kind)
		}
	}
	for _, group := range [][]string{s.Searchable, s.Filterable, s.Sortable} {
		for _, f := range group {
			if f == "" || strings.ContainsAny(f, " \t\n\"'") {
				return fmt.Errorf("search %s: bad field name %q", s.Kind, f)
			}
		}
	}
	return nil
}

// Has reports whether field is in fields.
func Has(fields []string, field string) bool {
	for _, f := range fields {
		if f == field {
			return true
		}
	}
	return false
}

// Page returns the offset and limit a Query asks for, with defaults applied
// so both engines page the same way.
func (q Query) Page() (offset, limit int) {
	offset, limit = q.Offset, q.Limit
	if offset < 0 {
		offset = 0
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	return offset, limit
}

// CustomRankingRule splits a custom ranking rule such as "hot:desc" into its
// field and direction; ok is false for Meilisearch's built-in rules.
func CustomRankingRule(rule string) (field string, desc bool, ok bool) {
	i := strings.LastIndexByte(rule, ':')
	if i <= 0 {
		return "", false, false
	}
	switch rule[i+1:] {
	case "desc":
		return rule[:i], true, true
	case "asc":
		return rule[:i], false, true
	}
	return "", false, false
}

func isIDRune(r rune) bool {
	return r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// Number converts the numeric types a Document or Filter may carry to
// float64, the one numeric type both engines compare.
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// SuggestLimit applies Suggest's default and bound to a requested limit.
func SuggestLimit(limit int) int {
	if limit <= 0 {
		return DefaultSuggestLimit
	}
	return min(limit, MaxSuggestLimit)
}

// Lookup finds a field's values by its JSON key, or by a dotted path into
// nested objects as Meilisearch does, flattening arrays on the way.
func Lookup(d map[string]any, path string) []any {
	if v, ok := d[path]; ok {
		return flatten(v)
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		var out []any
		for _, child := range flatten(d[path[:i]]) {
			if cm, ok := child.(map[string]any); ok {
				out = append(out, Lookup(cm, path[i+1:])...)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func flatten(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		var out []any
		for _, e := range v {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []any{v}
}
