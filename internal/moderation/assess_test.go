package moderation

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// assessCases are written for these tests and are not in the corpus: the model never saw them.
var assessCases = []struct {
	name    string
	text    string
	flags   []string // the flags the text must carry, none for a clean text
	signals []string // when set, these must be among the un-negated signals
}{
	// Pointers to other shops and apps.
	{"taobao shop by name", "喜欢这种风格的，淘宝搜“南山竹编”，那边款式多", []string{FlagOffPlatform}, []string{"shop_platform"}},
	{"TB and a peach for taobao", "同款🍑宝有，TB搜店名就行", []string{FlagOffPlatform}, nil},
	{"fish for xianyu", "二手的在🐟上挂着，去那边拍", []string{FlagOffPlatform}, nil},
	{"pinduoduo", "拼多多搜我家店，比这里便宜", []string{FlagOffPlatform}, nil},
	{"weidian", "全部款式都在微店，进店看看", []string{FlagOffPlatform}, nil},
	{"xiaohongshu and douyin", "更多作品看小红书同名，抖音搜也有", []string{FlagOffPlatform}, nil},
	{"taokouling code", "￥Kp8sQ2vX7n￥ 复制整段打开手淘", []string{FlagOffPlatform}, []string{"shop_code"}},
	{"etsy shop", "This is cheaper on my Etsy shop, same name", []string{FlagOffPlatform}, nil},
	{"depop", "Selling the rest on my depop, link in bio", []string{FlagOffPlatform}, nil},
	{"discord server", "Join my discord server for the real prices", []string{FlagOffPlatform}, nil},
	{"telegram handle", "Orders on telegram @inkwell_studio please", []string{FlagOffPlatform}, nil},
	{"line id", "LINE: momo_craft 加我", []string{FlagOffPlatform}, nil},
	// Slang for WeChat and QQ.
	{"satellite for wechat", "要的加卫星，卫星同号", []string{FlagOffPlatform}, []string{"wechat"}},
	{"satellite emoji", "🛰️ inkstone_88", []string{FlagOffPlatform}, nil},
	{"green app", "绿色软件搜 mumu_2020", []string{FlagOffPlatform}, []string{"wechat"}},
	{"penguin for qq", "有事企鹅号 445566778", []string{FlagOffPlatform}, []string{"qq"}},
	{"koukou", "扣扣：3344556677", []string{FlagOffPlatform}, []string{"qq"}},
	{"kou kou boxes", "口口 5566778899 私聊", []string{FlagOffPlatform}, nil},
	{"split 信", "亻言同号，找我", []string{FlagOffPlatform}, []string{"wechat"}},
	{"qq group number", "Q群 778899001 进群拿价", []string{FlagOffPlatform}, nil},
	// Invitations to move the talk.
	{"dd me", "要的dd我", []string{FlagOffPlatform}, []string{"move_talk"}},
	{"small window", "有意小窗", []string{FlagOffPlatform}, []string{"move_talk"}},
	{"price private", "价格私，诚心要的来", []string{FlagOffPlatform}, nil},
	{"can-private emoji", "🉑私，不议价", []string{FlagOffPlatform}, nil},
	{"what's your number", "Love it! What's your number? I'll call about a custom one", []string{FlagOffPlatform}, nil},
	{"text me", "text me and we can sort out a price", []string{FlagOffPlatform}, nil},
	// Letters in disguise.
	{"Cyrillic whatsapp", "аdd mе оn ԝhаtѕарр", []string{FlagOffPlatform}, nil},
	{"mathematical bold wechat", "𝐰𝐞𝐜𝐡𝐚𝐭: 𝐥𝐞𝐚𝐭𝐡𝐞𝐫_𝟐𝟎𝟐𝟒", []string{FlagOffPlatform}, []string{"wechat"}},
	{"one character a line", "加\n我\n微\n信\n聊", []string{FlagOffPlatform}, nil},
	{"traditional characters", "價格私聊，加我微信", []string{FlagOffPlatform}, nil},
	{"hidden in a long friendly post", strings.Repeat("这把壶是朱泥的，出水很顺，做了两个月，谢谢大家的喜欢。", 12) +
		"想要的加我 v 💬 zhuni_88 细聊。" + strings.Repeat("下周还会上新几把紫砂，敬请期待。", 6), []string{FlagOffPlatform}, []string{"wechat"}},
	// Recruitment.
	{"distribution", "招代理！做我们的分销，一件代发，团队收益另算", []string{FlagRecruitment}, nil},
	{"pulling heads", "拉人头就能躺赚，发展下线越多赚得越多", []string{FlagRecruitment}, nil},
	{"mums part-time", "宝妈兼职，在家就能做，日结", []string{FlagRecruitment}, nil},
	{"be your own boss", "Tired of your 9-5? Be your own boss and build a team with our starter kit!", []string{FlagRecruitment}, nil},
	{"recruitment and a contact", "Work from home, passive income, join my team on WhatsApp +1 415 555 0101",
		[]string{FlagOffPlatform, FlagRecruitment}, nil},

	// Warnings, rules and scam reports name the words to forbid them.
	{"do not add wechat", "提醒：不要加微信私下交易，出了问题没人管", nil, nil},
	{"scam alert", "Scam alert: never pay outside the platform, whatever they promise", nil, nil},
	{"scam report", "曝光：这个人让我去闲鱼付款，收钱后拉黑了，大家小心", nil, nil},
	{"rules post", "群规：禁止发微信、QQ、电话，禁止招代理，违者踢出", nil, nil},
	// Innocent phrases.
	{"wechat reading", "最近在微信读书上读《考工记》，讲古代手工业的", nil, nil},
	{"the group's own chat", "我们的微信群里大家每周五晒作品", nil, nil},
	{"qq level", "上学时QQ等级挂到太阳了哈哈", nil, nil},
	{"a typeface called Telegram", "The poster title is set in Telegram, a typewriter-style font", nil, nil},
	{"line as a word", "Sew a straight line along the fold, then press the seam", nil, nil},
	{"bought on taobao", "我的蜡线是淘宝上买的，几块钱一卷", nil, nil},
	{"used to sell on etsy", "I left Etsy last year because of the fees, happy to be here", nil, nil},
	// Numbers that are not phone numbers.
	{"prices", "价格 ¥268 / ¥318，包邮", nil, nil},
	{"sizes", "尺寸 21×11×3cm，表带宽 18mm，腕围 15-19cm", nil, nil},
	{"dates", "2024年5月20日下单，5月27日发货", nil, nil},
	{"order number", "订单号 202405200931，请查一下", nil, nil},
	{"tracking number", "顺丰单号 SF1388812345678 已寄出", nil, nil},
}

