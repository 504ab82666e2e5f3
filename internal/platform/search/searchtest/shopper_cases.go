package searchtest

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/vocab"
)

// ShopperOpener returns a fresh, empty Index that expands queries with v.
type ShopperOpener func(t *testing.T, v *vocab.Vocabulary) search.Index

// ShopperWorks are works written the way makers write: a traditional
// title, words joined and apart, Chinese only. With Works they make the
// shopper suite's fixture.
func ShopperWorks() []search.Document {
	return []search.Document{
		{"id": "w7", "title": "柴燒茶壺", "maker": "m4", "maker_name": "陶心窯",
			"description": "台灣柴燒，手工拉坯。", "tags": []string{"茶壺", "柴燒"},
			"price": 120, "in_stock": true, "category": "kitchen", "created": 700},
		{"id": "w8", "title": "Stoneware tea pot", "maker": "m3", "maker_name": "Oak & Iron",
			"description": "Glazed stoneware", "tags": []string{"茶壶"},
			"price": 70, "in_stock": true, "category": "kitchen", "created": 800},
		{"id": "w9", "title": "Lotus mooncake", "maker": "m2", "maker_name": "老周皮具",
			"description": "Lotus seed paste", "tags": []string{"food"},
			"price": 12, "in_stock": true, "category": "food", "created": 900},
		{"id": "w10", "title": "Celadon teapot", "maker": "m1", "maker_name": "Lin Studio",
			"description": "Pale green glaze", "tags": []string{"tea"},
			"price": 90, "in_stock": true, "category": "kitchen", "created": 1000},
	}
}

