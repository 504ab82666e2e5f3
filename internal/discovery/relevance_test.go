package discovery_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/discovery"
	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/bleve"
	"guildhall/internal/platform/search/meili"
	"guildhall/internal/platform/search/vocab"
	"guildhall/internal/work"
	"guildhall/web"
)

// The relevance suite: the corpus (corpus_test.go) indexed with the real
// works schema and searched through discovery.Service, on Bleve always and
// on Meilisearch when GUILDHALL_TEST_MEILI_URL names a server.
//
// Most cases want one work first. Where a query fits several works equally
// well (the same word in each title, say), the case wants its work in the
// top three and says why in tie; engines may order ties differently.

// expect is what a search must answer.
type expect struct {
	first string   // the first result
	lead  []string // the first len(lead) results, in any order (a fair tie; see tie)
	top3  string   // among the first three results (a fair tie; see tie)
	tie   string   // why first is not asked for
	only  []string // exactly these results, in any order
	order []string // exactly these results, in this order
	none  bool     // no results at all
}

type searchCase struct {
	name string
	p    discovery.Params
	want expect
}

func ptr[T any](v T) *T { return &v }

var relevanceCases = []searchCase{
	// Chinese
	{"a Chinese phrase ranks the title that holds it whole first", discovery.Params{Q: "牛皮钱包"},
		// The key ring is 牛皮 and made from 钱包 offcuts: both words, apart.
		expect{first: "lz-wallet-zh", only: []string{"lz-wallet-zh", "lz-keyring"}}},
	{"a Chinese material finds every work made of it", discovery.Params{Q: "牛皮"},
		expect{top3: "lz-wallet-zh", tie: "牛皮 is in three titles and their materials alike",
			only: []string{"lz-wallet-zh", "lz-belt-zh", "lz-keyring"}}},
	{"青瓷 finds celadon but not 青花瓷", discovery.Params{Q: "青瓷"},
		// The celadon bowl says only "celadon", which the vocabulary links.
		expect{first: "ls-cup-zh", lead: []string{"ls-cup-zh", "ls-teapot-celadon"},
			only: []string{"ls-cup-zh", "ls-teapot-celadon", "ls-bowl"}}},
	{"a Chinese word ranks the titles that hold it above the tags that do", discovery.Params{Q: "茶壶"},
		expect{lead: []string{"ls-teapot-zisha", "ys-teapot"}, tie: "宜兴紫砂茶壶 and 纯银茶壶 both hold 茶壶 in title and tags",
			only: []string{"ls-teapot-zisha", "ls-teapot-celadon", "ys-teapot"}}},
	{"two Chinese words typed without a space find a work that holds them apart", discovery.Params{Q: "青瓷茶壶"},
		expect{first: "ls-teapot-celadon", only: []string{"ls-teapot-celadon"}}},
	{"a two-word Chinese query finds the work with both", discovery.Params{Q: "青瓷 茶杯"},
		expect{first: "ls-cup-zh", only: []string{"ls-cup-zh"}}},
	{"a Chinese craft word finds its works", discovery.Params{Q: "刺绣"},
		// and, below them, the works that say embroidered in English
		expect{first: "sx-purse", lead: []string{"sx-purse", "sx-fan"},
			only: []string{"sx-purse", "sx-fan", "sx-hoop", "sx-hanky"}}},
	{"a Chinese food finds the handmade mooncakes first", discovery.Params{Q: "手工月饼"},
		expect{first: "ap-mooncake", only: []string{"ap-mooncake"}}},
	{"围巾 finds the hand-knitted scarf", discovery.Params{Q: "围巾"}, // then the English scarf
		expect{first: "nw-scarf-zh", only: []string{"nw-scarf-zh", "nw-scarf"}}},
	{"灯笼 finds the paper lanterns", discovery.Params{Q: "灯笼"}, // then the English lantern
		expect{first: "zj-lantern", only: []string{"zj-lantern", "zj-lantern-en"}}},
	{"花瓶 finds every vase", discovery.Params{Q: "花瓶"},
		expect{top3: "hg-vase-zh", tie: "琉璃花瓶 and 粗陶花瓶 both hold 花瓶 in title and tags",
			only: []string{"hg-vase-zh", "ls-vase", "hg-vase"}}},
	{"a maker's name finds the maker's works", discovery.Params{Q: "老周"},
		expect{only: []string{"lz-wallet-zh", "lz-wallet-en", "lz-cardholder", "lz-belt-en", "lz-belt-zh", "lz-keyring", "lz-tote"}}},

	// English
	{"a plural finds the singular in a title", discovery.Params{Q: "wallets"},
		// then what says 钱包 only: a coin purse, and the key ring made from wallet offcuts
		expect{first: "lz-wallet-en", lead: []string{"lz-wallet-en", "lz-wallet-zh"},
			only: []string{"lz-wallet-en", "lz-wallet-zh", "sx-purse", "lz-keyring"}}},
	{"teapots finds every teapot with the word", discovery.Params{Q: "teapots"},
		// then 宜兴紫砂茶壶, which says 茶壶 only
		expect{lead: []string{"ls-teapot-celadon", "ys-teapot"}, tie: "Celadon teapot and 纯银茶壶 Silver teapot hold teapot in title and tags alike",
			only: []string{"ls-teapot-celadon", "ys-teapot", "ls-teapot-zisha"}}},
	{"two English words find the work with both in its title", discovery.Params{Q: "leather wallet"},
		// then works that say both words in Chinese (牛皮, 钱包)
		expect{first: "lz-wallet-en", only: []string{"lz-wallet-en", "lz-keyring", "lz-wallet-zh"}}},
	{"wooden spoons finds the carved wooden spoon", discovery.Params{Q: "wooden spoons"},
		expect{first: "oi-spoon", only: []string{"oi-spoon", "oi-spoons-zh"}}}, // then 胡桃木汤勺
	{"paper lantern finds the lantern titled so", discovery.Params{Q: "paper lantern"},
		expect{first: "zj-lantern-en", only: []string{"zj-lantern-en", "zj-lantern"}}}, // 手工纸灯笼: tag lantern, maker 纸间 Paper Room
	{"glass vase finds the blown vase", discovery.Params{Q: "glass vase"},
		expect{first: "hg-vase", only: []string{"hg-vase", "hg-vase-zh"}}}, // then 琉璃花瓶
	{"knitted scarf finds the merino scarf", discovery.Params{Q: "knitted scarf"},
		expect{first: "nw-scarf", only: []string{"nw-scarf", "nw-scarf-zh"}}}, // then 手织羊毛围巾, tagged 针织
	{"jade pendant ranks the titled pendant first", discovery.Params{Q: "jade pendant"},
		expect{first: "ys-jade-en", only: []string{"ys-jade-en", "ys-jade"}}},
	{"silver ring ranks the ring with both words in its title first", discovery.Params{Q: "silver ring"},
		expect{first: "ys-ring-en", only: []string{"ys-ring-en", "ys-ring"}}},
	{"leather finds leather goods and a leather-bound notebook", discovery.Params{Q: "leather"},
		// first what says leather, then the leather category's Chinese works
		expect{lead: []string{"lz-wallet-en", "lz-cardholder", "lz-belt-en", "lz-keyring", "lz-tote", "zj-notebook"},
			only: []string{"lz-wallet-en", "lz-cardholder", "lz-belt-en", "lz-keyring", "lz-tote", "zj-notebook", "lz-wallet-zh", "lz-belt-zh"}}},

	// Mixed
	{"a mixed query matches English in materials and Chinese in the title", discovery.Params{Q: "silver 戒指"},
		expect{first: "ys-ring", only: []string{"ys-ring", "ys-ring-en"}}}, // then the silver ring in English
	{"a mixed title is found by its English words", discovery.Params{Q: "snow skin mooncakes"},
		expect{first: "ap-mooncake-en", only: []string{"ap-mooncake-en"}}},
	{"a mixed title is found by its Chinese words", discovery.Params{Q: "卡包"},
		expect{first: "lz-cardholder", only: []string{"lz-cardholder"}}},

	// Typos
	{"a typo in a longer word still finds it", discovery.Params{Q: "lether belt"},
		expect{first: "lz-belt-en", only: []string{"lz-belt-en", "lz-belt-zh"}}}, // then 植鞣牛皮腰带 (腰带; category leather)
	{"a dropped letter in celadon still finds the bowl", discovery.Params{Q: "celadn bowl"},
		expect{first: "ls-bowl", only: []string{"ls-bowl"}}},
	{"a typo ranks the right teapot first", discovery.Params{Q: "celadn teapot"},
		expect{first: "ls-teapot-celadon", only: []string{"ls-teapot-celadon"}}},
	{"a swapped pair of letters in embroidery still finds it", discovery.Params{Q: "embroidrey"},
		expect{top3: "sx-hoop", tie: "both embroidered works hold embroidery only in their tags",
			only: []string{"sx-hoop", "sx-hanky"}}},
}

