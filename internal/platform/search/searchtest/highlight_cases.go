package searchtest

import (
	"context"
	"html"
	"reflect"
	"slices"
	"strings"
	"testing"

	"guildhall/internal/platform/search"
)

// scriptTitle is a title a hostile maker could save.
const scriptTitle = `<script>alert("x")</script> Leather & brass key ring`

func highlightCases() []testCase {
	return []testCase{
		{"highlights a matched English word and escapes the rest of the title", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			upsert(ctx, t, ix, search.Document{"id": "w7", "title": scriptTitle, "maker": "m9", "price": 30, "created": 700})
			res := Find(ctx, t, ix, search.Query{Text: "leather", Highlight: []string{"title"}, Filters: []search.Filter{{Field: "maker", Values: []any{"m9"}}}})
			got := hitHighlights(t, res, "w7")["title"]
			if strings.Contains(got, "<script") || !strings.Contains(got, "&lt;script&gt;") {
				t.Errorf("title highlight %q is not escaped", got)
			}
			if !strings.Contains(got, "<mark>Leather</mark>") {
				t.Errorf("title highlight %q lacks <mark>Leather</mark>", got)
			}
			wantSafeHighlight(t, got, scriptTitle)
		}},
		{"highlights a Chinese word inside a longer Chinese title", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Text: "牛皮", Highlight: []string{"title"}})
			if got, want := hitHighlights(t, res, "w2")["title"], "手工<mark>牛皮</mark>钱包"; got != want {
				t.Errorf("title highlight = %q, want %q", got, want)
			}
		}},
		{"highlights the singular that a plural query matched", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Text: "wallets", Highlight: []string{"title"}})
			if got, want := hitHighlights(t, res, "w1")["title"], "Hand-stitched leather <mark>wallet</mark>"; got != want {
				t.Errorf("title highlight = %q, want %q", got, want)
			}
		}},
		{"highlights only the requested fields that matched", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Text: "walnut", Highlight: []string{"title", "description"}})
			want := map[string]string{"title": "<mark>Walnut</mark> cutting board"}
			if got := hitHighlights(t, res, "w4"); !reflect.DeepEqual(got, want) {
				t.Errorf("highlights = %q, want %q", got, want)
			}
		}},
		{"highlights a list field as its elements joined with commas", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Text: "leather", Highlight: []string{"tags"}})
			if got, want := hitHighlights(t, res, "w1")["tags"], "<mark>leather</mark>, wallet"; got != want {
				t.Errorf("tags highlight = %q, want %q", got, want)
			}
		}},
		{"returns no highlights unless asked", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			for _, h := range Find(ctx, t, ix, search.Query{Text: "leather"}).Hits {
				if h.Highlights != nil {
					t.Errorf("%s: highlights %q without Query.Highlight", h.ID, h.Highlights)
				}
			}
		}},
	}
}

