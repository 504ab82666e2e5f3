package moderation

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Contact details (ids, phone numbers) and the normalising of text that
// OffPlatform scans.

// contactIDRe finds a contact channel followed by an account id: "vx: abc_123", "微信号 leather2024", "qq 12345678".
var (
	contactIDAnchors = strings.Split("微信|威信|薇信|徽信|v信|扣扣|企鹅|vx|wx|qq|wechat|xin|we chat|telegram|whatsapp|line|skype|kakao", "|")
	contactIDRe      = regexp.MustCompile(`(微信|威信|薇信|徽信|v信|扣扣|企鹅|(?:^|[^a-z])(?:vx|wx|qq|wechat|weixin|we ?chat|telegram|whatsapp|line ?id|skype|kakao))` +
		`(号码?|账号|帐号| ?id| ?number| ?#)? ?(?:is |是|为)? ?([:=])? ?@?([a-z0-9][a-z0-9_.-]{4,19})`)
)

// contactIDs adds "contact_id" and the channel's own signal for each id in s[lo:hi]. Without a label (号, id, a colon)
// the id must look like one (a digit or an underscore), so "we chat about glazes" is not an id.
func contactIDs(s string, lo, hi int, found map[string]bool) {
	for _, m := range contactIDRe.FindAllStringSubmatchIndex(s[lo:hi], -1) {
		labelled := m[4] >= 0 || m[6] >= 0
		for k := range m {
			m[k] += lo // the groups used below always match
		}
		kw, id := s[m[2]:m[3]], s[m[8]:m[9]]
		if !labelled && !strings.ContainsAny(id, "0123456789_") || offPlatformExcused(s, m[2], m[3], "contact_id") {
			continue
		}
		if c := s[m[8]-1]; 'a' <= c && c <= 'z' && 'a' <= id[0] && id[0] <= 'z' { // "wxyz123" is one word
			continue
		}
		found["contact_id"] = true
		switch {
		case strings.Contains(kw, "qq") || strings.Contains(kw, "扣扣") || strings.Contains(kw, "企鹅"):
			found["qq"] = true
		case strings.ContainsAny(kw, "信x") || strings.Contains(kw, "chat"):
			found["wechat"] = true
		default:
			found["messenger"] = true
		}
	}
}

// contactPhoneIn scans the digit runs of the squeezed text for a Chinese mobile (with +86/0086/86), a +international
// or a 00-prefixed number. Two runs are read at once: of ASCII digits, and of digits and Chinese numerals (一三八…).
func contactPhoneIn(s string) bool {
	var ascii, mixed contactRun
	prev := rune(0)
	for _, r := range s {
		if d := contactDigit(r); d < 0 {
			if ascii.end() || mixed.end() {
				return true
			}
		} else {
			mixed.add(d, prev)
			if r <= '9' {
				ascii.add(d, prev)
			} else if ascii.end() {
				return true
			}
		}
		prev = r
	}
	return ascii.end() || mixed.end()
}

type contactRun struct {
	digits []byte
	plus   bool // the run follows a '+'
}

func (c *contactRun) add(d int, prev rune) {
	if len(c.digits) == 0 {
		c.plus = prev == '+'
	}
	c.digits = append(c.digits, byte('0'+d))
}

// end closes the run and reports whether it was a phone number.
func (c *contactRun) end() bool {
	phone := len(c.digits) >= 8 && contactPhoneRun(string(c.digits), c.plus)
	c.digits = c.digits[:0]
	return phone
}

// contactShapedRe is a phone number whose separators set it apart from prices and order numbers: North American
// (415) 555-0100 or 415-555-0100, Chinese landline 0755-12345678. It is anchored, so trying it at each digit is cheap.
var contactShapedRe = regexp.MustCompile(`^(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-.])[2-9]\d{2}[-.]\d{4}(?:[^0-9]|$)|^0[1-9]\d{1,2}-[2-9]\d{6,7}(?:[^0-9]|$)`)

func contactShapedPhoneIn(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '(' && (s[i] < '0' || s[i] > '9') || i > 0 && ('0' <= s[i-1] && s[i-1] <= '9' || s[i-1] == '+') {
			continue
		}
		n := contactDigitsAt(s, i)
		shaped := s[i] == '(' || (n == 3 || n == 4 && s[i] == '0') && i+n < len(s) && (s[i+n] == '-' || s[i+n] == '.')
		if shaped && contactShapedRe.MatchString(s[i:min(i+24, len(s))]) {
			return true
		}
	}
	return false
}

