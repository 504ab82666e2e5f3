package meili

import (
	"testing"

	"guildhall/internal/platform/search"
)

func TestFilterStringsAreQuotedSoMeilisearchReadsThemBack(t *testing.T) {
	for in, want := range map[string]string{
		"m1":       `"m1"`,
		`va"lue`:   `"va\"lue"`,
		"it's":     `"it's"`,
		`C:\dir`:   `"C:\dir"`,
		`a\"b`:     `'a\"b'`,
		"手工 牛皮":    `"手工 牛皮"`,
		"":         `""`,
		`x AND y"`: `"x AND y\""`,
	} {
		got, err := quote(in)
		if err != nil || got != want {
			t.Errorf("quote(%q) = %q, %v; want %q", in, got, err, want)
		}
		if back, ok := unquote(got); !ok || back != in {
			t.Errorf("unquote(%q) = %q, %v; want %q", got, back, ok, in)
		}
	}
}

func TestAFilterStringMeilisearchCannotReadIsRefused(t *testing.T) {
	for _, in := range []string{`ends with \`, `both " and ' and \" and \'`} {
		if got, err := quote(in); err == nil {
			t.Errorf("quote(%q) = %q, want an error", in, got)
		}
	}
}

func TestAnEmptyFilterIsRefused(t *testing.T) {
	if _, err := filterExpr([]search.Filter{{Field: "maker"}}); err == nil {
		t.Error("no error")
	}
}

func TestIDsMeilisearchWouldRefuseAreEncodedReversibly(t *testing.T) {
	for in, want := range map[string]string{
		"w1":           "w1",
		"d7a3-uuid":    "d7a3-uuid",
		"u1:m2":        "u1_3Am2",
		"a_b":          "a_5Fb",
		"g1:u1:page_3": "g1_3Au1_3Apage_5F3",
		"牛":            "_E7_89_9B",
	} {
		got := encodeID(in)
		if got != want {
			t.Errorf("encodeID(%q) = %q, want %q", in, got, want)
		}
		if back, err := decodeID(got); err != nil || back != in {
			t.Errorf("decodeID(%q) = %q, %v; want %q", got, back, err, in)
		}
	}
}