func suggestCases() []testCase {
	inStock := []search.Filter{{Field: "in_stock", Values: []any{true}}}
	return []testCase{
		{"suggests a title for the start of a word", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantSuggest(t, "lea", Suggest(ctx, t, ix, "lea", "title", 5, nil), []string{"Hand-stitched leather wallet"})
		}},
		{"suggests a Chinese title for a character inside it", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantSuggest(t, "牛", Suggest(ctx, t, ix, "牛", "title", 5, nil), []string{"手工牛皮钱包"})
			wantSuggest(t, "青瓷", Suggest(ctx, t, ix, "青瓷", "title", 5, nil), []string{"青瓷茶杯"})
		}},
		{"suggests only titles that hold every finished word and the start of the last", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantSuggest(t, "tote b", Suggest(ctx, t, ix, "tote b", "title", 5, nil), []string{"Linen tote bag"})
			wantSuggest(t, "leather wal", Suggest(ctx, t, ix, "leather wal", "title", 5, nil), []string{"Hand-stitched leather wallet"})
			// "linen" is only in w1's description, not its title.
			wantSuggest(t, "linen wal", Suggest(ctx, t, ix, "linen wal", "title", 5, nil), nil)
		}},
		{"suggests only from documents that pass the filters", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			all := Suggest(ctx, t, ix, "c", "title", 5, nil)
			slices.Sort(all)
			wantSuggest(t, "c", all, []string{"Ceramic tea cup", "Walnut cutting board"})
			wantSuggest(t, "c in stock", Suggest(ctx, t, ix, "c", "title", 5, inStock), []string{"Walnut cutting board"})
		}},
		{"suggests each title once and at most limit titles", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			upsert(ctx, t, ix,
				search.Document{"id": "w7", "title": "Leather belt", "maker": "m9", "created": 700},
				search.Document{"id": "w8", "title": "Leather belt", "maker": "m9", "created": 800},
				search.Document{"id": "w9", "title": "Leather belt", "maker": "m9", "created": 900},
				search.Document{"id": "w10", "title": "Leather apron", "maker": "m9", "created": 650},
			)
			got := Suggest(ctx, t, ix, "leath", "title", 10, nil)
			slices.Sort(got)
			wantSuggest(t, "leath", got, []string{"Hand-stitched leather wallet", "Leather apron", "Leather belt"})
			if two := Suggest(ctx, t, ix, "leath", "title", 2, nil); len(two) != 2 || two[0] == two[1] {
				t.Errorf("limit 2: %q, want 2 distinct titles", two)
			}
		}},
		{"suggests a whole-word match before a longer word it starts", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			upsert(ctx, t, ix,
				search.Document{"id": "w7", "title": "Leatherette pouch", "maker": "m9", "created": 900},
				search.Document{"id": "w8", "title": "Leather pouch", "maker": "m9", "created": 700},
			)
			got := Suggest(ctx, t, ix, "leather", "title", 5, []search.Filter{{Field: "maker", Values: []any{"m9"}}})
			wantSuggest(t, "leather", got, []string{"Leather pouch", "Leatherette pouch"})
		}},
		{"suggests only the matching elements of a list field", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantSuggest(t, "lea in tags", Suggest(ctx, t, ix, "lea", "tags", 5, nil), []string{"leather"})
		}},
		{"suggests nothing for an empty prefix", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantSuggest(t, "empty", Suggest(ctx, t, ix, " ", "title", 5, nil), nil)
		}},
		{"suggesting from a field that is not searchable fails", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			if got, err := ix.Suggest(ctx, "works", "kit", "category", 5, nil); err == nil {
				t.Errorf("Suggest on category: %q, no error", got)
			}
		}},
	}
}

// Suggest runs Index.Suggest on works and fails the test on error.
func Suggest(ctx context.Context, t *testing.T, ix search.Index, prefix, field string, limit int, filters []search.Filter) []string {
	t.Helper()
	got, err := ix.Suggest(ctx, "works", prefix, field, limit, filters)
	if err != nil {
		t.Fatalf("Suggest(%q, %s): %v", prefix, field, err)
	}
	return got
}

func upsert(ctx context.Context, t *testing.T, ix search.Index, docs ...search.Document) {
	t.Helper()
	if err := ix.Upsert(ctx, "works", docs...); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

func hitHighlights(t *testing.T, res search.Result, id string) map[string]string {
	t.Helper()
	for _, h := range res.Hits {
		if h.ID == id {
			return h.Highlights
		}
	}
	t.Fatalf("hits %v lack %s", IDs(res), id)
	return nil
}

// wantSafeHighlight checks that a highlight is the original text escaped,
// with no markup but <mark> tags.
func wantSafeHighlight(t *testing.T, got, original string) {
	t.Helper()
	plain := strings.ReplaceAll(strings.ReplaceAll(got, "<mark>", ""), "</mark>", "")
	if strings.ContainsAny(plain, `<>"`) {
		t.Errorf("highlight %q holds markup besides <mark>", got)
	}
	if html.UnescapeString(plain) != original {
		t.Errorf("highlight %q unescapes to %q, want %q", got, html.UnescapeString(plain), original)
	}
}

func wantSuggest(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("suggest %s: got %q, want %q", what, got, want)
	}
}