// ShopperVocabulary is the small vocabulary the suite expands with.
func ShopperVocabulary(t *testing.T) *vocab.Vocabulary {
	t.Helper()
	v, err := vocab.Parse([]byte(`{"same": [
		["茶壶", "teapot", "tea pot"],
		["钱包", "皮夹", "wallet"],
		["月饼", "mooncake", "moon cake"]
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// RunShopperSuite runs what the shoppers' issue asks of both engines:
// traditional and simplified characters find each other everywhere
// (search, highlights, filters, facets, suggestions), words joined and
// apart find each other, and the vocabulary finds a thing by its other
// names, below the word itself.
func RunShopperSuite(t *testing.T, open ShopperOpener) {
	for _, c := range shopperCases() {
		t.Run(c.name, func(t *testing.T) {
			ix := open(t, ShopperVocabulary(t))
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			Seed(ctx, t, ix)
			upsert(ctx, t, ix, ShopperWorks()...)
			c.run(ctx, t, ix)
		})
	}
}

func shopperCases() []testCase {
	return []testCase{
		{"a simplified query finds a traditional title and the other way round", func(ctx context.Context, t *testing.T, ix search.Index) {
			wantIDs(t, "柴烧", Sorted(Find(ctx, t, ix, search.Query{Text: "柴烧"})), []string{"w7"})
			wantHas(t, "茶壶", Find(ctx, t, ix, search.Query{Text: "茶壶"}), "w7")
			wantHas(t, "茶壺", Find(ctx, t, ix, search.Query{Text: "茶壺"}), "w8")
			wantIDs(t, "台湾柴烧", Sorted(Find(ctx, t, ix, search.Query{Text: "台湾柴烧"})), []string{"w7"})
		}},
		{"a traditional title found by a simplified query is shown as written, marked on its own characters", func(ctx context.Context, t *testing.T, ix search.Index) {
			res := Find(ctx, t, ix, search.Query{Text: "柴烧", Highlight: []string{"title", "tags"}})
			if len(res.Hits) != 1 || res.Hits[0].Document["title"] != "柴燒茶壺" {
				t.Fatalf("hits = %+v, want w7 titled 柴燒茶壺", res.Hits)
			}
			want := map[string]string{"title": "<mark>柴燒</mark>茶壺", "tags": "茶壺, <mark>柴燒</mark>"}
			if got := res.Hits[0].Highlights; !reflect.DeepEqual(got, want) {
				t.Errorf("highlights = %q, want %q", got, want)
			}
		}},
		{"a filter on a tag matches the tag in either script", func(ctx context.Context, t *testing.T, ix search.Index) {
			for _, tag := range []string{"茶壶", "茶壺"} {
				res := Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "tags", Values: []any{tag}}}})
				wantIDs(t, "tags="+tag, Sorted(res), []string{"w7", "w8"})
			}
			res := Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "tags", Values: []any{"柴烧", "tea"}}}})
			wantIDs(t, "tags in [柴烧 tea]", Sorted(res), []string{"w10", "w3", "w7"})
		}},
		{"facet counts merge a value's scripts under one written form", func(ctx context.Context, t *testing.T, ix search.Index) {
			tags := Find(ctx, t, ix, search.Query{Facets: []string{"tags"}}).Facets["tags"]
			if tags["茶壶"] != 2 || tags["茶壺"] != 0 {
				t.Errorf("tags facet = %v, want 茶壶: 2 (a tie shows the simplified form) and no 茶壺", tags)
			}
			only := Find(ctx, t, ix, search.Query{Facets: []string{"tags"}, Filters: []search.Filter{{Field: "maker", Values: []any{"m4"}}}})
			if want := map[string]int{"茶壺": 1, "柴燒": 1}; !reflect.DeepEqual(only.Facets["tags"], want) {
				t.Errorf("tags facet of m4 = %v, want %v as written", only.Facets["tags"], want)
			}
		}},
		{"suggestions fold too and show titles as written", func(ctx context.Context, t *testing.T, ix search.Index) {
			wantSuggest(t, "柴烧", Suggest(ctx, t, ix, "柴烧", "title", 5, nil), []string{"柴燒茶壺"})
			wantSuggest(t, "柴燒", Suggest(ctx, t, ix, "柴燒", "title", 5, nil), []string{"柴燒茶壺"})
		}},
		{"words typed apart find them joined and joined words find them apart", func(ctx context.Context, t *testing.T, ix search.Index) {
			wantHas(t, "moon cake", Find(ctx, t, ix, search.Query{Text: "moon cake"}), "w9")
			wantHas(t, "tea pot", Find(ctx, t, ix, search.Query{Text: "tea pot"}), "w10")
			wantHas(t, "teapot", Find(ctx, t, ix, search.Query{Text: "teapot"}), "w8")
		}},
		{"a word finds its other names in both languages, below itself", func(ctx context.Context, t *testing.T, ix search.Index) {
			res := Find(ctx, t, ix, search.Query{Text: "wallet"})
			wantIDs(t, "wallet", IDs(res), []string{"w1", "w2"}) // 手工牛皮钱包 says 钱包 only
			wantIDs(t, "皮夹", Sorted(Find(ctx, t, ix, search.Query{Text: "皮夹"})), []string{"w1", "w2"})
		}},
		{"an exact word ranks above its synonym", func(ctx context.Context, t *testing.T, ix search.Index) {
			// w10 says teapot; w7 says only 茶壺, in traditional characters.
			ids := IDs(Find(ctx, t, ix, search.Query{Text: "teapot"}))
			if i, j := slices.Index(ids, "w10"), slices.Index(ids, "w7"); i < 0 || j < 0 || i > j {
				t.Errorf("teapot: %v, want w10 (teapot) before w7 (柴燒茶壺)", ids)
			}
			ids = IDs(Find(ctx, t, ix, search.Query{Text: "茶壶"}))
			if i, j := slices.Index(ids, "w7"), slices.Index(ids, "w10"); i < 0 || j < 0 || i > j {
				t.Errorf("茶壶: %v, want w7 (茶壺) before w10 (teapot)", ids)
			}
		}},
		{"a Chinese query typed without spaces is expanded word by word", func(ctx context.Context, t *testing.T, ix search.Index) {
			wantIDs(t, "手工皮夹", IDs(Find(ctx, t, ix, search.Query{Text: "手工皮夹"})), []string{"w2"})
			wantHas(t, "柴烧teapot", Find(ctx, t, ix, search.Query{Text: "柴烧 teapot"}), "w7")
		}},
	}
}
