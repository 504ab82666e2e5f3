package moderation

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"github.com/mtibben/confusables"
	"golang.org/x/text/unicode/norm"
)

// The one place text is normalised before the detector reads it. Evasions
// change how text looks, not what it says, so everything below folds looks
// away: compatibility forms (NFKC), letters from other scripts that look
// Latin (TR39 skeletons), traditional characters, digits in any dress,
// invisible characters and text written one character a line.

// normalized is text as the detector reads it, with the byte offset in the
// original text of the rune that gave each byte, so a signal can point back at
// what was written.
type normalized struct {
	text string
	orig []int32
	from string // the original text
}

// span returns the bytes of the original text that produced text[i:j].
func (n normalized) span(i, j int) (int, int) {
	if i >= len(n.orig) || j <= i {
		return -1, -1
	}
	last := int(n.orig[j-1])
	_, size := utf8.DecodeRuneInString(n.from[last:])
	return int(n.orig[i]), last + size
}

// normalize folds text: NFKC, lower case, look-alike letters to Latin,
// traditional to simplified Chinese, digit forms to ASCII digits, invisible
// characters dropped, whitespace collapsed to one space (or one newline when
// the run had one), and runs of one-character lines rejoined.
//
// Chinese numerals (一二三, 壹贰叁, 两, 幺) stay characters here: folding them
// would turn 一个 and 三月 into numbers. The phone scanner reads them as
// digits instead (contactDigit).
func normalize(text string) normalized {
	b := foldBuilder{buf: make([]byte, 0, len(text)+8), orig: make([]int32, 0, len(text)+8), from: text}
	// Most of a post is ASCII, Chinese and full-width punctuation, whose NFKC form is known rune by rune
	// (nfkcSimple): those are folded directly, and only the stretches between them go through NFKC.
	for i := 0; i < len(text); {
		if r, n := nfkcAlone(text[i:]); r >= 0 {
			b.fold(r, int32(i))
			i += n
			continue
		}
		_, n := utf8.DecodeRuneInString(text[i:])
		j := i + n
		for j < len(text) {
			r, n := nfkcAlone(text[j:])
			if r >= 0 {
				break
			}
			j += n
		}
		var it norm.Iter
		it.InitString(norm.NFKC, text[i:j])
		for !it.Done() {
			at := i + it.Pos()
			seg := it.Next()
			for k := 0; k < len(seg); {
				r, n := utf8.DecodeRune(seg[k:])
				k += n
				b.fold(r, int32(at))
			}
		}
		i = j
	}
	return b.done()
}

// nfkcAlone returns the NFKC form of the first rune of s and its size, when that rune is NFKC on its own: it
// neither decomposes nor combines with a neighbour. Otherwise -1 and its size.
func nfkcAlone(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if markNext(s[n:]) {
		return -1, n
	}
	if f := nfkcSimple(r); f >= 0 {
		return f, n
	}
	if p := norm.NFKC.PropertiesString(s); p.BoundaryBefore() && len(p.Decomposition()) == 0 && r != utf8.RuneError {
		return r, n
	}
	return -1, n
}

// nfkcSimple returns the NFKC form of r when it is one rune that nothing before it combines with: ASCII, CJK
// ideographs, the ideographic space and punctuation, full-width ASCII. Otherwise -1.
func nfkcSimple(r rune) rune {
	switch {
	case r < utf8.RuneSelf, r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF:
		return r
	case r == 0x3000:
		return ' '
	case r >= 0x3001 && r <= 0x3011, r >= 0x3014 && r <= 0x301F:
		return r
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	}
	return -1
}

