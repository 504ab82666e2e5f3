package moderation

import (
	"regexp"
	"slices"
	"strings"
)

// Contact details (ids, phone numbers) and the normalising of text that
// OffPlatform scans.

// contactIDRe finds a contact channel followed by an account id: "vx: abc_123", "微信号 leather2024", "qq 12345678".
// contactIDAtRe is the same, anchored at the channel's name: it runs only where contactIDStarts finds one, so
// a post with "line" or "qq" in every sentence costs a failed match at each, not a scan of the whole post.
var (
	contactIDAnchors = strings.Split("微信|威信|薇信|徽信|v信|扣扣|企鹅|vx|wx|qq|wechat|xin|we chat|telegram|whatsapp|line|skype|kakao", "|")
	contactIDRe      = regexp.MustCompile(`(微信|威信|薇信|徽信|v信|扣扣|企鹅|(?:^|[^a-z])(?:` + contactIDChannels + `))` + contactIDTail)
	contactIDAtRe    = regexp.MustCompile(`^(微信|威信|薇信|徽信|v信|扣扣|企鹅|` + contactIDChannels + `)` + contactIDTail)
)

const (
	contactIDChannels = `vx|wx|qq|wechat|weixin|we ?chat|telegram|whatsapp|line ?id|skype|kakao`
	contactIDTail     = `(号码?|账号|帐号| ?id| ?number| ?#)? ?(?:is |是|为)? ?([:=])? ?@?([a-z0-9][a-z0-9_.-]{4,19})`
)

// contactIDs reports "contact_id" and the channel's own signal for each id in s. Without a label (号, id, a
// colon) the id must look like one (a digit or an underscore), so "we chat about glazes" is not an id.
func contactIDs(s string, pairs *offPlatformPairs, found func(signal string, lo, hi int)) {
	var starts []int
	for _, a := range contactIDAnchors {
		if !pairs.mayContain(a) {
			continue
		}
		for i := range occurrences(s, a) {
			if a == "xin" { // weixin
				i -= len("wei")
			}
			if i >= 0 && !(contactWordByte(s[i]) && s[i] != '+' && i > 0 && 'a' <= s[i-1] && s[i-1] <= 'z') {
				starts = append(starts, i)
			}
		}
	}
	slices.Sort(starts)
	end := 0
	for k, i := range starts {
		if k == maxRuleMatches*2 { // a budget, as for the rules: past it a post of channel names costs no more
			return
		}
		if i < end {
			continue // inside the id found before, as a scan from left to right would skip it
		}
		if m := contactIDAtRe.FindStringSubmatchIndex(s[i:min(i+96, len(s))]); m != nil {
			for k := range m {
				if m[k] >= 0 {
					m[k] += i
				}
			}
			if contactIDFound(s, m, found) {
				end = m[1]
			}
		}
	}
}

// contactIDFound judges one match of contactIDRe or contactIDAtRe and reports it.
func contactIDFound(s string, m []int, found func(signal string, lo, hi int)) bool {
	labelled := m[4] >= 0 || m[6] >= 0
	kw, id := s[m[2]:m[3]], s[m[8]:m[9]]
	if !labelled && !strings.ContainsAny(id, "0123456789_") || offPlatformExcused(s, m[2], m[3], "contact_id") {
		return false
	}
	if c := s[m[8]-1]; 'a' <= c && c <= 'z' && 'a' <= id[0] && id[0] <= 'z' { // "wxyz123" is one word
		return false
	}
	found("contact_id", m[0], m[1])
	switch {
	case strings.Contains(kw, "qq") || strings.Contains(kw, "扣扣") || strings.Contains(kw, "企鹅"):
		found("qq", m[0], m[1])
	case strings.ContainsAny(kw, "信x") || strings.Contains(kw, "chat"):
		found("wechat", m[0], m[1])
	default:
		found("messenger", m[0], m[1])
	}
	return true
}

// contactPhoneIn scans the digit runs of the squeezed text for a Chinese mobile (with +86/0086/86), a +international
// or a 00-prefixed number. Two runs are read at once: of ASCII digits, and of digits and Chinese numerals (一三八…).
// It returns the span of the first.
func contactPhoneIn(s string) (lo, hi int, ok bool) {
	var ascii, mixed contactRun
	prev := rune(0)
	for i, r := range s {
		if d := contactDigit(r); d < 0 {
			if ascii.end() {
				return ascii.lo, i, true
			}
			if mixed.end() {
				return mixed.lo, i, true
			}
		} else {
			mixed.add(d, prev, i)
			if r <= '9' {
				ascii.add(d, prev, i)
			} else if ascii.end() {
				return ascii.lo, i, true
			}
		}
		prev = r
	}
	if ascii.end() {
		return ascii.lo, len(s), true
	}
	if mixed.end() {
		return mixed.lo, len(s), true
	}
	return 0, 0, false
}

type contactRun struct {
	digits []byte
	plus   bool // the run follows a '+'
	lo     int  // where the run starts
}

func (c *contactRun) add(d int, prev rune, at int) {
	if len(c.digits) == 0 {
		c.plus, c.lo = prev == '+', at
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

func contactShapedPhoneIn(s string) (lo, hi int, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] != '(' && (s[i] < '0' || s[i] > '9') || i > 0 && ('0' <= s[i-1] && s[i-1] <= '9' || s[i-1] == '+') {
			continue
		}
		n := contactDigitsAt(s, i)
		shaped := s[i] == '(' || (n == 3 || n == 4 && s[i] == '0') && i+n < len(s) && (s[i+n] == '-' || s[i+n] == '.')
		if shaped {
			if m := contactShapedRe.FindStringIndex(s[i:min(i+24, len(s))]); m != nil {
				return i, i + m[1], true
			}
		}
	}
	return 0, 0, false
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
	case '二', '贰', '貳', '两':
		return 2
	case '三', '叁', '參':
		return 3
	case '四', '肆':
		return 4
	case '五', '伍':
		return 5
	case '六', '陆', '陸':
		return 6
	case '七', '柒', '拐': // 拐 and 勾 are how 7 and 9 are read out in radio and phone talk
		return 7
	case '八', '捌':
		return 8
	case '九', '玖', '勾':
		return 9
	}
	return -1
}
