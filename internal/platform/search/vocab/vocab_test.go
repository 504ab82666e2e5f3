package vocab_test

import (
	"reflect"
	"slices"
	"testing"

	"guildhall/internal/platform/search/vocab"
	"guildhall/web"
)

const sample = `{
  "about": "test",
  "same": [
    ["钱包", "皮夹", "钱夹", "wallet"],
    ["茶壶", "teapot", "tea pot"],
    ["杯", "杯子", "cup"],
    ["马克杯", "mug"],
    ["月饼", "mooncake", "moon cake"],
    ["Glass", "玻璃"]
  ],
  "includes": {"杯": ["mug", "teacup"], "壶": ["teapot"]}
}`

func parse(t *testing.T, raw string) *vocab.Vocabulary {
	t.Helper()
	v, err := vocab.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRelatedFindsEveryOtherWordOfTheGroupInEitherLanguage(t *testing.T) {
	v := parse(t, sample)
	for in, want := range map[string][]string{
		"皮夹":         {"钱包", "钱夹", "wallet"},
		"wallet":     {"钱包", "皮夹", "钱夹"},
		"Wallets":    {"钱包", "皮夹", "钱夹"},     // case and plural
		"皮夾":         {"钱包", "钱夹", "wallet"}, // traditional
		"tea  pot":   {"茶壶", "teapot"},
		"moon cakes": {"月饼", "mooncake"},
		"glass":      {"玻璃"},
		"玻璃":         {"glass"}, // written folded and in lower case
		"leather":    nil,
	} {
		if got := v.Related(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Related(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIncludesReachesNarrowerWordsFromTheWholeGroupButNotBack(t *testing.T) {
	v := parse(t, sample)
	if got := v.Related("cup"); !slices.Contains(got, "mug") || !slices.Contains(got, "teacup") || !slices.Contains(got, "杯") {
		t.Errorf("Related(cup) = %q, want 杯, mug and teacup", got)
	}
	if got := v.Related("mug"); slices.Contains(got, "cup") || slices.Contains(got, "杯") {
		t.Errorf("Related(mug) = %q: a mug is a cup, not every cup a mug", got)
	}
	if got := v.Related("壶"); !reflect.DeepEqual(got, []string{"teapot"}) {
		t.Errorf("Related(壶) = %q", got)
	}
	if got := v.Related("teapot"); slices.Contains(got, "壶") {
		t.Errorf("Related(teapot) = %q", got)
	}
}

func TestSegmentSplitsChineseAtVocabularyWords(t *testing.T) {
	v := parse(t, sample)
	for in, want := range map[string][]string{
		"手工皮夹":     {"手工", "皮夹"},
		"手工皮夾":     {"手工", "皮夹"}, // folded
		"青瓷茶壶":     {"青瓷", "茶壶"},
		"钱包茶壶":     {"钱包", "茶壶"},
		"silver月饼": {"silver", "月饼"},
		"马克杯":      {"马克杯"},
		"杯":        {"杯"},
		"玻璃杯":      {"玻璃", "杯"},
		"银杏叶":      {"银杏叶"}, // nothing known: whole
		"wallet":   {"wallet"},
	} {
		if got := v.Segment(in); !reflect.DeepEqual(got, want) {
			t.Errorf("Segment(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSynonymsMapEveryWordAndEnglishPluralsForMeilisearch(t *testing.T) {
	v := parse(t, sample)
	s := v.Synonyms()
	for word, want := range map[string][]string{
		"皮夹":      {"钱包", "钱夹", "wallet"},
		"wallets": {"钱包", "皮夹", "钱夹"},
		"tea pot": {"茶壶", "teapot"},
		"teapots": {"茶壶", "tea pot"},
		"glass":   {"玻璃"},
		"glasses": {"玻璃"},
		"壶":       {"teapot"},
	} {
		if got := s[word]; !reflect.DeepEqual(got, want) {
			t.Errorf("synonyms[%q] = %q, want %q", word, got, want)
		}
	}
	if _, ok := s["mugs"]; !ok {
		t.Error("no entry for the plural mugs")
	}
	if got := s["mug"]; slices.Contains(got, "cup") {
		t.Errorf("synonyms[mug] = %q: includes is one way", got)
	}
}

func TestParseRefusesBadFiles(t *testing.T) {
	for name, raw := range map[string]string{
		"not JSON":                  `{`,
		"an unknown key":            `{"same": [], "synonyms": {}}`,
		"a group of one":            `{"same": [["钱包"]]}`,
		"a group of one word twice": `{"same": [["wallet", "Wallets"]]}`,
		"an empty word":             `{"same": [["钱包", " "]]}`,
		"includes of itself":        `{"includes": {"杯": ["杯 "]}}`,
	} {
		if _, err := vocab.Parse([]byte(raw)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestANilVocabularyKnowsNothing(t *testing.T) {
	var v *vocab.Vocabulary
	if v.Related("wallet") != nil || v.Known("wallet") || v.MaxWords() != 0 || len(v.Synonyms()) != 0 {
		t.Error("nil vocabulary answered")
	}
	if got := v.Segment("手工皮夹"); !reflect.DeepEqual(got, []string{"手工皮夹"}) {
		t.Errorf("Segment = %q", got)
	}
}

// The project's own vocabulary: it loads, is big enough to matter, and links
// the words the shoppers' issue named.
func TestTheProjectVocabularyLinksShoppersWords(t *testing.T) {
	v, err := vocab.Load(web.Locales(), "vocabulary.json")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(v.Synonyms()); n < 800 {
		t.Errorf("%d words, want a real vocabulary", n)
	}
	for word, want := range map[string]string{
		"钱包": "皮夹", "皮夹": "wallet", "钱夹": "钱包", "茶壶": "teapot", "月饼": "mooncake",
		"围巾": "scarf", "陶瓷": "ceramic", "ceramics": "pottery", "青瓷": "celadon", "cup": "杯",
		"杯": "mug", "moon cake": "月饼", "刺绣": "embroidery", "灯笼": "lantern",
	} {
		if got := v.Related(word); !slices.Contains(got, want) {
			t.Errorf("Related(%q) = %q, want it to hold %q", word, got, want)
		}
	}
	if v.MaxWords() < 2 {
		t.Errorf("MaxWords = %d, want phrases", v.MaxWords())
	}
}

// BenchmarkLoadingTheProjectVocabulary is what the app pays once at start.
func BenchmarkLoadingTheProjectVocabulary(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vocab.Load(web.Locales(), "vocabulary.json"); err != nil {
			b.Fatal(err)
		}
	}
}