// markNext reports whether s starts with a rune that may combine with the one before it: a combining mark, a
// Hangul vowel after its consonant.
func markNext(s string) bool {
	if s == "" || s[0] < utf8.RuneSelf {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return nfkcSimple(r) < 0 && !norm.NFKC.PropertiesString(s).BoundaryBefore()
}

func (b *foldBuilder) done() normalized {
	n := normalized{text: string(b.buf), orig: b.orig, from: b.from}
	if hasShortLines(n.text) {
		n = rejoinLines(n)
	}
	return n
}

// hasShortLines reports whether s has three lines in a row of one or two characters, without allocating: most
// posts with line breaks have none.
func hasShortLines(s string) bool {
	run, chars := 0, 0
	for _, r := range s {
		switch {
		case r == '\n':
			if chars >= 1 && chars <= 2 {
				if run++; run >= 3 {
					return true
				}
			} else {
				run = 0
			}
			chars = 0
		case r != ' ':
			chars++
		}
	}
	return chars >= 1 && chars <= 2 && run >= 2
}

type foldBuilder struct {
	buf   []byte
	orig  []int32
	from  string
	space byte // whitespace pending since the last rune written: 0, ' ' or '\n'
}

func (b *foldBuilder) write(s string, at int32) {
	b.spaceBefore(at)
	b.buf = append(b.buf, s...)
	for range len(s) {
		b.orig = append(b.orig, at)
	}
}

func (b *foldBuilder) writeRune(r rune, at int32) {
	b.spaceBefore(at)
	n := len(b.buf)
	b.buf = utf8.AppendRune(b.buf, r)
	for range len(b.buf) - n {
		b.orig = append(b.orig, at)
	}
}

// spaceBefore writes the whitespace pending before a rune, unless the text has not begun.
func (b *foldBuilder) spaceBefore(at int32) {
	if b.space != 0 && len(b.buf) > 0 {
		b.buf = append(b.buf, b.space)
		b.orig = append(b.orig, at)
	}
	b.space = 0
}

// fold writes r, which came from the original byte offset at, as the detector reads it.
func (b *foldBuilder) fold(r rune, at int32) {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case r == '\n':
			b.space = '\n'
		case r <= ' ' || r == 0x7F: // other control characters count as space
			if b.space == 0 {
				b.space = ' '
			}
		case 'A' <= r && r <= 'Z':
			b.writeRune(r+'a'-'A', at)
		default:
			b.writeRune(r, at)
		}
	case r >= 0x3400 && r <= 0x9FFF: // the bulk of Chinese text
		b.writeRune(simplified(r), at)
	case invisible(r):
	case unicode.IsSpace(r):
		if r == 0x2028 || r == 0x2029 {
			b.space = '\n'
		} else if b.space == 0 {
			b.space = ' '
		}
	default:
		r = unicode.ToLower(r)
		if d := digitForm(r); d != "" {
			b.write(d, at)
		} else if l := latinLookalike(r); l != "" {
			b.write(l, at)
		} else {
			b.writeRune(r, at)
		}
	}
}

// invisible reports whether r shows nothing or only decorates its neighbour:
// format characters (zero-width space and joiners, BOM, bidi marks, soft
// hyphen), variation selectors, combining marks (keycap, strike-through) and
// the blank characters of Hangul and Braille that pass for letters.
func invisible(r rune) bool {
	switch {
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF, r >= 0xE0000 && r <= 0xE007F:
		return true
	case r == 0x3164 || r == 0x115F || r == 0x1160 || r == 0xFFA0 || r == 0x2800:
		return true
	}
	return unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me)
}

// digitForm spells the digit forms NFKC leaves alone: dingbat and negative
// circled digits (❶, ➀, ➊, ⓫, ⓵, ⓿), the keycap ten and 🄋.
func digitForm(r rune) string {
	switch {
	case r >= 0x2776 && r <= 0x277F: // ❶…❿
		return itoaDigits(int(r-0x2776) + 1)
	case r >= 0x2780 && r <= 0x2789: // ➀…➉
		return itoaDigits(int(r-0x2780) + 1)
	case r >= 0x278A && r <= 0x2793: // ➊…➓
		return itoaDigits(int(r-0x278A) + 1)
	case r >= 0x24EB && r <= 0x24F4: // ⓫…⓴
		return itoaDigits(int(r-0x24EB) + 11)
	case r >= 0x24F5 && r <= 0x24FE: // ⓵…⓾
		return itoaDigits(int(r-0x24F5) + 1)
	case r == 0x24FF || r == 0x1F10B || r == 0x1F10C: // ⓿ 🄋 🄌
		return "0"
	case r == 0x1F51F: // 🔟
		return "10"
	}
	return ""
}

func itoaDigits(n int) string {
	if n >= 10 {
		return string([]byte{byte('0' + n/10), byte('0' + n%10)})
	}
	return string(rune('0' + n))
}

// latinLookalike returns the lower-case ASCII letters r (lower case) passes for, or "".
//
// github.com/mtibben/confusables computes TR39 skeletons, but on its own it
// is the wrong tool for this: it maps ASCII too ('0' → "O", '1' → "l",
// 'm' → "rn"), it maps 一 to the katakana ー and 〇 to "O", and for many
// lower-case Cyrillic and Greek letters its prototype is a small capital or
// a letter with a hook (в → ʙ, н → ʜ, т → ᴛ, κ → ĸ, η → n̩, ε → ꞓ), not a
// Latin letter. So only letters outside ASCII and Han are folded, the
// skeleton is taken after lower-casing and again of the upper-case form,
// marks are dropped, and lexicon/lookalikes.txt supplies what is still not
// Latin. The table is built once, on first use.
func latinLookalike(r rune) string {
	lookalikesOnce.Do(buildLookalikes)
	return lookalikes[r]
}

