package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"guildhall/internal/testrig"
)

func searchIDs(t *testing.T, c *testrig.Client, query string) ([]string, map[string]map[string]int) {
	t.Helper()
	r := c.Do("GET", "/api/v1/search?"+query, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("search %s: %d %s", query, r.Status, r.Body)
	}
	var out struct {
		Items []struct {
			ID     string
			Title  string
			Handle string
		}
		Facets map[string]map[string]int
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range out.Items {
		ids = append(ids, it.Title+it.Handle)
	}
	return ids, out.Facets
}

func TestSearchFindsWorksInChineseAndEnglishAndNeverDrafts(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	m := openStudio(t, rig, "hz_leather")
	for _, w := range []map[string]any{
		{"title": "手工牛皮钱包", "category": "leather", "materials": []string{"牛皮"}, "price": map[string]any{"amount": 12900}, "stock": 2, "tags": []string{"钱包"}, "status": "published"},
		{"title": "Leather wallet", "category": "leather", "materials": []string{"leather"}, "price": map[string]any{"amount": 9900}, "stock": 0, "status": "published"},
		{"title": "Celadon tea cup", "category": "ceramics", "materials": []string{"clay"}, "price": map[string]any{"amount": 16800}, "stock": 5, "status": "published"},
		{"title": "Secret leather prototype", "category": "leather", "price": map[string]any{"amount": 1}, "status": "draft"},
		{"title": "Old leather belt", "category": "leather", "price": map[string]any{"amount": 5000}, "status": "archived"},
	} {
		createWork(t, m, w)
	}
	c := rig.Client(t)
	cases := []struct {
		name, query string
		want        []string
	}{
		{"a Chinese word is found inside a longer run", "q=牛皮", []string{"手工牛皮钱包"}},
		// then the Chinese wallet: 钱包 is wallet in the vocabulary, and it is in the leather category
		{"an English plural finds the singular", "q=wallets", []string{"Leather wallet", "手工牛皮钱包"}},
		{"a typo in a longer word still finds it", "q=lether", []string{"Leather wallet", "手工牛皮钱包"}},
		{"a category narrows the list", "category=ceramics", []string{"Celadon tea cup"}},
		{"a price range in minor units", "price_min=10000&price_max=13000", []string{"手工牛皮钱包"}},
		{"in stock leaves out sold-out works", "category=leather&in_stock=true", []string{"手工牛皮钱包"}},
		{"price ascending", "sort=price_asc", []string{"Leather wallet", "手工牛皮钱包", "Celadon tea cup"}},
		{"a material filter", "materials=clay", []string{"Celadon tea cup"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := searchIDs(t, c, tc.query)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("%s: got %v, want %v", tc.query, got, tc.want)
			}
		})
	}
	for _, q := range []string{"q=secret", "q=prototype", "q=belt", "q=leather", "category=leather", "sort=price_asc", "q=old"} {
		got, facets := searchIDs(t, c, q)
		for _, title := range got {
			if strings.Contains(title, "Secret") || strings.Contains(title, "belt") {
				t.Errorf("%s returned a draft or archived work: %v", q, got)
			}
		}
		if facets["category"]["leather"] > 2 {
			t.Errorf("%s: facet counts include hidden works: %v", q, facets["category"])
		}
	}
	_, facets := searchIDs(t, c, "")
	if facets["category"]["leather"] != 2 || facets["category"]["ceramics"] != 1 {
		t.Errorf("category facets %v", facets["category"])
	}
	if got, _ := searchIDs(t, c, "type=makers&q=hz_leather"); len(got) != 1 || got[0] != "hz_leather" {
		t.Errorf("maker search: %v", got)
	}
	steps.run(c, []scenario{
		{Name: "an unknown type is named", Method: "GET", Path: "/api/v1/search?type=planets", Status: 422,
			Expected: []string{`"type":`}},
		{Name: "a bad price is named", Method: "GET", Path: "/api/v1/search?price_min=cheap", Status: 422,
			Expected: []string{`"price_min":`}},
		{Name: "a reversed range is named", Method: "GET", Path: "/api/v1/search?price_min=500&price_max=100",
			Status: 422, Expected: []string{`"price_min":`}},
		{Name: "an unknown sort is named", Method: "GET", Path: "/api/v1/search?sort=random", Status: 422,
			Expected: []string{`"sort":`}},
		{Name: "the search page renders in Chinese", Method: "GET", Path: "/search?q=牛皮&lang=zh-CN", Status: 200,
			Expected: []string{"手工<mark>牛皮</mark>钱包", "共 1 个结果", "皮具"}},
		{Name: "a bad price on the page is shown, not a 500", Method: "GET", Path: "/search?min=abc", Status: 422,
			Expected: []string{"field-error"}},
	})
}

