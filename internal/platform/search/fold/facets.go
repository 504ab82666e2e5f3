package fold

// Counts merges facet counts whose values fold to the same text (茶壶 and
// 茶壺), so a shopper sees one entry with the count of both. The entry is
// shown as one of its written forms: the one most works use, then the
// simplified one, then the first in order, so the answer never depends on
// map order. Filtering by it finds every form, as filters fold too.
func Counts(in map[string]int) map[string]int {
	if in == nil {
		return nil
	}
	type merged struct {
		written     string // the form shown
		best, total int    // works using it; works using any form
	}
	groups := map[string]*merged{}
	for v, n := range in {
		key := String(v)
		g := groups[key]
		if g == nil {
			g = &merged{}
			groups[key] = g
		}
		g.total += n
		if g.written == "" || better(v, n, g.written, g.best, key) {
			g.written, g.best = v, n
		}
	}
	if len(groups) == len(in) {
		return in
	}
	out := make(map[string]int, len(groups))
	for _, g := range groups {
		out[g.written] = g.total
	}
	return out
}

// better reports whether written form v (n works) shows a merged entry
// rather than cur (m works).
func better(v string, n int, cur string, m int, folded string) bool {
	if n != m {
		return n > m
	}
	if (v == folded) != (cur == folded) {
		return v == folded
	}
	return v < cur
}