var (
	lookalikesOnce sync.Once
	lookalikes     map[rune]string
)

// lookalikeRanges are the blocks whose letters are folded: Latin supplements and
// extensions, IPA, Greek, Cyrillic, Armenian, Cherokee, phonetic extensions, letterlike
// symbols, Latin extended C–E. Mathematical alphanumerics and full-width forms need no
// table: NFKC already made them ASCII.
var lookalikeRanges = [][2]rune{{0x00C0, 0x058F}, {0x13A0, 0x13FF}, {0x1D00, 0x1DBF}, {0x1E00, 0x1FFF},
	{0x2100, 0x214F}, {0x2C60, 0x2C7F}, {0x2C80, 0x2CFF}, {0xA640, 0xA69F}, {0xA720, 0xA7FF}, {0xAB30, 0xAB6F}}

func buildLookalikes() {
	lookalikes = map[rune]string{}
	for _, rg := range lookalikeRanges {
		for r := rg[0]; r <= rg[1]; r++ {
			if !unicode.IsLetter(r) || unicode.ToLower(r) != r {
				continue // fold looks up letters after lower-casing them
			}
			if l := skeletonLatin(unicode.ToLower(r)); l != "" {
				lookalikes[r] = l
			} else if l := skeletonLatin(unicode.ToUpper(r)); l != "" {
				lookalikes[r] = l
			}
		}
	}
	for r, l := range lexiconLookalikes() {
		lookalikes[r] = l
	}
}

// skeletonLatin is the TR39 skeleton of r when it is made of Latin letters only (marks dropped), lower-cased.
func skeletonLatin(r rune) string {
	var b strings.Builder
	for _, c := range confusables.Skeleton(string(r)) {
		switch {
		case unicode.In(c, unicode.Mn, unicode.Me):
		case 'a' <= c && c <= 'z':
			b.WriteRune(c)
		case 'A' <= c && c <= 'Z':
			b.WriteRune(c + 'a' - 'A')
		default:
			return ""
		}
	}
	return b.String()
}

// simplified returns the simplified form of a traditional character (or r itself).
//
// OpenCC's converter costs about 170 µs per KB (it allocates a map for each
// prefix match), more than the whole detector may spend, and its phrase
// tables matter for display, not for matching. So its t2s tables are loaded
// once, on first use, and read into a table of characters: every character of
// the CJK blocks converted alone (about 20 ms, once; 3,751 differ, none into
// more than one character). The converter is then dropped.
func simplified(r rune) rune {
	t2sOnce.Do(buildT2S)
	if s := t2s[r-0x3400]; s != 0 {
		return s
	}
	return r
}

var (
	t2sOnce sync.Once
	t2s     []rune // indexed by r-0x3400 for 0x3400…0x9FFF; 0 where the character is its own simplified form
)

func buildT2S() {
	t2s = make([]rune, 0x9FFF-0x3400+1)
	cc, err := opencc.New("t2s")
	if err != nil {
		return // the tables are embedded in the module, so this does not happen; without them text stays as written
	}
	var all strings.Builder
	for r := rune(0x3400); r <= 0x9FFF; r++ {
		all.WriteRune(r)
		all.WriteByte('\n') // no phrase spans a line, so each character converts alone
	}
	out, err := cc.Convert(all.String())
	if err != nil {
		return
	}
	r := rune(0x3400)
	for line := range strings.SplitSeq(out, "\n") {
		if r > 0x9FFF {
			break
		}
		if s, n := utf8.DecodeRuneInString(line); n == len(line) && s != r && s != utf8.RuneError {
			t2s[r-0x3400] = s
		}
		r++
	}
}

