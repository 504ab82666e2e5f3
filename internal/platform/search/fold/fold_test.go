package fold_test

import (
	"reflect"
	"testing"
	"unicode/utf8"

	"guildhall/internal/platform/search/fold"
)

func TestStringFoldsTraditionalCharactersToSimplified(t *testing.T) {
	for in, want := range map[string]string{
		"茶壺":             "茶壶",
		"月餅":             "月饼",
		"柴燒茶壺 Teapot":    "柴烧茶壶 Teapot",
		"手工皮夾":           "手工皮夹",
		"衞生紙":            "卫生纸", // a Hong Kong variant
		"龍泉青瓷":           "龙泉青瓷",
		"茶壶":             "茶壶", // simplified stays
		"抬头 什么":          "抬头 什么",
		"leather wallet": "leather wallet",
		"":               "",
	} {
		if got := fold.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldingKeepsOneCharacterForOneAndChangesNothingTheSecondTime(t *testing.T) {
	for r := rune(0x3400); r <= 0x2FFFF; r++ {
		s := fold.Rune(r)
		if fold.Rune(s) != s {
			t.Errorf("%c folds to %c, which folds on to %c", r, s, fold.Rune(s))
		}
		if s != r && s < utf8.RuneSelf {
			t.Errorf("%c folds to ASCII %q", r, s)
		}
	}
	in := "龍鳳呈祥的紫砂壺，以及一隻燒製的杯"
	if out := fold.String(in); utf8.RuneCountInString(out) != utf8.RuneCountInString(in) {
		t.Errorf("%q folded to %q: rune counts differ", in, out)
	}
}

func TestStringReturnsTextWithoutTraditionalCharactersUnallocated(t *testing.T) {
	s := "手工牛皮钱包 leather"
	if n := testing.AllocsPerRun(100, func() { fold.String(s) }); n != 0 {
		t.Errorf("String of simplified text allocates %v times", n)
	}
	if fold.Changes(s) || !fold.Changes("茶壺") {
		t.Error("Changes is wrong")
	}
}

func TestPlainIsASCIIOnly(t *testing.T) {
	if !fold.Plain("m01-wallet") || fold.Plain("茶壶") || fold.Plain("café") {
		t.Error("Plain is wrong")
	}
}

func TestCountsMergeValuesThatFoldAlikeUnderAWrittenForm(t *testing.T) {
	cases := []struct {
		name string
		in   map[string]int
		want map[string]int
	}{
		{"nothing to merge comes back as it is", map[string]int{"茶壶": 2, "leather": 1}, map[string]int{"茶壶": 2, "leather": 1}},
		{"the form more works use is shown", map[string]int{"茶壶": 1, "茶壺": 3, "杯": 2}, map[string]int{"茶壺": 4, "杯": 2}},
		{"a tie shows the simplified form", map[string]int{"月餅": 2, "月饼": 2}, map[string]int{"月饼": 4}},
		{"with only traditional forms one of them is shown", map[string]int{"裡布": 1, "裏布": 1}, map[string]int{"裏布": 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fold.Counts(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Counts(%v) = %v, want %v", c.in, got, c.want)
			}
		})
	}
}

// BenchmarkFoldingAChineseTitle is the cost of folding at index and query
// time, per title.
func BenchmarkFoldingAChineseTitle(b *testing.B) {
	fold.Load()
	b.ReportAllocs()
	for b.Loop() {
		fold.String("龍泉青瓷茶壺，手工燒製")
	}
}