func TestAssessFlagsEvasionsButNotWarningsOrCraftTalk(t *testing.T) {
	for _, c := range assessCases {
		t.Run(c.name, func(t *testing.T) {
			a := Assess(c.text, Context{})
			if got := a.Set(); !slices.Equal(got, append([]string{}, c.flags...)) {
				t.Fatalf("Assess(%q) sets %v, want %v\n%+v", c.text, got, c.flags, a)
			}
			for _, want := range c.signals {
				if !slices.Contains(a.SignalNames(FlagOffPlatform), want) && !slices.Contains(a.SignalNames(FlagRecruitment), want) {
					t.Errorf("Assess(%q) signals %+v lack %q", c.text, a.Signals, want)
				}
			}
			for _, f := range a.Flags {
				if f.Score < 0 || f.Score > 1 || f.Set != (f.Score >= flagAt) || f.Hold != (f.Score >= holdAt) {
					t.Errorf("Assess(%q): inconsistent verdict %+v", c.text, f)
				}
			}
		})
	}
}

func TestAssessNegatedSignalsStayVisibleToModerators(t *testing.T) {
	a := Assess("千万不要加微信，也不要私下交易", Context{})
	if a.Flag(FlagOffPlatform).Set {
		t.Fatalf("a warning is flagged: %+v", a)
	}
	if len(a.Signals) == 0 {
		t.Fatalf("no signals: a moderator would not see what the warning names")
	}
	for _, s := range a.Signals {
		if !s.Negated || s.Count != 0 {
			t.Errorf("signal %+v in a warning is not negated", s)
		}
	}
	if names := a.SignalNames(FlagOffPlatform); len(names) != 0 {
		t.Errorf("negated signals are named as reasons: %v", names)
	}
	// The negation governs its clause, not the whole post.
	b := Assess("不要在评论区问价格。想要的加我微信 leather_2024", Context{})
	if !b.Flag(FlagOffPlatform).Set || !slices.Contains(b.SignalNames(FlagOffPlatform), "wechat") {
		t.Fatalf("a contact after a negated clause is missed: %+v", b)
	}
}