var filterCases = []searchCase{
	{"a category narrows a word to that category", discovery.Params{Q: "cup", Category: "ceramics"},
		expect{first: "ls-cups", only: []string{"ls-cups", "ls-cup-zh", "ls-mug"}}}, // then 茶杯 and a mug
	{"a material lists every published work made of it", discovery.Params{Materials: []string{"silver"}},
		expect{only: []string{"ys-ring", "ys-earrings", "ys-bracelet", "ys-teapot"}}},
	{"two materials must both be there", discovery.Params{Materials: []string{"leather", "brass"}},
		expect{only: []string{"lz-belt-en"}}},
	{"a tag lists the works that carry it", discovery.Params{Tags: []string{"kitchen"}},
		expect{only: []string{"oi-spoon", "oi-board"}}},
	{"a price range keeps only the works priced within it", discovery.Params{Q: "leather", PriceMin: ptr[int64](10000), PriceMax: ptr[int64](40000)},
		expect{only: []string{"lz-cardholder", "lz-belt-en", "zj-notebook", "lz-belt-zh", "lz-wallet-zh"}}},
	{"the ends of a price range are included", discovery.Params{Category: "ceramics", PriceMin: ptr[int64](15800), PriceMax: ptr[int64](18800)},
		expect{only: []string{"ls-bowl", "ls-cup-zh"}}},
	{"out of stock lists the sold-out works and not made-to-order ones", discovery.Params{InStock: ptr(false)},
		expect{only: []string{"lz-tote", "ls-cups", "nw-beanie", "zj-cards", "hg-bird", "ap-mooncake-en"}}},
	{"in stock with a word drops the sold-out match", discovery.Params{Q: "mooncakes", InStock: ptr(true)},
		expect{only: []string{"ap-mooncake"}}}, // 月饼 in stock, not the sold-out snow skin mooncakes
	{"in stock counts made-to-order works as available", discovery.Params{Q: "茶壶", InStock: ptr(true)},
		expect{only: []string{"ls-teapot-zisha", "ls-teapot-celadon", "ys-teapot"}}},
	{"a category and a word together", discovery.Params{Q: "bowl", Category: "woodwork"},
		expect{first: "oi-bowl", only: []string{"oi-bowl"}}},
}

