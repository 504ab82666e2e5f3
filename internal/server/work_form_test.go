package server

import (
	"reflect"
	"testing"

	"guildhall/internal/work"
)

func TestPricesAreReadAsMinorUnits(t *testing.T) {
	cases := map[string]int64{"129": 12900, "129.5": 12950, "129.50": 12950, "¥ 0.99": 99, "0": 0}
	for in, want := range cases {
		if got, ok := parseMoney(in); !ok || got != want {
			t.Errorf("parseMoney(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "abc", "-1", "1e400", "NaN"} {
		if _, ok := parseMoney(bad); ok {
			t.Errorf("parseMoney(%q) accepted", bad)
		}
	}
}

func TestVariantsAreOneALine(t *testing.T) {
	got, ok := parseVariants("Small | 99.00\n\n大号 | 159 | 0\n", "CNY")
	want := []work.VariantInput{
		{Name: "Small", Price: work.Money{Amount: 9900, Currency: "CNY"}},
		{Name: "大号", Price: work.Money{Amount: 15900, Currency: "CNY"}},
	}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, %v", got, ok)
	}
	if _, ok := parseVariants("Small, 99", "CNY"); ok {
		t.Fatal("a line without the bars was accepted")
	}
}

func TestKeptImagesFollowTheNumbersTheMakerGave(t *testing.T) {
	form := map[string][]string{"order_a": {"3"}, "order_b": {"1"}, "order_c": {"2"}}
	if got := imageOrder(form, []string{"a", "b", "c", "d"}); !reflect.DeepEqual(got, []string{"b", "c", "a", "d"}) {
		t.Fatalf("got %v", got)
	}
}
