package moderation

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNormalizeFoldsEvasionsAway(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"full-width letters", "ＶＸ：ｌｅａｔｈｅｒ", "vx:leather"},
		{"mathematical bold", "𝐖𝐞𝐂𝐡𝐚𝐭", "wechat"},
		{"mathematical sans bold italic", "𝙬𝙝𝙖𝙩𝙨𝙖𝙥𝙥", "whatsapp"},
		{"circled letters", "ⓦⓔⓒⓗⓐⓣ", "wechat"},
		{"Cyrillic look-alikes", "wесhаt", "wechat"},
		{"Cyrillic letters whose skeleton is a small capital", "тg вот", "tg bot"},
		{"Greek look-alikes", "τеlеgrαm", "telegram"},
		{"small capitals", "ᴡᴇᴄʜᴀᴛ", "wechat"},
		{"ASCII is left alone", "0 1 l I m rn", "0 1 l i m rn"},
		{"traditional to simplified", "加我微信，價格私聊，聯繫方式", "加我微信,价格私聊,联系方式"},
		{"circled digits", "①③⑧⓪", "1380"},
		{"negative circled digits", "❶❸❽⓿⓫", "138011"},
		{"dingbat circled digits", "➀➂➑", "138"},
		{"parenthesised digits", "⑴⑶", "(1)(3)"},
		{"keycap digits", "1️⃣3️⃣8️⃣", "138"},
		{"keycap ten", "🔟", "10"},
		{"full-width digits", "１３８", "138"},
		{"Chinese numerals stay characters", "一二三两幺", "一二三两幺"},
		{"zero-width characters", "加\u200b微\u200c信\u200d号\ufeff\u2060", "加微信号"},
		{"soft hyphen and bidi marks", "we\u00adch\u200eat", "wechat"},
		{"Hangul filler", "加\u3164微", "加微"},
		{"whitespace collapsed", "a \t\u3000 b\n\n\nc", "a b\nc"},
		{"one character a line", "加\n微\n信\n好\n友", "加微信好友"},
		{"one character a line, with blank lines", "加\n\n微\n\n信", "加微信"},
		{"two short lines stay apart", "好\n的", "好\n的"},
		{"ordinary lines stay apart", "第一行文字\n加\n第三行文字", "第一行文字\n加\n第三行文字"},
		{"letters a line", "t\ne\nx\nt", "text"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := normalize(c.text).text; got != c.want {
				t.Fatalf("normalize(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestNormalizeKeepsTheWayBackToTheOriginal(t *testing.T) {
	text := "你好！ＶＸ：ｌｅａｔｈｅｒ"
	n := normalize(text)
	if len(n.orig) != len(n.text) {
		t.Fatalf("%d offsets for %d bytes", len(n.orig), len(n.text))
	}
	i := len("你好!")
	if n.text[i:i+2] != "vx" {
		t.Fatalf("normalized %q", n.text)
	}
	lo, hi := n.span(i, i+2)
	if got := text[lo:hi]; got != "ＶＸ" {
		t.Fatalf("span of vx is %q", got)
	}
	sq := squeeze(normalize("加 微 信 abc"))
	if sq.text != "加微信 abc" || len(sq.orig) != len(sq.text) {
		t.Fatalf("squeezed %q with %d offsets", sq.text, len(sq.orig))
	}
	if lo, hi := sq.span(len("加微信 "), len(sq.text)); "加 微 信 abc"[lo:hi] != "abc" {
		t.Fatalf("span of abc after squeezing: %d %d", lo, hi)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"加\n微\n信", "ＶＸ", "𝐖𝐞𝐂𝐡𝐚𝐭", "1️⃣3️⃣", "\u200b\ufeff", "\xff\xfe", "價格", "a\n\n\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n := normalize(text)
		if len(n.orig) != len(n.text) {
			t.Fatalf("normalize(%q): %d offsets for %d bytes", text, len(n.orig), len(n.text))
		}
		for _, o := range n.orig {
			if o < 0 || int(o) >= len(text) {
				t.Fatalf("normalize(%q): offset %d outside the text", text, o)
			}
		}
		if again := normalize(n.text).text; again != n.text {
			t.Fatalf("normalize is not idempotent on %q: %q then %q", text, n.text, again)
		}
		sq := squeeze(n)
		if len(sq.orig) != len(sq.text) {
			t.Fatalf("squeeze(%q): %d offsets for %d bytes", n.text, len(sq.orig), len(sq.text))
		}
	})
}

// TestNormalizeShortcutsAgreeWithNFKC checks the runes normalize folds without NFKC against NFKC itself.
func TestNormalizeShortcutsAgreeWithNFKC(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		s := nfkcSimple(r)
		if s < 0 || r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if got := norm.NFKC.String(string(r)); got != string(s) {
			t.Errorf("U+%04X: NFKC gives %q, the shortcut %q", r, got, string(s))
		}
		if norm.NFKC.String("a"+string(r)) != "a"+string(s) {
			t.Errorf("U+%04X combines with what precedes it", r)
		}
	}
}

// TestNormalizeComposesAcrossRunes: a letter and its combining accent compose (then fold to the bare letter, as
// accented Latin letters do), and so do Hangul jamo.
func TestNormalizeComposesAcrossRunes(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"e\u0301", "e"},
		{"ｅ\u0301", "e"},
		{"\u1100\u1161", "가"},
		{"we\u0336ch\u0336at", "wechat"}, // strike-through
	} {
		if got := normalize(c.text).text; got != c.want {
			t.Errorf("normalize(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