var sortCases = []searchCase{
	{"price ascending orders a category cheapest first", discovery.Params{Category: "ceramics", Sort: "price_asc"},
		expect{order: []string{"ls-mug", "ls-bowl", "ls-cup-zh", "ls-plate", "ls-cups", "ls-vase", "ls-teapot-celadon", "ls-teapot-zisha"}}},
	{"price descending orders a query's matches dearest first", discovery.Params{Q: "茶壶", Sort: "price_desc"},
		expect{order: []string{"ys-teapot", "ls-teapot-zisha", "ls-teapot-celadon"}}},
	{"price ascending orders a query's matches cheapest first", discovery.Params{Q: "leather", Sort: "price_asc"},
		expect{order: []string{"lz-keyring", "lz-cardholder", "zj-notebook", "lz-belt-zh", "lz-belt-en", "lz-wallet-zh", "lz-wallet-en", "lz-tote"}}},
	{"price descending with a material filter", discovery.Params{Materials: []string{"silver"}, Sort: "price_desc"},
		expect{order: []string{"ys-teapot", "ys-bracelet", "ys-ring", "ys-earrings"}}},
}

// draftQueries aim at the words of drafts and archived works.
var draftQueries = []discovery.Params{
	{Q: "prototype"}, {Q: "绝版"}, {Q: "旧款"}, {Q: "test firing"}, {Q: "样品"}, {Q: "银戒指样品"},
	{Q: "桂花糕"}, {Q: "试做"}, {Q: "牡丹"}, {Q: "屏风"}, {Q: "discontinued"}, {Q: "alpaca"},
	{Q: "seconds"}, {Q: "old speckled mug"}, {Q: "zip wallet"},
}

func TestSearchRanksTheBestWorkFirst(t *testing.T) {
	eachBackend(t, func(t *testing.T, svc *discovery.Service) {
		for _, c := range relevanceCases {
			t.Run(c.name, func(t *testing.T) { check(t, c, find(t, svc, c.p)) })
		}
	})
}

func TestSearchFiltersNarrowTheResults(t *testing.T) {
	eachBackend(t, func(t *testing.T, svc *discovery.Service) {
		for _, c := range filterCases {
			t.Run(c.name, func(t *testing.T) { check(t, c, find(t, svc, c.p)) })
		}
	})
}

func TestSearchSortsByPrice(t *testing.T) {
	eachBackend(t, func(t *testing.T, svc *discovery.Service) {
		for _, c := range sortCases {
			t.Run(c.name, func(t *testing.T) { check(t, c, find(t, svc, c.p)) })
		}
	})
}

