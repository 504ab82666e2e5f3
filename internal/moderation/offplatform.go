package moderation

import (
	"iter"
	"regexp"
	"strings"
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
//   - "message me on here", "DM me here", 站内私信我: messages on the platform are fine, and so is 请勿私聊.
//   - QQ needs a number, 号/群, or add/my/加/我的 before it, so QQ弹, Q弹 and qq糖 stay texture words.
//   - Separators are squeezed only between CJK characters, digits and lone Latin letters ("v.x", "加 微 信",
//     "1 3 8…"), never across a line break, so ordinary words and sentences are not glued together.
//   - 11 digits shaped like a Chinese mobile (1[3-9]…) count whatever they claim to be (an 11-digit "order
//     number" too); shorter order numbers, prices, dates, sizes and quantities do not. Other local numbers
//     count after a phone word (tel, call, 电话…) or in the (415) 555-0100 / 0755-12345678 shapes, not bare.
//   - vx/wx followed by "-2000" is a model number; "V领"/"V-neck" after 加/我的 is a collar.
func OffPlatform(text string) (bool, []string) {
	a := Assess(text, Context{})
	if !a.Flag(FlagOffPlatform).Set {
		return false, nil
	}
	return true, a.SignalNames(FlagOffPlatform)
}

// contactPatterns reports the matches of the contact rules: the regular
// expressions below, account ids after a channel, and phone numbers.
// norm is the normalised text, sq the squeezed one; found gets the signal,
// whether the span is in sq, and the span, and says whether the rule has
// found enough (a match that counts), or the rule its budget.
func contactPatterns(norm, sq string, found func(signal string, inSq bool, lo, hi int) (enough bool)) {
	normPairs, sqPairs := offPlatformPairsOf(norm), offPlatformPairsOf(sq)
	for _, r := range offPlatformRules {
		s, pairs := norm, normPairs
		if r.squeezed {
			s, pairs = sq, sqPairs
		}
		n := 0
		r.each(s, pairs, func(lo, hi int) bool {
			n++
			return found(r.signal, r.squeezed, lo, hi) || n >= maxRuleMatches
		})
	}
	if lo, hi, ok := contactPhoneIn(sq); ok {
		found("phone", true, lo, hi)
	} else if lo, hi, ok := contactShapedPhoneIn(norm); ok {
		found("phone", false, lo, hi)
	}
	contactIDs(sq, sqPairs, func(signal string, lo, hi int) { found(signal, true, lo, hi) })
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
		`微信|威信|薇信|徽信|v信|wechat|weixin|wei ?xin|(?:^|[^a-z])[vw]x(?:[^a-z-]|-[^0-9]|-?$)`),
	offPlatformRuleOf("wechat", true, "加|我的|my v|we chat",
		`(?:加(?:我|个)?的?|我的|(?:^|[^a-z])my )v(?:[^a-z领字型-]|$)|加(?:我|个)?的?[微威](?:[^a-z\p{Han}]|$)|(?:加|(?:^|[^a-z])(?:add(?: me)?(?: on| via| in)?|my)) ?we chat`),
	offPlatformRuleOf("wechat", false, "微", `微 ?[❤♥♡💓💕💖💗💘💝💞💟🧡💛💚💙💜🖤🤍🤎]`),
	offPlatformRuleOf("qq", true, "qq|企鹅|扣扣", `(?:^|[^a-z])qq ?(?:号|群|邮箱|group|number)|企鹅号|扣扣[号群]|`+
		`(?:加|我的?|(?:^|[^a-z])(?:add(?: me)?(?: on| via)?|my)) ?(?:qq|扣扣)(?:[^a-z弹糖软子上紧]|$)|`+
		`(?:^|[^a-z])(?:qq|扣扣|企鹅) ?[:=]? ?[1-9]\d{4,10}(?:[^0-9]|$)`),
	// A phone keyword followed by 7+ digits catches local numbers of any country.
	offPlatformRuleOf("phone", true, "tel|phone|cell|mobile|call|text|ring|电话|手机|致电|联系方式",
		`(?:(?:^|[^a-z])(?:tel|phone|cell|mobile|call|text|ring)|电话|手机|致电|联系方式)[^0-9\n]{0,10}\+?\d{7,15}(?:[^0-9]|$)`),
	offPlatformRuleOf("email", false, "@|gmail|qq|163|126|outlook|hotmail|yahoo|icloud|foxmail|proton|sina",
		`[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}|`+
			`[a-z0-9._-]+ ?(?:\(at\)|\[at\]| at ) ?(?:gmail|qq|163|126|outlook|hotmail|yahoo|icloud|foxmail|proton(?:mail)?|sina) ?(?:\.|\(dot\)|\[dot\]| dot ) ?(?:com|cn|net)`),
	// "telegram" is also a typeface and a message from grandma: the lexicon counts it only beside a contact cue.
	offPlatformRuleOf("messenger", false, "whats|kakao|wa.me/|t.me/|line id|lineid|viber|skype|signal app",
		`whats ?app|kakao ?talk|wa\.me/|t\.me/|(?:^|[^a-z])(?:line ?id|viber|skype|signal app)(?:[^a-z]|$)`),
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

// each calls found with the matches of the rule in s that offPlatformExcused does not excuse, until it returns true.
func (r offPlatformRule) each(s string, pairs *offPlatformPairs, found func(lo, hi int) (stop bool)) {
	offPlatformWindows(s, pairs, r.anchors, func(lo, hi int) bool { return r.eachIn(s, lo, hi, found) })
}

func (r offPlatformRule) eachIn(s string, lo, hi int, found func(lo, hi int) (stop bool)) bool {
	if !r.re.MatchString(s[lo:hi]) {
		return false
	}
	for _, m := range r.re.FindAllStringIndex(s[lo:hi], -1) {
		if !offPlatformExcused(s, lo+m[0], lo+m[1], r.signal) && found(lo+m[0], lo+m[1]) {
			return true
		}
	}
	return false
}

// offPlatformWindows calls match on windows of s around the occurrences of the anchors, until it returns true.
// A window reaches 16 bytes back and 48 ahead of its anchor, more than any rule needs, then widens to whole ASCII
// words (and a leading '+') so that ^, $ and the [^a-z] boundaries see what they would in the whole of s.
// Overlapping windows are merged up to maxWindow bytes, then a new one starts where the next anchor's own window
// does: Go's regexp clears state the size of its input for every match it finds, so one window over a post of
// "微信微信…" would cost the square of its length. Every anchor's own window lies whole in one window, so no
// match is lost; one in the overlap of two windows is found twice.
// A rule scans at most maxRuleScan bytes of windows and reports at most maxRuleMatches matches. Ordinary posts,
// even long ones, stay far below; a post packed with anchors ("加加加…", "不要加微信" a hundred times) would
// otherwise cost ten times an ordinary one. Past the budget the lexicon, which reads every post whole in one
// pass, still sees what the rule would have.
const (
	maxWindow      = 256
	maxRuleScan    = 256
	maxRuleMatches = 16
)

func offPlatformWindows(s string, pairs *offPlatformPairs, anchors []string, match func(lo, hi int) bool) bool {
	scanned := 0
	for _, a := range anchors {
		if scanned > maxRuleScan {
			return false
		}
		if !pairs.mayContain(a) {
			continue
		}
		lo, hi := 0, -1
		for i := range occurrences(s, a) {
			l, h := max(i-16, 0), min(i+len(a)+48, len(s))
			if h <= hi { // inside the current window
				continue
			}
			if l > hi || hi-lo > maxWindow { // apart from it, or it is long enough: scan it, start a new one
				if hi >= 0 && match(lo, hi) {
					return true
				}
				if scanned += hi - lo; scanned > maxRuleScan {
					return false
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

// occurrences yields the offsets of a in s, left to right, not overlapping.
func occurrences(s, a string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for off := 0; ; {
			i := strings.Index(s[off:], a)
			if i < 0 || !yield(off+i) {
				return
			}
			off += i + len(a)
		}
	}
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
	'私': {"自", "无", "隐", "站内", "这里", "勿", "不要", "禁止", "拒绝"}, // 站内私信 is the platform's own DM
}

var (
	offPlatformOnSite = regexp.MustCompile(`^ ?(?:(?:on|via|at|in) )?(?:here|this (?:site|platform|app|forum|thread)|the (?:site|platform|app|forum)|guildhall)(?:[^a-z]|$)`)
	offPlatformPay    = regexp.MustCompile(`^ ?(?:支付|pay)`)
)

// offPlatformExcused reports whether the match s[i:j] for signal is ordinary after all, judging by its neighbours.
func offPlatformExcused(s string, i, j int, signal string) bool {
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
	return signal == "private_chat" && offPlatformOnSite.MatchString(after) // "message me on here"
}
