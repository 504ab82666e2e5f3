package meili

import (
	"context"
	"reflect"
	"testing"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/searchtest"
	"guildhall/internal/platform/search/vocab"
	"guildhall/web"
)

// What the shoppers' issue changes in the requests the adapter sends and in
// how it reads the answers, checked against the fake.

func TestEnsureSchemaSendsTheVocabularyAsSynonyms(t *testing.T) {
	v, err := vocab.Load(web.Locales(), "vocabulary.json")
	if err != nil {
		t.Fatal(err)
	}
	f, srv := newFake(t, "t-works")
	x := newTestIndex(t, srv.URL, WithVocabulary(v))
	if err := x.EnsureSchema(context.Background(), searchtest.WorksSchema()); err != nil {
		t.Fatal(err)
	}
	settings := f.body(t, "PATCH", "/indexes/t-works/settings").(map[string]any)
	sent, _ := settings["synonyms"].(map[string]any)
	want := v.Synonyms()
	if len(sent) != len(want) {
		t.Fatalf("synonyms hold %d words, want the vocabulary's %d", len(sent), len(want))
	}
	for word, related := range map[string][]any{
		"皮夹":        {"钱包", "钱夹", "皮夹子", "wallet", "billfold"},
		"moon cake": {"月饼", "mooncake"},
		"mooncakes": {"月饼", "moon cake"},
		"teapot":    {"茶壶", "tea pot"},
	} {
		if got := sent[word]; !reflect.DeepEqual(got, related) {
			t.Errorf("synonyms[%q] = %v, want %v", word, got, related)
		}
	}
}

