// Package vocab is the shoppers' vocabulary both search engines share: the
// words people use for one thing in Chinese and English (钱包, 皮夹,
// wallet), read from web/locales/vocabulary.json. Bleve expands a query
// with it; Meilisearch receives it as its synonyms setting.
package vocab

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/go-porterstemmer"

	"guildhall/internal/platform/search/fold"
)

// file is the JSON layout of a vocabulary.
type file struct {
	About string `json:"about"` // for people editing the file
	// Same lists groups of words that mean one thing: each finds the others.
	Same [][]string `json:"same"`
	// Includes maps a broader word to narrower ones it also finds, and so
	// does every word of its group, but not the other way round: cup finds
	// mug, mug does not find every cup.
	Includes map[string][]string `json:"includes"`
}

// Vocabulary answers which other words a shopper's word stands for. The
// zero value and nil know no words.
type Vocabulary struct {
	related map[string][]string // Key of a word → the other words it finds
	written map[string]string   // Key of a word → the word as the file writes it (folded, lower case)
	han     map[string]bool     // words written only in Han characters, for Segment
	maxHan  int                 // the longest of them, in characters
	phrases int                 // the most words a vocabulary entry has
}

// Load reads a vocabulary file from fsys.
func Load(fsys fs.FS, name string) (*Vocabulary, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	v, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("vocabulary %s: %w", name, err)
	}
	return v, nil
}

// Parse reads a vocabulary from its JSON.
func Parse(raw []byte) (*Vocabulary, error) {
	var f file
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	v := &Vocabulary{related: map[string][]string{}, written: map[string]string{}, han: map[string]bool{}}
	peers := map[string][]string{} // Key of a word → the words of its groups
	for i, group := range f.Same {
		words, err := v.words(group)
		if err != nil {
			return nil, fmt.Errorf("same[%d]: %w", i, err)
		}
		if len(words) < 2 {
			return nil, fmt.Errorf("same[%d] %q: a group needs two words or more", i, group)
		}
		for _, w := range words {
			peers[Key(w)] = append(peers[Key(w)], words...)
			for _, other := range words {
				v.link(w, other)
			}
		}
	}
	for _, broad := range slices.Sorted(maps.Keys(f.Includes)) {
		words, err := v.words(append([]string{broad}, f.Includes[broad]...))
		if err != nil {
			return nil, fmt.Errorf("includes %q: %w", broad, err)
		}
		if len(words) < 2 {
			return nil, fmt.Errorf("includes %q: it needs a narrower word", broad)
		}
		for _, w := range append(peers[Key(words[0])], words[0]) {
			for _, narrow := range words[1:] {
				v.link(w, narrow)
			}
		}
	}
	return v, nil
}

// words normalises a list of written words, refusing empty ones.
func (v *Vocabulary) words(list []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, w := range list {
		w = strings.Join(strings.Fields(strings.ToLower(fold.String(w))), " ")
		if w == "" {
			return nil, fmt.Errorf("an empty word")
		}
		k := Key(w)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, w)
		if _, ok := v.written[k]; !ok {
			v.written[k] = w
		}
		if n := len(strings.Fields(w)); n > v.phrases {
			v.phrases = n
		}
		if isHan(w) {
			v.han[w] = true
			v.maxHan = max(v.maxHan, utf8.RuneCountInString(w))
		}
	}
	return out, nil
}

func (v *Vocabulary) link(from, to string) {
	k := Key(from)
	if k == Key(to) || slices.Contains(v.related[k], to) {
		return
	}
	v.related[k] = append(v.related[k], to)
}

// Related returns the words phrase also stands for, as the vocabulary
// writes them, in the file's order; nil when it knows none. Phrase may be
// written in either script, any case, singular or plural.
func (v *Vocabulary) Related(phrase string) []string {
	if v == nil {
		return nil
	}
	return v.related[Key(phrase)]
}

// Known reports whether the vocabulary holds phrase.
func (v *Vocabulary) Known(phrase string) bool {
	if v == nil {
		return false
	}
	_, ok := v.written[Key(phrase)]
	return ok
}

// MaxWords is the most words of one vocabulary entry ("card holder" is two),
// so callers know how many query words to try together.
func (v *Vocabulary) MaxWords() int {
	if v == nil {
		return 0
	}
	return v.phrases
}

// Segment splits a word typed without spaces at the vocabulary's Chinese
// words, longest first from the left: 手工皮夹 → 手工, 皮夹; silver戒指 →
// silver, 戒指. A word in which the vocabulary finds none comes back whole.
// A one-character vocabulary word (壶) only counts when it is the whole
// word, so 银杏 is not read as 银 (silver) and 杏.
func (v *Vocabulary) Segment(word string) []string {
	if v == nil || v.maxHan == 0 {
		return []string{word}
	}
	rs := []rune(fold.String(word))
	var out []string
	pending := 0 // start of the text not yet emitted
	found := false
	for i := 0; i < len(rs); {
		n := v.match(rs[i:])
		if n < 2 {
			i++
			continue
		}
		found = true
		if pending < i {
			out = append(out, string(rs[pending:i]))
		}
		out = append(out, string(rs[i:i+n]))
		i += n
		pending = i
	}
	if !found {
		return []string{word}
	}
	if pending < len(rs) {
		out = append(out, string(rs[pending:]))
	}
	return out
}

// match returns the length of the longest Han vocabulary word rs starts
// with, or 0.
func (v *Vocabulary) match(rs []rune) int {
	for n := min(v.maxHan, len(rs)); n >= 2; n-- {
		if v.han[string(rs[:n])] {
			return n
		}
	}
	return 0
}

// Synonyms is the vocabulary as Meilisearch's synonyms setting: each word
// (and an English word's plural) mapped to the words it also finds.
// Meilisearch applies synonyms to the query as typed and does not stem, so
// plurals get entries of their own.
func (v *Vocabulary) Synonyms() map[string][]string {
	out := map[string][]string{}
	if v == nil {
		return out
	}
	for k, related := range v.related {
		w := v.written[k]
		out[w] = append([]string(nil), related...)
		if p := plural(w); p != "" {
			if _, taken := v.written[Key(p)]; !taken || Key(p) == k {
				out[p] = append([]string(nil), related...)
			}
		}
	}
	return out
}

// Key is how the vocabulary compares words: folded to simplified
// characters, lower case, single spaces, English words stemmed as the
// Bleve index stems them (so wallets and wallet are one word).
func Key(phrase string) string {
	words := strings.Fields(strings.ToLower(fold.String(phrase)))
	for i, w := range words {
		if isLatin(w) {
			words[i] = porterstemmer.StemString(w)
		}
	}
	return strings.Join(words, " ")
}

func isHan(w string) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return w != ""
}

func isLatin(w string) bool {
	for _, r := range w {
		if r >= utf8.RuneSelf || !unicode.IsLetter(r) {
			return false
		}
	}
	return w != ""
}

// plural makes the regular English plural of a one-word noun, or "".
func plural(w string) string {
	if !isLatin(w) || len(w) < 3 {
		return ""
	}
	switch {
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	case strings.HasSuffix(w, "y") && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}