// rejoinLines glues runs of three or more lines of at most two characters
// each ("加\n微\n信") into one line, so text written downwards reads across.
func rejoinLines(n normalized) normalized {
	type line struct{ lo, hi int } // text[lo:hi], without its newline
	var lines []line
	for lo := 0; lo <= len(n.text); {
		hi := strings.IndexByte(n.text[lo:], '\n')
		if hi < 0 {
			hi = len(n.text)
		} else {
			hi += lo
		}
		lines = append(lines, line{lo, hi})
		lo = hi + 1
	}
	short := func(l line) bool {
		c := utf8.RuneCountInString(strings.TrimSpace(n.text[l.lo:l.hi]))
		return c >= 1 && c <= 2
	}
	glue := make([]bool, len(lines)) // glue[i]: drop the newline after line i
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && short(lines[j]) {
			j++
		}
		if j-i >= 3 {
			for k := i; k < j-1; k++ {
				glue[k] = true
			}
		}
		i = max(j, i+1)
	}
	out := normalized{orig: make([]int32, 0, len(n.orig)), from: n.from}
	var b strings.Builder
	b.Grow(len(n.text))
	for i, l := range lines {
		s, o := n.text[l.lo:l.hi], n.orig[l.lo:l.hi]
		if glue[i] || i > 0 && glue[i-1] {
			s, o = trimSpaces(s, o)
		}
		b.WriteString(s)
		out.orig = append(out.orig, o...)
		if i < len(lines)-1 && !glue[i] {
			b.WriteByte('\n')
			out.orig = append(out.orig, n.orig[l.hi])
		}
	}
	out.text = b.String()
	return out
}

func trimSpaces(s string, o []int32) (string, []int32) {
	for len(s) > 0 && s[0] == ' ' {
		s, o = s[1:], o[1:]
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s, o = s[:len(s)-1], o[:len(o)-1]
	}
	return s, o
}

// squeeze drops runs of separators (spaces, punctuation that is not a clause
// break, symbols and emoji) between two CJK characters, digits or lone Latin
// letters: "加 微 信" → "加微信", "1 3 8-1234" → "1381234", "v.x" → "vx", while
// "we chat" and "30x40, 12" keep their separators. Line breaks stay.
func squeeze(n normalized) normalized {
	s := n.text
	var b strings.Builder
	var orig []int32
	kept := 0
	for i := 0; i < len(s); {
		if c := s[i]; 'a' <= c && c <= 'z' || '0' <= c && c <= '9' { // the common case
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !contactSeparator(r, s[i+w:]) {
			i += w
			continue
		}
		j := i + w
		for j < len(s) {
			r, w := utf8.DecodeRuneInString(s[j:])
			if !contactSeparator(r, s[j+w:]) {
				break
			}
			j += w
		}
		left, w := utf8.DecodeLastRuneInString(s[:i])
		leftFar, _ := utf8.DecodeLastRuneInString(s[:i-w])
		right, m := utf8.DecodeRuneInString(s[j:])
		rightFar, _ := utf8.DecodeRuneInString(s[j+m:])
		if contactJoinable(left, leftFar) && contactJoinable(right, rightFar) {
			if orig == nil {
				b.Grow(len(s))
				orig = make([]int32, 0, len(n.orig))
			}
			b.WriteString(s[kept:i])
			orig = append(orig, n.orig[kept:i]...)
			kept = j
		}
		i = j
	}
	if orig == nil {
		return n
	}
	b.WriteString(s[kept:])
	return normalized{text: b.String(), orig: append(orig, n.orig[kept:]...), from: n.from}
}

// contactSeparator reports whether r, followed by rest, may be squeezed out.
func contactSeparator(r rune, rest string) bool {
	switch r {
	case '+': // keep "+86" and "+八六", but squeeze 「加」+「微」
		next, _ := utf8.DecodeRuneInString(rest)
		return contactDigit(next) < 0
	case ' ', '-', '_', '(', ')', '[', ']', '{', '}', '<', '=', '>', '|', '~', '^', '`', '\'', '"', '*', '.', '/', '\\':
		return true
	}
	if r < utf8.RuneSelf || (r >= 0x4E00 && r <= 0x9FFF) || r == '。' || r == '、' { // , : ; ! ? 。 、 end a clause
		return false
	}
	return unicode.In(r, unicode.Pd, unicode.Ps, unicode.Pe, unicode.Pi, unicode.Pf, unicode.Pc, unicode.Po, unicode.Sm, unicode.Sk, unicode.So)
}

// contactJoinable reports whether r may be glued across separators: a CJK character or digit, or a Latin letter
// standing alone (far, the rune on its other side, is not a Latin letter).
func contactJoinable(r, far rune) bool {
	if ('0' <= r && r <= '9') || (r >= 0x4E00 && r <= 0x9FFF) || unicode.Is(unicode.Han, r) {
		return true
	}
	return 'a' <= r && r <= 'z' && (far < 'a' || far > 'z')
}
