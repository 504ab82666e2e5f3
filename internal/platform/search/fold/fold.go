// Package fold is the one normaliser both search engines use so that
// traditional and simplified Chinese find each other: 茶壺 and 茶壶 fold to
// the same text at index time and at query time.
//
// Folding works character by character, never by phrase: one rune becomes
// one rune. That keeps a folded text aligned with the text it came from, so
// a match found in the folded text is highlighted on the same characters of
// the text as the maker wrote it, and folding twice changes nothing.
package fold

import (
	"sync"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

var table struct {
	once sync.Once
	m    map[rune]rune
}

// String returns s with every traditional character replaced by its
// simplified form. Text without one comes back as it is, unallocated.
func String(s string) string {
	m := runes()
	for i, r := range s {
		if _, ok := m[r]; ok {
			b := make([]byte, 0, len(s))
			b = append(b, s[:i]...)
			for _, r := range s[i:] {
				b = utf8.AppendRune(b, Rune(r))
			}
			return string(b)
		}
	}
	return s
}

// Rune folds one character.
func Rune(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	if s, ok := runes()[r]; ok {
		return s
	}
	return r
}

// Changes reports whether folding changes s.
func Changes(s string) bool {
	m := runes()
	for _, r := range s {
		if _, ok := m[r]; ok {
			return true
		}
	}
	return false
}

// Plain reports whether s is all ASCII. Folding maps Chinese characters to
// Chinese characters only, so a plain value equals another value after
// folding exactly when it equals it before: filters on plain values need
// no folded copy.
func Plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Load builds the table now rather than on the first search; the app calls
// it while starting so no shopper waits for it.
func Load() { runes() }

func runes() map[rune]rune {
	table.once.Do(func() { table.m = build() })
	return table.m
}

// build reads OpenCC's traditional-to-simplified character tables once.
// Hong Kong's variants (衞, 敍, 枱) are added where they end on a
// character t2s itself produces; Taiwan's variant table is left out, as it
// also turns plain simplified characters (抬, 么) into rarer ones.
func build() map[rune]rune {
	base := convert("t2s")
	simplified := map[rune]bool{}
	for _, s := range base {
		simplified[s] = true
	}
	for r, s := range convert("hk2s") {
		if _, ok := base[r]; !ok && simplified[s] && !simplified[r] {
			base[r] = s
		}
	}
	// Follow chains (薴 → 苧 → 苎) so that folding twice changes nothing.
	for r, s := range base {
		for seen := 0; seen < 8; seen++ {
			next, ok := base[s]
			if !ok || next == s {
				break
			}
			s = next
		}
		base[r] = s
	}
	return base
}

// convert asks OpenCC for the conversion of every character its tables
// know, one character at a time (phrase entries are skipped on purpose).
// The tables are embedded in the opencc module; they cannot be missing, so
// a failure is a broken build and panics.
func convert(conversion string) map[rune]rune {
	cc, err := opencc.New(conversion)
	if err != nil {
		panic("fold: opencc " + conversion + ": " + err.Error())
	}
	out := map[rune]rune{}
	for _, group := range cc.DictChains {
		for _, d := range group.Dicts {
			for _, id := range d.Trie.PrefixPredict(nil, 0) {
				key, err := d.Trie.Key(id)
				if err != nil || utf8.RuneCount(key) != 1 {
					continue
				}
				r, _ := utf8.DecodeRune(key)
				if _, done := out[r]; done {
					continue
				}
				conv, err := cc.Convert(string(r))
				if err != nil || utf8.RuneCountInString(conv) != 1 {
					continue
				}
				if s, _ := utf8.DecodeRuneInString(conv); s != r && s >= utf8.RuneSelf {
					out[r] = s
				}
			}
		}
	}
	return out
}