func TestUpsertSendsFoldedCopiesOfWhatFoldingChangesAndOfChineseFilterValues(t *testing.T) {
	f, srv := newFake(t, "t-works")
	x := newTestIndex(t, srv.URL)
	if err := x.EnsureSchema(context.Background(), searchtest.WorksSchema()); err != nil {
		t.Fatal(err)
	}
	err := x.Upsert(context.Background(), "works",
		search.Document{"id": "w7", "title": "柴燒茶壺", "maker_name": "陶心窯", "description": "手工拉坯",
			"tags": []string{"茶壺", "teapot"}, "category": "kitchen", "slug": "柴燒茶壺"},
		search.Document{"id": "w8", "title": "Stoneware tea pot", "tags": []string{"茶壶"}, "maker": "m3"},
		search.Document{"id": "w1", "title": "Leather wallet", "tags": []string{"leather"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	docs := f.body(t, "POST", "/indexes/t-works/documents").([]any)
	want := []any{
		// title and maker_name change; the simplified description does not
		// (searched only); the tags are filterable and not ASCII; the slug is
		// neither searched nor filtered.
		map[string]any{"_folded": map[string]any{"title": "柴烧茶壶", "maker_name": "陶心窑", "tags": []any{"茶壶", "teapot"}}},
		map[string]any{"_folded": map[string]any{"tags": []any{"茶壶"}}},
		nil,
	}
	for i, d := range docs {
		got := d.(map[string]any)["_folded"]
		var w any
		if want[i] != nil {
			w = want[i].(map[string]any)["_folded"]
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("document %d _folded = %v, want %v", i, got, w)
		}
	}
	if title := docs[0].(map[string]any)["title"]; title != "柴燒茶壺" {
		t.Errorf("title sent as %q, want it as written", title)
	}
}

func TestSearchFoldsTheQueryAndSendsChineseFilterValuesToTheFoldedCopies(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[],"estimatedTotalHits":0}`
	x := newTestIndex(t, srv.URL)
	_, err := x.Search(context.Background(), "works", search.Query{
		Text: "柴燒 茶壺",
		Filters: []search.Filter{
			{Field: "tags", Values: []any{"茶壺"}},
			{Field: "materials", Values: []any{"clay", "紫砂", "陶"}},
			{Field: "maker", Values: []any{"m1"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any)
	if body["q"] != "柴烧 茶壶" {
		t.Errorf("q = %q, want it folded", body["q"])
	}
	want := `(tags = "茶壺" OR _folded.tags = "茶壶") AND (materials IN ["clay", "紫砂", "陶"] OR _folded.materials IN ["紫砂", "陶"]) AND maker = "m1"`
	if body["filter"] != want {
		t.Errorf("filter = %s\nwant     %s", body["filter"], want)
	}
}

func TestSearchSendsWordsAsTypedForMeilisearchToJoinAndSplit(t *testing.T) {
	// Meilisearch joins neighbouring query words (moon cake → mooncake) and
	// splits a word into two it knows (teapot → tea pot) by itself; the
	// adapter must leave the words as typed for it to do so.
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[],"estimatedTotalHits":0}`
	x := newTestIndex(t, srv.URL)
	for _, q := range []string{"moon cake", "teapot"} {
		if _, err := x.Search(context.Background(), "works", search.Query{Text: q}); err != nil {
			t.Fatal(err)
		}
		if body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any); body["q"] != q || body["matchingStrategy"] != "all" {
			t.Errorf("body = %v, want q %q as typed and every word required", body, q)
		}
	}
}

func TestAMatchInTheFoldedCopyIsHighlightedOnTheTextAsWritten(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[
		{"id":"w7","title":"柴燒茶壺 <b>","tags":["茶壺","柴燒"],"_folded":{"title":"柴烧茶壶 <b>","tags":["茶壶","柴烧"]},
		 "_formatted":{"id":"w7","title":"柴燒茶壺 <b>","tags":["茶壺","柴燒"],
		   "_folded":{"title":"\ue000mark\ue001柴烧\ue000/mark\ue001茶壶 <b>","tags":["茶壶","\ue000mark\ue001柴烧\ue000/mark\ue001"]}}},
		{"id":"w3","title":"手工 teapot","_formatted":{"id":"w3","title":"手工 \ue000mark\ue001teapot\ue000/mark\ue001"}}
	],"estimatedTotalHits":2}`
	x := newTestIndex(t, srv.URL)
	res, err := x.Search(context.Background(), "works", search.Query{Text: "柴烧", Highlight: []string{"title", "tags"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"title": "<mark>柴燒</mark>茶壺 &lt;b&gt;", "tags": "茶壺, <mark>柴燒</mark>"}
	if got := res.Hits[0].Highlights; !reflect.DeepEqual(got, want) {
		t.Errorf("highlights = %q, want %q", got, want)
	}
	if got := res.Hits[1].Highlights; got["title"] != "手工 <mark>teapot</mark>" {
		t.Errorf("highlights without a copy = %q", got)
	}
	if _, ok := res.Hits[0].Document["_folded"]; ok {
		t.Errorf("document = %v, want it without the folded copy", res.Hits[0].Document)
	}
}

func TestFacetCountsMergeAcrossScripts(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[],"estimatedTotalHits":5,
		"facetDistribution":{"tags":{"茶壶":1,"茶壺":3,"teapot":1},"category":{"kitchen":5}}}`
	x := newTestIndex(t, srv.URL)
	res, err := x.Search(context.Background(), "works", search.Query{Facets: []string{"tags", "category"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int{"tags": {"茶壺": 4, "teapot": 1}, "category": {"kitchen": 5}}
	if !reflect.DeepEqual(res.Facets, want) {
		t.Errorf("facets = %v, want %v", res.Facets, want)
	}
}

func TestSuggestFoldsThePrefixAndSuggestsATitleOnceInEitherScript(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[
		{"title":"柴燒茶壺","_formatted":{"title":"柴燒茶壺","_folded":{"title":"\ue000mark\ue001柴烧\ue000/mark\ue001茶壶"}}},
		{"title":"柴烧茶壶","_formatted":{"title":"\ue000mark\ue001柴烧\ue000/mark\ue001茶壶"}},
		{"tags":["茶壺","柴燒"],"_formatted":{"tags":["茶壺","柴燒"],"_folded":{"tags":["茶壶","\ue000mark\ue001柴烧\ue000/mark\ue001"]}}}
	],"estimatedTotalHits":3}`
	x := newTestIndex(t, srv.URL)
	got, err := x.Suggest(context.Background(), "works", "柴燒", "title", 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"柴燒茶壺"}; !reflect.DeepEqual(got, want) {
		t.Errorf("titles = %q, want %q", got, want)
	}
	if body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any); body["q"] != "柴烧" {
		t.Errorf("q = %q, want it folded", body["q"])
	}
	tags, err := x.Suggest(context.Background(), "works", "柴燒", "tags", 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"柴燒"}; !reflect.DeepEqual(tags, want) {
		t.Errorf("tags = %q, want only the element matched in the copy, %q", tags, want)
	}
}