func contactDigitsAt(s string, i int) int {
	n := 0
	for i+n < len(s) && '0' <= s[i+n] && s[i+n] <= '9' {
		n++
	}
	return n
}

func contactPhoneRun(d string, plus bool) bool {
	switch {
	case len(d) == 15 && strings.HasPrefix(d, "0086"):
		d = d[4:]
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	}
	switch {
	case len(d) == 11 && d[0] == '1' && d[1] >= '3':
		return true
	case plus:
		return len(d) >= 8 && len(d) <= 15
	}
	return len(d) >= 12 && len(d) <= 17 && strings.HasPrefix(d, "00") && d[2] != '0'
}

// contactDigit reads an ASCII digit or a Chinese numeral, everyday or financial (幺 is how "1" is read out in phone
// numbers); -1 for anything else.
func contactDigit(r rune) int {
	switch {
	case '0' <= r && r <= '9':
		return int(r - '0')
	case r < '〇':
		return -1
	}
	switch r {
	case '〇', '零':
		return 0
	case '一', '幺', '壹':
		return 1
	case '二', '贰', '貳':
		return 2
	case '三', '叁', '參':
		return 3
	case '四', '肆':
		return 4
	case '五', '伍':
		return 5
	case '六', '陆', '陸':
		return 6
	case '七', '柒':
		return 7
	case '八', '捌':
		return 8
	case '九', '玖':
		return 9
	}
	return -1
}

// offPlatformNormalize folds each rune with offPlatformFold and collapses whitespace to one space, or to one
// newline when the run had one, so the rules need not spell out every variant.
func offPlatformNormalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := "" // whitespace since the last rune written
	for _, r := range text {
		switch f := offPlatformFold(r); {
		case f < 0:
		case f <= ' ' || f >= utf8.RuneSelf && f < 0x4E00 && unicode.IsSpace(f): // control characters count as space
			if f == '\n' {
				space = "\n"
			} else if space == "" {
				space = " "
			}
		default:
			b.WriteString(space)
			space = ""
			b.WriteRune(f)
		}
	}
	return b.String()
}

// offPlatformFold returns r lower-cased and folded to ASCII where it has a plain twin (full-width ASCII, the
// ideographic space, circled digits), or -1 for an invisible rune (zero-width, BOM, variation selector, keycap).
func offPlatformFold(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r >= 0x4E00 && r <= 0x9FFF: // the bulk of Chinese text
		return r
	case r == 0x3000: // ideographic space
		return ' '
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		return offPlatformFold(r - 0xFEE0)
	case r >= '①' && r <= '⑨':
		return '1' + r - '①'
	case r == '⓪':
		return '0'
	case unicode.Is(unicode.Cf, r) || (r >= 0xFE00 && r <= 0xFE0F) || r == 0x20E3: // zero-width, BOM, selectors, keycap
		return -1
	}
	return unicode.ToLower(r)
}

// offPlatformSqueeze drops runs of separators (spaces, punctuation that is not a clause break, symbols and emoji)
// between two CJK characters, digits or lone Latin letters: "加 微 信" → "加微信", "1 3 8-1234" → "1381234",
// "v.x" → "vx", while "we chat" and "30x40, 12" keep their separators.
func offPlatformSqueeze(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	kept := 0
	for i := 0; i < len(s); {
		if c := s[i]; 'a' <= c && c <= 'z' || '0' <= c && c <= '9' { // the common case
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !contactSeparator(r, s[i+n:]) {
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !contactSeparator(r, s[j+n:]) {
				break
			}
			j += n
		}
		left, n := utf8.DecodeLastRuneInString(s[:i])
		leftFar, _ := utf8.DecodeLastRuneInString(s[:i-n])
		right, m := utf8.DecodeRuneInString(s[j:])
		rightFar, _ := utf8.DecodeRuneInString(s[j+m:])
		if contactJoinable(left, leftFar) && contactJoinable(right, rightFar) {
			b.WriteString(s[kept:i])
			kept = j
		}
		i = j
	}
	if kept == 0 {
		return s
	}
	b.WriteString(s[kept:])
	return b.String()
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
