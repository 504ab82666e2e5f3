package moderation

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Signals are what the rules find in a text: contact patterns, names of
// other shops and apps, invitations to move the talk, recruitment phrases.
// Each is a stable snake_case name a moderator can read. A signal inside a
// clause that forbids or warns ("不要加微信", "never pay outside") is
// negated: it still shows, but it argues for the post instead of against it.

// Text-wide signals that are not evidence of a flag but change how the rest reads.
const (
	signalWarning = "warning_context" // the post warns about scams or reports one
	signalRules   = "rules_context"   // the post states rules (or Context says it does)
)

// evidence is everything the rules found in one text.
type evidence struct {
	n       normalized // the normalised text, innocent phrases blanked
	sq      normalized // n squeezed
	hits    []Signal   // one per signal name, in order of first appearance
	warning int        // how many warning words
	rules   int        // how many rules words (maxSignalCount when Context says the text is rules)
}

// maxNegationReach is how far back (bytes) a negation still governs a match
// in its clause: a few words or characters, so that one "never" at the top of
// a long post does not excuse a contact at its end.
const maxNegationReach = 36

// gather finds the signals of text.
func gather(text string, ctx Context) *evidence {
	lex := loadedLexicons()
	ev := &evidence{n: normalize(text)}
	if ctx.Rules {
		ev.rules = maxSignalCount
	}
	ev.n = blankInnocent(ev.n, lex.innocent)
	ev.sq = squeeze(ev.n)

	var normMarks, sqMarks marks
	var all []found
	var negEnds []int // where negations end, in the original text: a rule may match in either view
	collect := func(m *phraseMatcher, entries []lexEntry, view normalized, inSq bool, mk *marks) {
		s := view.text
		m.each(s, func(p, lo, hi int) {
			if !wordBounded(s, lo, hi) {
				return
			}
			e := entries[p]
			switch e.kind {
			case lexOff, lexRecruit, lexAmbiguous:
				all = append(all, found{e.signal, e.flag(), inSq, lo, hi, e.kind})
			case lexCueBefore:
				mk.cueEnds = append(mk.cueEnds, hi)
			case lexCueAfter:
				mk.cueStarts = append(mk.cueStarts, lo)
			case lexNegation:
				_, end := view.span(lo, hi)
				negEnds = append(negEnds, end)
			case lexWarning:
				ev.warning++
			case lexRules:
				ev.rules++
			}
		})
	}
	collect(lex.norm, lex.normEntries, ev.n, false, &normMarks)
	collect(lex.squeezed, lex.sqEntry, ev.sq, true, &sqMarks)
	normMarks.sort()
	sqMarks.sort()
	slices.Sort(negEnds)

	index := map[string]int{}
	// record adds a match to the signal's hit, and says whether the signal now counts fully.
	record := func(f found) bool {
		s, mk, view := ev.n.text, &normMarks, ev.n
		if f.inSq {
			s, mk, view = ev.sq.text, &sqMarks, ev.sq
		}
		if f.kind == lexAmbiguous && !mk.cued(s, f.lo, f.hi) {
			return false
		}
		start, _ := view.span(f.lo, f.hi)
		negated := negatedAt(text, negEnds, start)
		i, seen := index[f.signal]
		if !seen {
			i = len(ev.hits)
			index[f.signal] = i
			lo, hi := view.span(f.lo, f.hi)
			ev.hits = append(ev.hits, Signal{Name: f.signal, Flag: f.flag, Negated: true, Start: lo, End: hi})
		}
		h := &ev.hits[i]
		if !negated {
			if h.Negated {
				h.Negated = false
				h.Start, h.End = view.span(f.lo, f.hi)
			}
			h.Count++
		}
		return h.Count >= maxSignalCount
	}
	for _, f := range all {
		record(f)
	}
	contactPatterns(ev.n.text, ev.sq.text, func(signal string, inSq bool, lo, hi int) bool {
		return record(found{signal, FlagOffPlatform, inSq, lo, hi, lexOff})
	})
	return ev
}

// found is one match of a rule or a lexicon phrase, in the squeezed view of the text or the normalised one.
type found struct {
	signal, flag string
	inSq         bool
	lo, hi       int
	kind         lexKind
}

// marks are the cues found in one view of the text, each list in increasing order, so that the nearest one to a
// match is found by binary search whatever the number of matches.
type marks struct {
	cueEnds, cueStarts []int
}

func (m *marks) sort() {
	slices.Sort(m.cueEnds)
	slices.Sort(m.cueStarts)
}

// lastAtMost returns the largest of xs (sorted) that is at most v, or -1.
func lastAtMost(xs []int, v int) int {
	i, _ := slices.BinarySearch(xs, v+1)
	if i == 0 {
		return -1
	}
	return xs[i-1]
}

// cued reports whether a contact cue ends right before s[lo:hi] or starts right after it (a space or a
// punctuation mark between them at most).
func (m *marks) cued(s string, lo, hi int) bool {
	if e := lastAtMost(m.cueEnds, lo); e >= 0 && lo-e <= 2 && strings.Trim(s[e:lo], " :-") == "" {
		return true
	}
	i, _ := slices.BinarySearch(m.cueStarts, hi)
	return i < len(m.cueStarts) && m.cueStarts[i]-hi <= 2 && strings.Trim(s[hi:m.cueStarts[i]], " ") == ""
}

// negatedAt reports whether one of negEnds (sorted offsets in text, the original) ends before lo in the same
// clause, within maxNegationReach bytes.
func negatedAt(text string, negEnds []int, lo int) bool {
	e := lastAtMost(negEnds, lo)
	return e >= 0 && lo-e <= maxNegationReach && !strings.ContainsAny(text[e:lo], "。！？!?.;；\n")
}

// wordBounded reports whether s[lo:hi] does not cut an ASCII word or number: "line" is not in "outline",
// nor "tg" in "tgif".
func wordBounded(s string, lo, hi int) bool {
	return !(lo > 0 && asciiWordByte(s[lo]) && asciiWordByte(s[lo-1])) &&
		!(hi < len(s) && asciiWordByte(s[hi-1]) && asciiWordByte(s[hi]))
}

func asciiWordByte(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' }

// blankInnocent overwrites the innocent phrases of n ("微信读书", "qq等级", "telegram font") with '#', which no
// rule matches, squeezes or joins, so the signal words inside them are not seen. The bytes keep their offsets.
func blankInnocent(n normalized, innocent *phraseMatcher) normalized {
	var b []byte
	innocent.each(n.text, func(_, lo, hi int) {
		if !wordBounded(n.text, lo, hi) {
			return
		}
		if b == nil {
			b = []byte(n.text)
		}
		for i := lo; i < hi; i++ {
			b[i] = '#'
		}
	})
	if b == nil {
		return n
	}
	// A blanked multi-byte rune leaves no stray continuation bytes: every byte became '#'.
	if !utf8.Valid(b) {
		return n
	}
	return normalized{text: string(b), orig: n.orig, from: n.from}
}