func TestSearchMarksMatchesAndSuggestsAsYouType(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	m := openStudio(t, rig, "marker")
	createWork(t, m, map[string]any{"title": "Leather <b>bold</b> wallet", "category": "leather", "price": map[string]any{"amount": 100}, "status": "published"})
	createWork(t, m, map[string]any{"title": "手工牛皮钱包", "category": "leather", "price": map[string]any{"amount": 100}, "status": "published"})
	createWork(t, m, map[string]any{"title": "Leather draft", "category": "leather", "price": map[string]any{"amount": 100}, "status": "draft"})
	c := rig.Client(t)
	steps.run(c, []scenario{
		{Name: "a match is marked and the rest escaped", Method: "GET", Path: "/api/v1/search?q=wallet", Status: 200,
			Expected: []string{`"highlights":{"title":"Leather \u0026lt;b\u0026gt;bold\u0026lt;/b\u0026gt; \u003cmark\u003ewallet\u003c/mark\u003e"}`}},
		{Name: "the page shows the mark and no raw tag", Method: "GET", Path: "/search?q=牛皮", Status: 200,
			Expected: []string{"手工<mark>牛皮</mark>钱包"}},
		{Name: "suggestions complete the last word", Method: "GET", Path: "/api/v1/search/suggest?q=lea", Status: 200,
			Expected: []string{`"Leather \u003cb\u003ebold\u003c/b\u003e wallet"`}},
		{Name: "suggestions work in Chinese", Method: "GET", Path: "/api/v1/search/suggest?q=牛", Status: 200,
			Expected: []string{`"手工牛皮钱包"`}},
		{Name: "suggestions for makers", Method: "GET", Path: "/api/v1/search/suggest?type=makers&q=stu", Status: 200,
			Expected: []string{`"Studio marker"`}},
		{Name: "an unknown type is named", Method: "GET", Path: "/api/v1/search/suggest?type=x&q=a", Status: 422,
			Expected: []string{`"type":`}},
		{Name: "a draft is never suggested", Method: "GET", Path: "/api/v1/search/suggest?q=leather", Status: 200,
			NotExpected: []string{"draft"}},
		{Name: "a title's markup reaches the page escaped", Method: "GET", Path: "/search?q=bold", Status: 200,
			NotExpected: []string{"<b>bold</b>"}},
	})
}

func TestSearchNarrowsByMakerLocationAndFindsPublicCollections(t *testing.T) {
	rig := testrig.MustStart(t)
	hz := openStudio(t, rig, "hz_maker") // in 杭州
	lisbon := rig.Client(t)
	lisbon.SignUp("lisbon_maker")
	lisbon.Do("PUT", "/api/v1/me/studio", map[string]any{"name": "Azulejo", "location": "Lisbon"})
	createWork(t, hz, merge(wallet("published"), "title", "Hangzhou wallet"))
	createWork(t, lisbon, merge(merge(wallet("published"), "title", "Lisbon tile"), "made_to_order", true))
	c := rig.Client(t)
	got, facets := searchIDs(t, c, "location=Lisbon")
	if strings.Join(got, "|") != "Lisbon tile" || facets["maker_location"]["Lisbon"] != 1 {
		t.Fatalf("by location: %v, facets %v", got, facets["maker_location"])
	}
	if got, _ := searchIDs(t, c, "made_to_order=true"); strings.Join(got, "|") != "Lisbon tile" {
		t.Fatalf("made to order: %v", got)
	}
	hz.Do("POST", "/api/v1/collections", map[string]any{"title": "Public picks"})
	hz.Do("POST", "/api/v1/collections", map[string]any{"title": "Private picks", "visibility": "private"})
	r := c.Do("GET", "/api/v1/search?type=collections&q=picks", nil)
	if !strings.Contains(string(r.Body), "Public picks") || strings.Contains(string(r.Body), "Private picks") {
		t.Fatalf("collections search: %s", r.Body)
	}
}
