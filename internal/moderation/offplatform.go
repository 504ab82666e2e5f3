package moderation

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FlagOffPlatform is the flag a post carries when OffPlatform finds it trying to take a deal off the platform.
const FlagOffPlatform = "off_platform"

// OffPlatform reports whether text tries to move contact or a deal off the platform, and which signals matched
// (short stable snake_case names such as "wechat", "qq", "phone", "private_chat", "contact_id"), for moderators.
// The signals come back sorted. A false positive only costs readers a "buying here keeps you protected" notice,
// so the rules lean towards catching the usual evasions, while staying quiet on ordinary craft talk.
//
// Deliberate decisions on ambiguous text:
//   - "we chat" is ordinary English ("we chat about glazes every Friday"), so it counts only after add/my/加
//     or when an account id follows it ("we chat: abc_123"); "wechat", "vx", "wx" always count.
//   - 威信 is also a real word (prestige), so it does not count after 树立/建立/提高/增加/失去/丧失/有/的;
//     likewise 微信 inside 稍微信任/轻微信号, 加 inside 参加/增加, 私 inside 自私/无私.
//   - 微信支付 and "wechat pay" name a checkout method, not a contact; 微信转账 and 转账给我 do count.
//   - "message me on here", "DM me here": messages on the platform are fine.
//   - QQ needs a number, 号/群, or add/my/加/我的 before it, so QQ弹, Q弹 and qq糖 stay texture words.
//   - Separators are squeezed only between CJK characters, digits and lone Latin letters ("v.x", "加 微 信",
//     "1 3 8…"), never across a line break, so ordinary words and sentences are not glued together.
//   - 11 digits shaped like a Chinese mobile (1[3-9]…) count whatever they claim to be; shorter order numbers,
//     prices, dates and sizes do not.
func OffPlatform(text string) (bool, []string) {
	norm := offPlatformNormalize(text)
	squeezed := offPlatformSqueeze(norm)
	normPairs, squeezedPairs := offPlatformPairsOf(norm), offPlatformPairsOf(squeezed)
	found := map[string]bool{}
	for _, r := range offPlatformRules {
		s, pairs := norm, normPairs
		if r.squeezed {
			s, pairs = squeezed, squeezedPairs
		}
		if !found[r.signal] && r.matches(s, pairs) {
			found[r.signal] = true
		}
	}
	if !found["phone"] && (contactPhoneIn(squeezed) || contactShapedPhoneIn(norm)) {
		found["phone"] = true
	}
	offPlatformWindows(squeezed, squeezedPairs, contactIDAnchors, func(lo, hi int) bool { contactIDs(squeezed, lo, hi, found); return false })
	signals := make([]string, 0, len(found))
	for s := range found {
		signals = append(signals, s)
	}
	slices.Sort(signals)
	return len(signals) > 0, signals
}

// An offPlatformRule flags signal when re matches. Every match must contain one of the anchors: the regexp then
// runs only around them, since Go's regexp has no literal prefilter for alternations and would cost ~100 µs per
// rule on a 2 KB post. The test checks the anchored scan against a full scan.
type offPlatformRule struct {
	signal   string
	squeezed bool // match the separator-squeezed text rather than the normalised one
	anchors  []string
	re       *regexp.Regexp
}

func offPlatformRuleOf(signal string, squeezed bool, anchors, re string) offPlatformRule {
	return offPlatformRule{signal, squeezed, strings.Split(anchors, "|"), regexp.MustCompile(re)}
}

