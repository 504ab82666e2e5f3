package moderation

import (
	"hash/fnv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
)

// Disguised variants of the hand-written posts, for training and held-out
// evaluation alike. Every disguise is applied to clean posts too, so the
// model learns what is said rather than that odd-looking text is spam. A
// variant keeps its post's family, so the split never puts a post in
// training and its disguise in evaluation.

// disguise rewrites a post as an evader would; others are the clean posts it may hide among.
type disguise func(text string, seed uint32, others []corpusRow) string

var disguises = []disguise{
	disguiseZeroWidth, disguiseFullWidth, disguiseLookalikes, disguiseMathBold, disguiseTraditional,
	disguiseVertical, disguiseSeparators, disguiseDigits, disguiseEmbedded, disguiseEmoji,
}

// expandCorpus returns the posts followed, each, by its variants: three for a flagged post, two for a clean one.
func expandCorpus(base []corpusRow) []corpusRow {
	var clean [2][]corpusRow // by side of the split, so a disguise never carries text across it
	for _, r := range base {
		if len(r.labels) == 0 {
			side := 0
			if heldOut(r.family) {
				side = 1
			}
			clean[side] = append(clean[side], r)
		}
	}
	out := make([]corpusRow, 0, 4*len(base))
	for _, r := range base {
		out = append(out, r)
		n := 2
		if len(r.labels) > 0 {
			n = 3
		}
		seed, side := hashString(r.family), 0
		if heldOut(r.family) {
			side = 1
		}
		for i := range n {
			d := disguises[(int(seed)+i*7)%len(disguises)]
			v := r
			v.text = d(r.text, seed+uint32(i), clean[side])
			if v.text != r.text {
				out = append(out, v)
			}
		}
	}
	return out
}