func TestSearchCountsFacetsOverPublishedMatchesOnly(t *testing.T) {
	// Expected counts over every published work, from the corpus itself.
	// A value written in both scripts is one entry, shown as the form more
	// works use or, in a tie, the simplified one.
	shown := map[string]string{"蓼藍": "蓼蓝"}
	all := map[string]map[string]int{}
	published := 0
	for _, w := range corpusWorks() {
		if w.Status != work.StatusPublished {
			continue
		}
		published++
		count := func(facet, value string) {
			if all[facet] == nil {
				all[facet] = map[string]int{}
			}
			if s, ok := shown[value]; ok {
				value = s
			}
			all[facet][value]++
		}
		count("category", w.Category)
		for _, m := range w.Materials {
			count("materials", m)
		}
		for _, tag := range w.Tags {
			count("tags", tag)
		}
		count("in_stock", fmt.Sprint(w.InStock()))
		count("made_to_order", fmt.Sprint(w.MadeToOrder))
	}
	cases := []struct {
		name  string
		p     discovery.Params
		total int
		want  map[string]map[string]int // facets to compare; others are not checked
	}{
		{"facets over everything count each published work once", discovery.Params{Limit: 1}, published, all},
		{"facets of a word count its matches in every category", discovery.Params{Q: "leather"}, 8, map[string]map[string]int{
			"category":      {"leather": 7, "paper": 1},
			"in_stock":      {"true": 7, "false": 1},
			"made_to_order": {"false": 7, "true": 1},
		}},
		{"facets of a Chinese word count materials", discovery.Params{Q: "茶壶"}, 3, map[string]map[string]int{
			"category":  {"ceramics": 2, "metalwork": 1},
			"materials": {"紫砂": 1, "porcelain": 1, "celadon glaze": 1, "silver": 1},
			"in_stock":  {"true": 3},
		}},
		{"facets follow the filters", discovery.Params{Category: "jewelry"}, 6, map[string]map[string]int{
			"category":      {"jewelry": 6},
			"made_to_order": {"false": 5, "true": 1},
			"materials":     {"silver": 3, "999银": 1, "sterling silver": 2, "和田玉": 1, "红绳": 1, "jade": 1},
		}},
	}
	eachBackend(t, func(t *testing.T, svc *discovery.Service) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := find(t, svc, c.p)
				if res.Total != c.total {
					t.Errorf("Total = %d, want %d", res.Total, c.total)
				}
				for _, f := range discovery.WorkFacets {
					if _, ok := res.Facets[f]; !ok {
						t.Errorf("facet %s missing from %v", f, slices.Sorted(maps.Keys(res.Facets)))
					}
				}
				for _, f := range slices.Sorted(maps.Keys(c.want)) {
					if got := res.Facets[f]; !reflect.DeepEqual(got, c.want[f]) {
						t.Errorf("facet %s = %v, want %v", f, got, c.want[f])
					}
				}
			})
		}
	})
}

func TestSearchNeverReturnsDraftsOrArchivedWorks(t *testing.T) {
	var queries []discovery.Params
	for _, cs := range [][]searchCase{relevanceCases, filterCases, sortCases, shopperCases} {
		for _, c := range cs {
			queries = append(queries, c.p)
		}
	}
	queries = append(queries, draftQueries...)
	queries = append(queries, discovery.Params{}, discovery.Params{Sort: "popular"}, discovery.Params{Sort: "price_asc"},
		discovery.Params{Materials: []string{"porcelain"}}, discovery.Params{Category: "leather", InStock: ptr(false)})
	eachBackend(t, func(t *testing.T, svc *discovery.Service) {
		for _, p := range queries {
			res := find(t, svc, p)
			for _, c := range cards(res) {
				if c.Status != work.StatusPublished || !published(c.ID) {
					t.Errorf("%+v returned %s %q (status %q)", p, c.ID, c.Title, c.Status)
				}
			}
		}
		for _, p := range draftQueries {
			if res := find(t, svc, p); res.Total != 0 || len(res.Items) != 0 {
				t.Errorf("q %q: %d results %v, want none (only drafts and archived works hold it)", p.Q, res.Total, ids(res))
			}
		}
	})
}