// Chinese rules run on the squeezed text (evasions split characters); English phrases need their spaces.
var offPlatformRules = []offPlatformRule{
	offPlatformRuleOf("wechat", true, "微信|威信|薇信|徽信|v信|wechat|xin|vx|wx",
		`微信|威信|薇信|徽信|v信|wechat|weixin|wei ?xin|(?:^|[^a-z])[vw]x(?:[^a-z]|$)`),
	offPlatformRuleOf("wechat", true, "加|we chat",
		`加(?:我|个)?的?(?:v|微|威)(?:[^a-z\p{Han}]|$)|(?:加|(?:^|[^a-z])(?:add(?: me)?(?: on| via| in)?|my)) ?we chat`),
	offPlatformRuleOf("wechat", false, "微", `微 ?[❤♥♡💓💕💖💗💘💝💞💟🧡💛💚💙💜🖤🤍🤎]`),
	offPlatformRuleOf("qq", true, "qq|企鹅|扣扣", `(?:^|[^a-z])qq ?(?:号|群|邮箱)|企鹅号|扣扣[号群]|`+
		`(?:加|我的?|(?:^|[^a-z])(?:add(?: me)?(?: on| via)?|my)) ?(?:qq|扣扣)(?:[^a-z弹糖软子上紧]|$)|`+
		`(?:^|[^a-z])(?:qq|扣扣|企鹅) ?[:=]? ?[1-9]\d{4,10}(?:[^0-9]|$)`),
	// A phone keyword followed by 7+ digits catches local numbers of any country.
	offPlatformRuleOf("phone", true, "tel|phone|cell|mobile|call me|text me|电话|手机|致电|联系方式",
		`(?:(?:^|[^a-z])(?:tel|phone|cell|mobile|call me|text me)|电话|手机|致电|联系方式)[^0-9\n]{0,10}\+?\d{7,15}(?:[^0-9]|$)`),
	offPlatformRuleOf("email", false, "@|gmail|qq|163|126|outlook|hotmail|yahoo|icloud|foxmail|proton|sina",
		`[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}|`+
			`[a-z0-9._-]+ ?(?:\(at\)|\[at\]| at ) ?(?:gmail|qq|163|126|outlook|hotmail|yahoo|icloud|foxmail|proton(?:mail)?|sina) ?(?:\.|\(dot\)|\[dot\]| dot ) ?(?:com|cn|net)`),
	offPlatformRuleOf("messenger", false, "whats|telegram|kakao|wa.me/|t.me/|line id|lineid|viber|skype|signal app",
		`whats ?app|telegram|kakao ?talk|wa\.me/|t\.me/|(?:^|[^a-z])(?:line ?id|viber|skype|signal app)(?:[^a-z]|$)`),
	offPlatformRuleOf("private_chat", true, "私|好友|联系方式|站外联系",
		`私聊|私我|私信(?:我|联系|详聊|详谈|沟通|咨询)|(?:请|可|欢迎|有意者?|感兴趣的?)私信|加(?:我|个)?好友|留(?:个|下)?(?:你的)?联系方式|站外联系`),
	offPlatformRuleOf("private_chat", false, "dm me|dm for|pm me|inbox me|text me|email me|whatsapp me|hmu|message me|contact me|reach me|call me|hit me",
		`(?:^|[^a-z])(?:(?:dm|pm|inbox|text|email|whatsapp) me|hmu|dm for)(?:[^a-z]|$)|`+
			`(?:^|[^a-z])(?:message|contact|reach|call|hit) me (?:up )?(?:on|at|via|by|privately|directly|outside)(?:[^a-z]|$)`),
	offPlatformRuleOf("direct_deal", true, "私下|线下|面交|闲鱼|咸鱼|淘宝|拼多多|站外|平台",
		`私下(?:交易|买卖|联系|沟通|成交|出|收)|线下(?:交易|成交)|(?:同城|可|支持|线下|约|能)面交|走(?:闲鱼|咸鱼|淘宝|拼多多)|`+
			`(?:闲鱼|咸鱼|淘宝|拼多多)(?:下单|链接|交易|拍下|付款|见)|站外(?:交易|购买|下单)|(?:绕过|绕开|不走)平台`),
	offPlatformRuleOf("direct_deal", false, "outside|off |off-|privately|fee",
		`(?:outside|off) (?:of )?(?:the |this )?(?:platform|site|app|guildhall)|off-(?:platform|site)|`+
			`(?:^|[^a-z])(?:deal|trade|sell|buy|meet|transact) (?:it |them )?privately|(?:avoid|skip) (?:the )?(?:platform|site) fees?`),
	offPlatformRuleOf("direct_payment", true, "给我|转账|付款|打款|收款码|扫码|zfb",
		`(?:转账|转钱|打钱|打款)给我|(?:支付宝|alipay|银行卡?|微信)(?:转账|付款给我|支付给我)|(?:私下|线下|直接)(?:付款|转账|打款)|收款码|扫码(?:付款|支付|转账)|(?:^|[^a-z])zfb(?:[^a-z]|$)`),
	offPlatformRuleOf("direct_payment", false, "pay me|paypal|venmo|zelle|cash|wire |money",
		`(?:^|[^a-z])pay me (?:directly|privately|outside|off)|(?:^|[^a-z])pay me (?:via|through|by|with|on|using) (?:paypal|venmo|zelle|cash ?app|wire|bank|crypto|bitcoin|wise|alipay)|`+
			`paypal ?(?:friends|f ?& ?f|family|gift)|(?:^|[^a-z])(?:venmo|zelle|cash ?app)(?:[^a-z]|$)|wire (?:me|the money)|send (?:me )?(?:the )?money (?:to|via|directly)`),
}

func (r offPlatformRule) matches(s string, pairs *offPlatformPairs) bool {
	return offPlatformWindows(s, pairs, r.anchors, func(lo, hi int) bool { return r.matchesIn(s, lo, hi) })
}

