package searchtest

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"guildhall/internal/platform/search"
)

func cases() []testCase {
	return []testCase{
		{"finds a document by a word in its title", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Text: "walnut"})
			wantIDs(t, "walnut", IDs(res), []string{"w4"})
			if res.Total != 1 {
				t.Errorf("Total = %d, want 1", res.Total)
			}
		}},
		{"returns the stored document with numbers as float64", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Text: "walnut"})
			if len(res.Hits) != 1 {
				t.Fatalf("hits = %v", IDs(res))
			}
			d := res.Hits[0].Document
			if d.ID() != "w4" || d["price"] != float64(60) || d["in_stock"] != true || d["title"] != "Walnut cutting board" {
				t.Errorf("document = %#v", d)
			}
			if !reflect.DeepEqual(d["tags"], []any{"wood", "kitchen"}) {
				t.Errorf("tags = %#v", d["tags"])
			}
		}},
		{"every word of the query must match", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantIDs(t, "linen tote", Sorted(Find(ctx, t, ix, search.Query{Text: "linen tote"})), []string{"w5"})
			wantIDs(t, "linen", Sorted(Find(ctx, t, ix, search.Query{Text: "linen"})), []string{"w1", "w5"})
		}},
		{"finds a Chinese word inside a longer Chinese title", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantIDs(t, "牛皮", Sorted(Find(ctx, t, ix, search.Query{Text: "牛皮"})), []string{"w2"})
			wantIDs(t, "钱包", Sorted(Find(ctx, t, ix, search.Query{Text: "钱包"})), []string{"w2"})
		}},
		{"matches an English plural to its singular", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantHas(t, "wallets", Find(ctx, t, ix, search.Query{Text: "wallets"}), "w1")
			wantHas(t, "cups", Find(ctx, t, ix, search.Query{Text: "cups"}), "w3")
		}},
		{"tolerates a typo in a longer word", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			wantHas(t, "lether", Find(ctx, t, ix, search.Query{Text: "lether"}), "w1")
			wantHas(t, "ceramc", Find(ctx, t, ix, search.Query{Text: "ceramc"}), "w3")
		}},
		{"ranks a title match above a match in a later field", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			// "linen" is w5's title and only w1's description.
			res := Find(ctx, t, ix, search.Query{Text: "linen"})
			wantIDs(t, "linen", IDs(res), []string{"w5", "w1"})
		}},
		{"lists everything for empty text, ordered by the custom ranking rule", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{})
			wantIDs(t, "all", IDs(res), []string{"w6", "w5", "w4", "w3", "w2", "w1"})
			if res.Total != 6 {
				t.Errorf("Total = %d, want 6", res.Total)
			}
		}},
		{"upserting an existing id replaces the document", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			w3 := Works()[2]
			w3["title"], w3["tags"] = "Porcelain tea cup", []string{"porcelain"}
			if err := ix.Upsert(ctx, "works", w3); err != nil {
				t.Fatal(err)
			}
			wantIDs(t, "ceramic", IDs(Find(ctx, t, ix, search.Query{Text: "ceramic"})), nil)
			res := Find(ctx, t, ix, search.Query{Text: "porcelain"})
			if len(res.Hits) != 1 || res.Hits[0].Document["title"] != "Porcelain tea cup" {
				t.Errorf("porcelain: %+v", res.Hits)
			}
			if total := Find(ctx, t, ix, search.Query{}).Total; total != 6 {
				t.Errorf("Total = %d after replace, want 6", total)
			}
		}},
		{"deleting an id removes it from results", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			if err := ix.Delete(ctx, "works", "w4", "never-there"); err != nil {
				t.Fatal(err)
			}
			wantIDs(t, "walnut", IDs(Find(ctx, t, ix, search.Query{Text: "walnut"})), nil)
			if total := Find(ctx, t, ix, search.Query{}).Total; total != 5 {
				t.Errorf("Total = %d after delete, want 5", total)
			}
		}},
		{"filters on a string field", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "maker", Values: []any{"m1"}}}})
			wantIDs(t, "maker=m1", Sorted(res), []string{"w1", "w3"})
		}},
		{"filters on a list field by any of its elements, values OR-ed", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			one := Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "tags", Values: []any{"kitchen"}}}})
			wantIDs(t, "tags=kitchen", Sorted(one), []string{"w4"})
			either := Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "tags", Values: []any{"tea", "wood", "钱包"}}}})
			wantIDs(t, "tags in [tea wood 钱包]", Sorted(either), []string{"w2", "w3", "w4"})
		}},
		{"filters on different fields are AND-ed", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Filters: []search.Filter{
				{Field: "category", Values: []any{"kitchen"}},
				{Field: "in_stock", Values: []any{true}},
			}})
			wantIDs(t, "kitchen and in stock", Sorted(res), []string{"w4", "w6"})
		}},
		{"filters on a bool field", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "in_stock", Values: []any{false}}}})
			wantIDs(t, "not in stock", Sorted(res), []string{"w3", "w5"})
		}},
		{"filters a numeric range with both ends included", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "price", Min: f64(25), Max: f64(60)}}})
			wantIDs(t, "25..60", Sorted(res), []string{"w1", "w4", "w5"})
			res = Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "price", Min: f64(88)}}})
			wantIDs(t, ">=88", Sorted(res), []string{"w2", "w6"})
			res = Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "price", Values: []any{45, 18.5}}}})
			wantIDs(t, "price in [45 18.5]", Sorted(res), []string{"w1", "w3"})
		}},
		{"combines text with filters", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Text: "linen", Filters: []search.Filter{{Field: "price", Max: f64(30)}}})
			wantIDs(t, "linen under 30", IDs(res), []string{"w5"})
		}},
		{"filtering on a field that is not filterable fails", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			_, err := ix.Search(ctx, "works", search.Query{Filters: []search.Filter{{Field: "title", Values: []any{"x"}}}})
			if err == nil {
				t.Error("filter on title: no error")
			}
		}},
		{"counts facet values over all matches, not just the page", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			res := Find(ctx, t, ix, search.Query{Facets: []string{"category", "in_stock"}, Limit: 1})
			want := map[string]map[string]int{
				"category": {"accessories": 3, "kitchen": 3},
				"in_stock": {"true": 4, "false": 2},
			}
			if !reflect.DeepEqual(res.Facets, want) {
				t.Errorf("facets = %v, want %v", res.Facets, want)
			}
			res = Find(ctx, t, ix, search.Query{Facets: []string{"category"}, Filters: []search.Filter{{Field: "maker", Values: []any{"m1"}}}})
			if want := map[string]int{"accessories": 1, "kitchen": 1}; !reflect.DeepEqual(res.Facets["category"], want) {
				t.Errorf("facets for m1 = %v, want %v", res.Facets["category"], want)
			}
		}},
		{"sorts by a number ascending and descending", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			asc := Find(ctx, t, ix, search.Query{Sort: []search.Sort{{Field: "price"}}})
			wantIDs(t, "price asc", IDs(asc), []string{"w3", "w5", "w1", "w4", "w6", "w2"})
			desc := Find(ctx, t, ix, search.Query{Sort: []search.Sort{{Field: "price", Desc: true}}})
			wantIDs(t, "price desc", IDs(desc), []string{"w2", "w6", "w4", "w1", "w5", "w3"})
		}},
		{"pages through all matches without duplicates or gaps", func(ctx context.Context, t *testing.T, ix search.Index) {
			if err := ix.EnsureSchema(ctx, WorksSchema()); err != nil {
				t.Fatal(err)
			}
			items := Items(40)
			if err := ix.Upsert(ctx, "works", items...); err != nil {
				t.Fatal(err)
			}
			if n := len(Find(ctx, t, ix, search.Query{}).Hits); n != search.DefaultLimit {
				t.Errorf("default page has %d hits, want %d", n, search.DefaultLimit)
			}
			seen := map[string]bool{}
			for offset := 0; offset < 50; offset += 7 {
				res := Find(ctx, t, ix, search.Query{Offset: offset, Limit: 7})
				if res.Total != 40 {
					t.Errorf("offset %d: Total = %d, want 40", offset, res.Total)
				}
				for _, id := range IDs(res) {
					if seen[id] {
						t.Errorf("offset %d: %s seen twice", offset, id)
					}
					seen[id] = true
				}
			}
			if len(seen) != len(items) {
				t.Errorf("paging saw %d of %d items", len(seen), len(items))
			}
		}},
		{"ensuring the same schema again keeps the documents", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			if err := ix.EnsureSchema(ctx, WorksSchema()); err != nil {
				t.Fatal(err)
			}
			if total := Find(ctx, t, ix, search.Query{}).Total; total != 6 {
				t.Errorf("Total = %d, want 6", total)
			}
		}},
		{"a changed schema applies to documents already indexed", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			s := WorksSchema()
			s.Filterable = append(s.Filterable, "maker_name")
			if err := ix.EnsureSchema(ctx, s); err != nil {
				t.Fatal(err)
			}
			res := Find(ctx, t, ix, search.Query{Filters: []search.Filter{{Field: "maker_name", Values: []any{"Lin Studio"}}}})
			wantIDs(t, "maker_name filter", Sorted(res), []string{"w1", "w3"})
		}},
		{"an unknown kind fails with ErrUnknownKind", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			if _, err := ix.Search(ctx, "nothing", search.Query{}); !errors.Is(err, search.ErrUnknownKind) {
				t.Errorf("Search: err = %v, want ErrUnknownKind", err)
			}
			if err := ix.Upsert(ctx, "nothing", search.Document{"id": "x"}); !errors.Is(err, search.ErrUnknownKind) {
				t.Errorf("Upsert: err = %v, want ErrUnknownKind", err)
			}
			if err := ix.Delete(ctx, "nothing", "x"); !errors.Is(err, search.ErrUnknownKind) {
				t.Errorf("Delete: err = %v, want ErrUnknownKind", err)
			}
		}},
		{"a document without an id is refused", func(ctx context.Context, t *testing.T, ix search.Index) {
			Seed(ctx, t, ix)
			if err := ix.Upsert(ctx, "works", search.Document{"title": "no id"}); err == nil {
				t.Error("Upsert without id: no error")
			}
		}},
		{"answers a ping", func(ctx context.Context, t *testing.T, ix search.Index) {
			if err := ix.Ping(ctx); err != nil {
				t.Errorf("Ping: %v", err)
			}
		}},
	}
}