// check compares a result with what a case expects.
func check(t *testing.T, c searchCase, res *discovery.Result) {
	t.Helper()
	got := ids(res)
	w := c.want
	if w.none && len(got) != 0 {
		t.Errorf("got %s, want no results", ranked(res))
	}
	if w.first != "" && (len(got) == 0 || got[0] != w.first) {
		t.Errorf("first is not %s: %s", w.first, ranked(res))
	}
	if n := len(w.lead); n > 0 && (len(got) < n || !slices.Equal(slices.Sorted(slices.Values(got[:n])), slices.Sorted(slices.Values(w.lead)))) {
		t.Errorf("the first %d are not %v (%s): %s", n, w.lead, w.tie, ranked(res))
	}
	if w.top3 != "" && !slices.Contains(got[:min(3, len(got))], w.top3) {
		t.Errorf("%s is not in the top 3 (%s): %s", w.top3, w.tie, ranked(res))
	}
	if w.only != nil {
		if s, want := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(w.only)); !slices.Equal(s, want) {
			t.Errorf("results %v, want exactly %v: %s", s, want, ranked(res))
		}
	}
	if w.order != nil && !slices.Equal(got, w.order) {
		t.Errorf("order %v, want %v", got, w.order)
	}
	if res.Total != len(got) {
		t.Errorf("Total = %d with %d results on one page", res.Total, len(got))
	}
}

// find runs a search for one page big enough for every match.
func find(t *testing.T, svc *discovery.Service, p discovery.Params) *discovery.Result {
	t.Helper()
	if p.Limit == 0 {
		p.Limit = 100
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := svc.Search(ctx, p)
	if err != nil {
		t.Fatalf("Search(%+v): %v", p, err)
	}
	return res
}

func cards(res *discovery.Result) []work.Card {
	out := make([]work.Card, 0, len(res.Items))
	for _, it := range res.Items {
		out = append(out, it.(work.Card))
	}
	return out
}

func ids(res *discovery.Result) []string {
	var out []string
	for _, c := range cards(res) {
		out = append(out, c.ID)
	}
	return out
}

// ranked lists the results for a failure message.
func ranked(res *discovery.Result) string {
	var b strings.Builder
	for i, c := range cards(res) {
		fmt.Fprintf(&b, "\n  %d. %s %q", i+1, c.ID, c.Title)
	}
	if b.Len() == 0 {
		return "no results"
	}
	return b.String()
}

// eachBackend runs fn against a freshly seeded Bleve index, and against
// Meilisearch when GUILDHALL_TEST_MEILI_URL is set.
func eachBackend(t *testing.T, fn func(t *testing.T, svc *discovery.Service)) {
	words := vocabulary(t)
	t.Run("bleve", func(t *testing.T) {
		ix, err := bleve.Open(t.TempDir(), bleve.WithVocabulary(words))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		fn(t, newService(t, seed(t, ix)))
	})
	t.Run("meilisearch", func(t *testing.T) {
		url := os.Getenv("GUILDHALL_TEST_MEILI_URL")
		if url == "" {
			t.Skip("no Meilisearch binary on this machine; set GUILDHALL_TEST_MEILI_URL")
		}
		key := os.Getenv("GUILDHALL_TEST_MEILI_KEY")
		prefix := fmt.Sprintf("gh-relevance-%d-", time.Now().UnixNano())
		ix, err := meili.New(url, key, meili.WithPrefix(prefix), meili.WithTimeout(30*time.Second), meili.WithVocabulary(words))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			defer ix.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var opts []meilisearch.Option
			if key != "" {
				opts = append(opts, meilisearch.WithAPIKey(key))
			}
			sm := meilisearch.New(url, opts...)
			defer sm.Close()
			info, err := sm.DeleteIndex(ctx, ix.UID(work.SearchKind))
			if err == nil {
				_, err = sm.WaitForTask(ctx, info.TaskUID, 50*time.Millisecond)
			}
			if err != nil {
				t.Errorf("delete index %s: %v", ix.UID(work.SearchKind), err)
			}
		})
		fn(t, newService(t, seed(t, ix)))
	})
}

// vocabulary is the project's shoppers' vocabulary, as the app loads it.
func vocabulary(t testing.TB) *vocab.Vocabulary {
	t.Helper()
	v, err := vocab.Load(web.Locales(), "vocabulary.json")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// newService is discovery over ix. Search reads only the index; the
// database (the discover page's snapshots) is never reached, so the client
// points nowhere and never connects.
func newService(t testing.TB, ix search.Index) *discovery.Service {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Disconnect(context.Background()) })
	return discovery.New(client.Database("relevance"), discovery.Deps{Index: ix}) // search of works and makers needs no more
}

// seed declares the real works schema and indexes the corpus.
func seed(t *testing.T, ix search.Index) search.Index {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := ix.EnsureSchema(ctx, work.SearchSchema); err != nil {
		t.Fatalf("EnsureSchema: %v", err)
	}
	if err := ix.Upsert(ctx, work.SearchKind, corpusDocuments()...); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	return ix
}