func hashString(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func mapRunes(text string, f func(i int, r rune) string) string {
	var b strings.Builder
	i := 0
	for _, r := range text {
		b.WriteString(f(i, r))
		i++
	}
	return b.String()
}

func disguiseZeroWidth(text string, seed uint32, _ []corpusRow) string {
	zw := []string{"\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"}[seed%5]
	return mapRunes(text, func(_ int, r rune) string {
		if r == ' ' {
			return " "
		}
		return string(r) + zw
	})
}

func disguiseFullWidth(text string, _ uint32, _ []corpusRow) string {
	return mapRunes(text, func(_ int, r rune) string {
		if r > ' ' && r < 0x7F {
			return string(r + 0xFEE0)
		}
		return string(r)
	})
}

// lookalikeLetters are Cyrillic and Greek letters an evader puts for Latin ones.
var lookalikeLetters = map[rune][]rune{
	'a': {'а', 'α'}, 'c': {'с', 'ϲ'}, 'e': {'е', 'ε'}, 'o': {'о', 'ο'}, 'p': {'р', 'ρ'}, 'x': {'х', 'χ'},
	'y': {'у', 'γ'}, 'i': {'і', 'ι'}, 'h': {'н', 'һ'}, 'k': {'к', 'κ'}, 'm': {'м', 'м'}, 't': {'т', 'τ'},
	'b': {'в', 'β'}, 'v': {'ν', 'ѵ'}, 'w': {'ш', 'ω'}, 's': {'ѕ', 'ѕ'}, 'n': {'п', 'η'}, 'u': {'υ', 'μ'},
}

func disguiseLookalikes(text string, seed uint32, _ []corpusRow) string {
	return mapRunes(text, func(i int, r rune) string {
		lower := unicode.ToLower(r)
		if alts, ok := lookalikeLetters[lower]; ok && (i+int(seed))%3 != 0 {
			return string(alts[(i+int(seed))%2])
		}
		return string(r)
	})
}

func disguiseMathBold(text string, seed uint32, _ []corpusRow) string {
	base := []rune{0x1D41A, 0x1D44E, 0x1D482, 0x1D5EE}[seed%4] // bold, italic, bold italic, sans bold
	return mapRunes(text, func(_ int, r rune) string {
		if r = unicode.ToLower(r); 'a' <= r && r <= 'z' {
			if base == 0x1D44E && r == 'h' {
				return "ℎ" // the italic h lives in the letterlike block
			}
			return string(base + r - 'a')
		}
		return string(r)
	})
}

var s2t = sync.OnceValue(func() *opencc.OpenCC {
	cc, err := opencc.New("s2t")
	if err != nil {
		panic(err) // the tables are embedded in the module
	}
	return cc
})

func disguiseTraditional(text string, seed uint32, others []corpusRow) string {
	out, err := s2t().Convert(text)
	if err != nil || out == text { // nothing Chinese to convert
		return disguiseFullWidth(text, seed, others)
	}
	return out
}

// disguiseVertical writes a short post one character a line (words stay whole in English).
func disguiseVertical(text string, seed uint32, others []corpusRow) string {
	if utf8.RuneCountInString(text) > 40 {
		return disguiseSeparators(text, seed, others)
	}
	var lines []string
	for _, r := range text {
		if r != ' ' {
			lines = append(lines, string(r))
		}
	}
	return strings.Join(lines, "\n")
}

// disguiseSeparators puts a separator between the characters of Chinese text and digits, and between the letters
// of every other word.
func disguiseSeparators(text string, seed uint32, _ []corpusRow) string {
	sep := []string{" ", ".", "-", "·", "_", "/", "*"}[seed%7]
	rs := []rune(text)
	var b strings.Builder
	word := 0
	for i, r := range rs {
		b.WriteRune(r)
		if r == ' ' {
			word++
		}
		if i+1 < len(rs) && r != ' ' && rs[i+1] != ' ' &&
			(r > 0x2E80 || rs[i+1] > 0x2E80 || unicode.IsDigit(r) || unicode.IsLetter(r) && unicode.IsLetter(rs[i+1]) && (word+int(seed))%3 == 0) {
			b.WriteString(sep)
		}
	}
	return b.String()
}

// digitForms spell each digit in the forms evaders use: circled, negative circled, parenthesised, full width,
// Chinese, financial, keycap.
var digitForms = [][10]string{
	{"⓪", "①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨"},
	{"⓿", "❶", "❷", "❸", "❹", "❺", "❻", "❼", "❽", "❾"},
	{"0", "⑴", "⑵", "⑶", "⑷", "⑸", "⑹", "⑺", "⑻", "⑼"},
	{"０", "１", "２", "３", "４", "５", "６", "７", "８", "９"},
	{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"},
	{"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"},
	{"0️⃣", "1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"},
	{"〇", "幺", "两", "三", "四", "五", "六", "拐", "八", "勾"},
}

func disguiseDigits(text string, seed uint32, others []corpusRow) string {
	if !strings.ContainsAny(text, "0123456789") {
		return disguiseLookalikes(text, seed, others)
	}
	forms := digitForms[seed%uint32(len(digitForms))]
	return mapRunes(text, func(_ int, r rune) string {
		if '0' <= r && r <= '9' {
			return forms[r-'0']
		}
		return string(r)
	})
}

// disguiseEmbedded hides the post inside a long friendly one: clean posts before and after it.
func disguiseEmbedded(text string, seed uint32, others []corpusRow) string {
	if len(others) == 0 {
		return text
	}
	var parts []string
	for i := range 4 {
		parts = append(parts, others[(int(seed)+i*31)%len(others)].text)
	}
	return strings.Join(parts[:3], " ") + " " + text + " " + parts[3]
}

func disguiseEmoji(text string, seed uint32, _ []corpusRow) string {
	emoji := []string{"🌸", "✨", "💕", "⭐", "🍀"}[seed%5]
	rs := []rune(text)
	var b strings.Builder
	for i, r := range rs {
		b.WriteRune(r)
		han := unicode.Is(unicode.Han, r) && i+1 < len(rs) && unicode.Is(unicode.Han, rs[i+1])
		if han && (i+int(seed))%2 == 0 || r == ' ' && (i+int(seed))%2 == 0 {
			b.WriteString(emoji)
		}
	}
	return b.String()
}