func TestAssessReadsRulesAsRules(t *testing.T) {
	text := "发帖须知：交易只在站内，别发电话和微信号，别招代理。"
	plain, rules := Assess(text, Context{}), Assess(text, Context{Rules: true})
	for _, flag := range modelFlags {
		if rules.Flag(flag).Score > plain.Flag(flag).Score {
			t.Errorf("%s: as rules %.3f, as a post %.3f: rules should lower the score", flag, rules.Flag(flag).Score, plain.Flag(flag).Score)
		}
		if rules.Flag(flag).Set {
			t.Errorf("rules are flagged %s: %+v", flag, rules)
		}
	}
}

func TestAssessHoldsOnlyConfidentFlags(t *testing.T) {
	strong := Assess("加我微信 leather_2024，电话 13812345678，私下交易便宜五十", Context{})
	if !strong.Hold() || !strong.Flag(FlagOffPlatform).Hold {
		t.Fatalf("a post with three contacts is not held: %+v", strong)
	}
	clean := Assess("这个钱包用的是意大利植鞣牛皮，手缝", Context{})
	if clean.Hold() || len(clean.Set()) != 0 {
		t.Fatalf("craft talk is flagged or held: %+v", clean)
	}
}

func TestAssessSignalsPointAtTheOriginalText(t *testing.T) {
	text := "你好呀～想要的ＶＸ：ｌｅａｔｈｅｒ＿２０２４"
	a := Assess(text, Context{})
	for _, s := range a.Signals {
		if s.Name == signalTextModel {
			continue
		}
		if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
			t.Fatalf("signal %+v outside the text", s)
		}
		if got := text[s.Start:s.End]; !strings.Contains(got, "ＶＸ") {
			t.Errorf("signal %s points at %q", s.Name, got)
		}
	}
	if !slices.Contains(a.SignalNames(FlagOffPlatform), "contact_id") {
		t.Fatalf("no contact_id among %+v", a.Signals)
	}
}

func TestAssessKnowsEveryFlagAndNoOther(t *testing.T) {
	a := Assess("", Context{})
	if len(a.Flags) != 2 || a.Flags[0].Flag != FlagOffPlatform || a.Flags[1].Flag != FlagRecruitment {
		t.Fatalf("flags %+v", a.Flags)
	}
	if len(a.Set()) != 0 || len(a.Signals) != 0 || a.Hold() {
		t.Fatalf("empty text: %+v", a)
	}
	if got := a.Flag("spam"); got.Set || got.Score != 0 {
		t.Fatalf("unknown flag: %+v", got)
	}
}

func FuzzAssess(f *testing.F) {
	for _, c := range assessCases {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, b := Assess(text, Context{}), Assess(text, Context{})
		if !slices.Equal(a.Set(), b.Set()) || len(a.Signals) != len(b.Signals) {
			t.Fatalf("Assess(%q) is not deterministic", text)
		}
		for _, s := range a.Signals {
			if s.Name != signalTextModel && (s.Start < 0 || s.End > len(text) || s.Start >= s.End) {
				t.Fatalf("Assess(%q): signal %+v outside the text", text, s)
			}
		}
	})
}

// TestAssessIsSafeForConcurrentUse starts many first calls at once (the lexicons, tables and model load lazily)
// and checks each verdict against a call made alone. Run it with -race.
func TestAssessIsSafeForConcurrentUse(t *testing.T) {
	unloadDetector()
	results := make([][]string, len(assessCases))
	var wg sync.WaitGroup
	for i, c := range assessCases {
		wg.Go(func() { results[i] = Assess(c.text, Context{}).Set() })
	}
	wg.Wait()
	for i, c := range assessCases {
		if alone := Assess(c.text, Context{}).Set(); !slices.Equal(results[i], alone) {
			t.Errorf("Assess(%q) gave %v among others, %v alone", c.text, results[i], alone)
		}
	}
}

// unloadDetector forgets the lexicons, tables and model, so that the next Assess loads them again.
func unloadDetector() {
	lexiconOnce, lookalikesOnce, t2sOnce, modelOnce = sync.Once{}, sync.Once{}, sync.Once{}, sync.Once{}
	lexicons, lookalikes, t2s, loadedModel = nil, nil, nil, nil
}