// matchesIn reports whether re matches in s[lo:hi], less the matches offPlatformExcused excuses.
func (r offPlatformRule) matchesIn(s string, lo, hi int) bool {
	if !r.re.MatchString(s[lo:hi]) {
		return false
	}
	for _, m := range r.re.FindAllStringIndex(s[lo:hi], -1) {
		if !offPlatformExcused(s, lo+m[0], lo+m[1]) {
			return true
		}
	}
	return false
}

// offPlatformWindows calls match on windows of s around the occurrences of the anchors, until it returns true.
// A window reaches 16 bytes back and 48 ahead of its anchor, more than any rule needs, then widens to whole ASCII
// words (and a leading '+') so that ^, $ and the [^a-z] boundaries see what they would in the whole of s.
// Overlapping windows are merged, so even "qqqq…" or "微信微信…" is scanned once per anchor.
func offPlatformWindows(s string, pairs *offPlatformPairs, anchors []string, match func(lo, hi int) bool) bool {
	for _, a := range anchors {
		if !pairs.mayContain(a) {
			continue
		}
		lo, hi := 0, -1
		for off := 0; ; {
			i := strings.Index(s[off:], a)
			if i < 0 {
				break
			}
			i += off
			off = i + len(a)
			l, h := max(i-16, 0), min(off+48, len(s))
			if h <= hi { // inside the current window
				continue
			}
			if l > hi { // apart from it: scan the current window, start a new one
				if hi >= 0 && match(lo, hi) {
					return true
				}
				lo = l
				for lo > 0 && (!utf8.RuneStart(s[lo]) || contactWordByte(s[lo-1])) {
					lo--
				}
			}
			hi = h
			for hi < len(s) && (!utf8.RuneStart(s[hi]) || contactWordByte(s[hi])) {
				hi++
			}
		}
		if hi >= 0 && match(lo, hi) {
			return true
		}
	}
	return false
}

// offPlatformPairs is a 4096-bit set of the byte pairs in a text, a one-pass filter that rules out most anchors
// before the ~130 strings.Index calls, the largest cost on a post without any.
type offPlatformPairs [64]uint64

func offPlatformPairsOf(s string) *offPlatformPairs {
	var set offPlatformPairs
	for i := 0; i+1 < len(s); i++ {
		h := offPlatformPair(s[i], s[i+1])
		set[h/64] |= 1 << (h % 64)
	}
	return &set
}

// mayContain is false when a cannot be in the text: one of its byte pairs is not.
func (set *offPlatformPairs) mayContain(a string) bool {
	for i := 0; i+1 < len(a); i++ {
		if h := offPlatformPair(a[i], a[i+1]); set[h/64]&(1<<(h%64)) == 0 {
			return false
		}
	}
	return true
}

// offPlatformPair keeps 6 low bits of the first byte and all of the second, so UTF-8 continuation pairs do not collide.
func offPlatformPair(a, b byte) uint { return (uint(a)<<6 ^ uint(b)) % 4096 }

func contactWordByte(c byte) bool { return c == '+' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' }

// offPlatformNotAfter names, for a match starting with a given rune, the words before it that make it ordinary Chinese.
var offPlatformNotAfter = map[rune][]string{
	'微': {"稍", "略", "轻", "细", "些", "卑", "精", "衰", "低", "幽", "入", "式"},
	'威': {"树立", "建立", "提高", "增加", "失去", "丧失", "有", "的"},
	'加': {"参", "增", "添", "追", "附", "更", "施"},
	'私': {"自", "无", "隐"},
}

var (
	offPlatformOnSite = regexp.MustCompile(`^ ?(?:(?:on|via|at|in) )?(?:here|this (?:site|platform|app|forum|thread)|the (?:site|platform|app|forum)|guildhall)(?:[^a-z]|$)`)
	offPlatformPay    = regexp.MustCompile(`^ ?(?:支付|pay)`)
)

func offPlatformExcused(s string, i, j int) bool {
	after := s[j:min(j+32, len(s))] // enough for the phrases below, and bounded so that many matches stay linear
	r, _ := utf8.DecodeRuneInString(s[i:])
	for _, w := range offPlatformNotAfter[r] {
		if strings.HasSuffix(s[:i], w) {
			return true
		}
	}
	if (strings.HasPrefix(s[i:j], "微信") || strings.Contains(s[i:j], "wechat")) && offPlatformPay.MatchString(after) {
		return true
	}
	return offPlatformOnSite.MatchString(after)
}

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
		if !labelled && !strings.ContainsAny(id, "0123456789_") || offPlatformExcused(s, m[2], m[3]) {
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
