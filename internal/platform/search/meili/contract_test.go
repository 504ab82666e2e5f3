package meili

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/searchtest"
)

func newTestIndex(t *testing.T, url string, opts ...Option) *Index {
	t.Helper()
	x, err := New(url, "secret", append([]Option{WithPrefix("t-"), WithTaskPoll(time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func wantCalls(t *testing.T, f *fakeMeili, want ...string) {
	t.Helper()
	if got := f.calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests:\n got %q\nwant %q", got, want)
	}
}

func TestEnsureSchemaCreatesTheIndexWithPrimaryKeyIDAndSendsTheSettings(t *testing.T) {
	f, srv := newFake(t)
	x := newTestIndex(t, srv.URL)
	if err := x.EnsureSchema(context.Background(), searchtest.WorksSchema()); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f,
		"GET /indexes/t-works",
		"POST /indexes",
		"GET /tasks/1",
		"PATCH /indexes/t-works/settings",
		"GET /tasks/2",
	)
	if got, want := f.body(t, "POST", "/indexes"), map[string]any{"uid": "t-works", "primaryKey": "id"}; !reflect.DeepEqual(got, want) {
		t.Errorf("create body = %v, want %v", got, want)
	}
	settings := f.body(t, "PATCH", "/indexes/t-works/settings").(map[string]any)
	s := searchtest.WorksSchema()
	for key, want := range map[string][]string{
		// each field followed by its folded copy (fold.go)
		"searchableAttributes": {"title", "_folded.title", "maker_name", "_folded.maker_name", "description", "_folded.description", "tags", "_folded.tags"},
		"filterableAttributes": {"maker", "_folded.maker", "tags", "_folded.tags", "price", "_folded.price", "in_stock", "_folded.in_stock", "category", "_folded.category"},
		"sortableAttributes":   s.Sortable,
		"rankingRules":         s.RankingRules,
	} {
		wantAny := make([]any, len(want))
		for i, w := range want {
			wantAny[i] = w
		}
		if !reflect.DeepEqual(settings[key], wantAny) {
			t.Errorf("%s = %v, want %v", key, settings[key], want)
		}
	}
	faceting, _ := settings["faceting"].(map[string]any)
	if faceting["maxValuesPerFacet"] != float64(100) {
		t.Errorf("faceting = %v, want maxValuesPerFacet 100", settings["faceting"])
	}
	if auth := f.requests[0].Auth; auth != "Bearer secret" {
		t.Errorf("Authorization = %q", auth)
	}
	if _, ok := settings["synonyms"]; ok {
		t.Errorf("synonyms = %v without a vocabulary, want none sent", settings["synonyms"])
	}
}

func TestEnsureSchemaOnAnExistingIndexOnlyUpdatesTheSettings(t *testing.T) {
	f, srv := newFake(t, "t-works")
	x := newTestIndex(t, srv.URL)
	if err := x.EnsureSchema(context.Background(), searchtest.WorksSchema()); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, "GET /indexes/t-works", "PATCH /indexes/t-works/settings", "GET /tasks/1")
}

func TestUpsertPostsDocumentsWithPrimaryKeyIDAndWaitsForTheTask(t *testing.T) {
	f, srv := newFake(t, "t-works")
	x := newTestIndex(t, srv.URL)
	err := x.Upsert(context.Background(), "works",
		search.Document{"id": "w1", "title": "Wallet", "price": 45},
		search.Document{"id": "u1:m2", "title": "Edge"},
	)
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, "GET /indexes/t-works", "POST /indexes/t-works/documents?primaryKey=id", "GET /tasks/1")
	want := []any{
		map[string]any{"id": "w1", "title": "Wallet", "price": float64(45)},
		map[string]any{"id": "u1_3Am2", "title": "Edge"},
	}
	if got := f.body(t, "POST", "/indexes/t-works/documents"); !reflect.DeepEqual(got, want) {
		t.Errorf("documents = %v, want %v", got, want)
	}
}

func TestAFailedTaskIsAnError(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.failTasks = "invalid_document_id"
	x := newTestIndex(t, srv.URL)
	err := x.Upsert(context.Background(), "works", search.Document{"id": "w1"})
	if err == nil || !strings.Contains(err.Error(), "invalid_document_id") || !strings.Contains(err.Error(), "search works") {
		t.Errorf("err = %v, want a wrapped invalid_document_id task failure", err)
	}
}

func TestWritingToAnUndeclaredKindIsErrUnknownKindAndSendsNoDocuments(t *testing.T) {
	f, srv := newFake(t)
	x := newTestIndex(t, srv.URL)
	err := x.Upsert(context.Background(), "works", search.Document{"id": "w1"})
	if !errors.Is(err, search.ErrUnknownKind) {
		t.Errorf("Upsert err = %v, want ErrUnknownKind", err)
	}
	if err := x.Delete(context.Background(), "works", "w1"); !errors.Is(err, search.ErrUnknownKind) {
		t.Errorf("Delete err = %v, want ErrUnknownKind", err)
	}
	wantCalls(t, f, "GET /indexes/t-works", "GET /indexes/t-works")
}

func TestDeletePostsTheEncodedIDsAndWaits(t *testing.T) {
	f, srv := newFake(t, "t-works")
	x := newTestIndex(t, srv.URL)
	if err := x.Delete(context.Background(), "works", "w1", "u1:m2"); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, "GET /indexes/t-works", "POST /indexes/t-works/documents/delete-batch", "GET /tasks/1")
	if got, want := f.body(t, "POST", "/indexes/t-works/documents/delete-batch"), []any{"w1", "u1_3Am2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ids = %v, want %v", got, want)
	}
}

func TestSearchSendsTextFiltersSortFacetsAndPageAndMapsTheAnswer(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[{"id":"w1","title":"Wallet","price":45,"tags":["a"]},{"id":"u1_3Am2"}],
		"query":"leather","processingTimeMs":1,"limit":12,"offset":24,"estimatedTotalHits":37,
		"facetDistribution":{"category":{"accessories":3,"kitchen":1}}}`
	x := newTestIndex(t, srv.URL)
	res, err := x.Search(context.Background(), "works", search.Query{
		Text: "leather",
		Filters: []search.Filter{
			{Field: "maker", Values: []any{"m1"}},
			{Field: "tags", Values: []any{"a", "b"}},
			{Field: "price", Min: ptr(10), Max: ptr(20.5)},
			{Field: "in_stock", Values: []any{true}},
			{Field: "title", Values: []any{`va"lue`}},
		},
		Sort:   []search.Sort{{Field: "price", Desc: true}, {Field: "created"}},
		Facets: []string{"category", "maker"},
		Offset: 24,
		Limit:  12,
	})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, "POST /indexes/t-works/search")
	body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any)
	want := map[string]any{
		"q":                "leather",
		"filter":           `maker = "m1" AND tags IN ["a", "b"] AND price >= 10 AND price <= 20.5 AND in_stock = true AND title = "va\"lue"`,
		"sort":             []any{"price:desc", "created:asc"},
		"facets":           []any{"category", "maker"},
		"offset":           float64(24),
		"limit":            float64(12),
		"matchingStrategy": "all",
	}
	for k, w := range want {
		if !reflect.DeepEqual(body[k], w) {
			t.Errorf("body[%s] = %#v, want %#v", k, body[k], w)
		}
	}
	if got := searchtest.IDs(res); !reflect.DeepEqual(got, []string{"w1", "u1:m2"}) {
		t.Errorf("ids = %v", got)
	}
	if res.Total != 37 || res.Hits[0].Document["price"] != float64(45) || res.Hits[1].Document.ID() != "u1:m2" {
		t.Errorf("result = %+v", res)
	}
	wantFacets := map[string]map[string]int{"category": {"accessories": 3, "kitchen": 1}, "maker": {}}
	if !reflect.DeepEqual(res.Facets, wantFacets) {
		t.Errorf("facets = %v, want %v", res.Facets, wantFacets)
	}
}

func TestSearchWithoutLimitAsksForTheDefaultPage(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[],"estimatedTotalHits":0}`
	x := newTestIndex(t, srv.URL)
	if _, err := x.Search(context.Background(), "works", search.Query{}); err != nil {
		t.Fatal(err)
	}
	body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any)
	if body["limit"] != float64(search.DefaultLimit) || body["filter"] != nil || body["q"] != "" {
		t.Errorf("body = %v", body)
	}
}

func TestSearchWithHighlightAsksForSentinelTagsAndEscapesFormattedText(t *testing.T) {
	f, srv := newFake(t, "t-works")
	// Meilisearch puts its tags into _formatted and leaves the rest as the
	// document holds it, markup included.
	f.searchReply = `{"hits":[
		{"id":"w1","title":"<script>x</script> Leather & <mark>wood</mark>","description":"Oiled",
		 "_formatted":{"id":"w1","title":"<script>x</script> \ue000mark\ue001Leather\ue000/mark\ue001 & <mark>wood</mark>","description":"Oiled"}},
		{"id":"w2","title":"Tags","tags":["leather","wallet"],
		 "_formatted":{"id":"w2","title":"Tags","tags":["\ue000mark\ue001leather\ue000/mark\ue001","wallet"]}}
	],"estimatedTotalHits":2}`
	x := newTestIndex(t, srv.URL)
	res, err := x.Search(context.Background(), "works", search.Query{Text: "leather", Highlight: []string{"title", "description", "tags"}})
	if err != nil {
		t.Fatal(err)
	}
	body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any)
	want := map[string]any{
		"attributesToHighlight": []any{"title", "_folded.title", "description", "_folded.description", "tags", "_folded.tags"},
		"highlightPreTag":       "\ue000mark\ue001",
		"highlightPostTag":      "\ue000/mark\ue001",
	}
	for k, w := range want {
		if !reflect.DeepEqual(body[k], w) {
			t.Errorf("body[%s] = %q, want %q", k, body[k], w)
		}
	}
	if len(res.Hits) != 2 {
		t.Fatalf("hits = %v", searchtest.IDs(res))
	}
	wantHL := map[string]string{"title": "&lt;script&gt;x&lt;/script&gt; <mark>Leather</mark> &amp; &lt;mark&gt;wood&lt;/mark&gt;"}
	if got := res.Hits[0].Highlights; !reflect.DeepEqual(got, wantHL) {
		t.Errorf("highlights = %q, want %q", got, wantHL)
	}
	if got, want := res.Hits[1].Highlights, map[string]string{"tags": "<mark>leather</mark>, wallet"}; !reflect.DeepEqual(got, want) {
		t.Errorf("list highlights = %q, want %q", got, want)
	}
	if _, ok := res.Hits[0].Document["_formatted"]; ok || res.Hits[0].Document["title"] != "<script>x</script> Leather & <mark>wood</mark>" {
		t.Errorf("document = %q, want the stored fields without _formatted", res.Hits[0].Document)
	}
}

func TestSearchWithoutHighlightAsksForNone(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[{"id":"w1","title":"Wallet"}],"estimatedTotalHits":1}`
	x := newTestIndex(t, srv.URL)
	res, err := x.Search(context.Background(), "works", search.Query{Text: "wallet"})
	if err != nil {
		t.Fatal(err)
	}
	body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any)
	for _, k := range []string{"attributesToHighlight", "highlightPreTag", "highlightPostTag"} {
		if v, ok := body[k]; ok {
			t.Errorf("body[%s] = %v, want it absent", k, v)
		}
	}
	if res.Hits[0].Highlights != nil {
		t.Errorf("highlights = %q", res.Hits[0].Highlights)
	}
}

func TestSuggestSearchesThePrefixOnTheFieldAndReturnsDistinctValues(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[
		{"title":"Leather belt","_formatted":{"title":"\ue000mark\ue001Leath\ue000/mark\ue001er belt"}},
		{"title":"Leather belt","_formatted":{"title":"\ue000mark\ue001Leath\ue000/mark\ue001er belt"}},
		{"title":"<b>Leather</b> & apron","_formatted":{"title":"<b>\ue000mark\ue001Leath\ue000/mark\ue001er</b> & apron"}},
		{"title":"Leather wallet","_formatted":{"title":"\ue000mark\ue001Leath\ue000/mark\ue001er wallet"}}
	],"estimatedTotalHits":4}`
	x := newTestIndex(t, srv.URL)
	got, err := x.Suggest(context.Background(), "works", "leath", "title", 2, []search.Filter{{Field: "maker", Values: []any{"m1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Leather belt", "<b>Leather</b> & apron"}; !reflect.DeepEqual(got, want) {
		t.Errorf("suggestions = %q, want %q (distinct, raw text, at most 2)", got, want)
	}
	wantCalls(t, f, "POST /indexes/t-works/search")
	body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any)
	want := map[string]any{
		"q":                     "leath",
		"limit":                 float64(4),
		"attributesToRetrieve":  []any{"title", "_folded.title"},
		"attributesToSearchOn":  []any{"title", "_folded.title"},
		"attributesToHighlight": []any{"title", "_folded.title"},
		"highlightPreTag":       "\ue000mark\ue001",
		"highlightPostTag":      "\ue000/mark\ue001",
		"matchingStrategy":      "all",
		"filter":                `maker = "m1"`,
	}
	for k, w := range want {
		if !reflect.DeepEqual(body[k], w) {
			t.Errorf("body[%s] = %#v, want %#v", k, body[k], w)
		}
	}
	delete(body, "hybrid") // the client always sends "hybrid": null
	if len(body) != len(want) {
		t.Errorf("body = %v, want only %v", body, want)
	}
}

func TestSuggestFromAListFieldKeepsOnlyTheMatchingElements(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.searchReply = `{"hits":[
		{"tags":["leather","wallet"],"_formatted":{"tags":["\ue000mark\ue001lea\ue000/mark\ue001ther","wallet"]}},
		{"tags":["lead","leather"],"_formatted":{"tags":["\ue000mark\ue001lea\ue000/mark\ue001d","\ue000mark\ue001lea\ue000/mark\ue001ther"]}}
	],"estimatedTotalHits":2}`
	x := newTestIndex(t, srv.URL)
	got, err := x.Suggest(context.Background(), "works", "lea", "tags", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"leather", "lead"}; !reflect.DeepEqual(got, want) {
		t.Errorf("suggestions = %q, want %q", got, want)
	}
	body := f.body(t, "POST", "/indexes/t-works/search").(map[string]any)
	if body["limit"] != float64(2*search.DefaultSuggestLimit) {
		t.Errorf("limit = %v, want twice the default", body["limit"])
	}
}

func TestSuggestForAnEmptyPrefixSendsNothing(t *testing.T) {
	f, srv := newFake(t, "t-works")
	x := newTestIndex(t, srv.URL)
	got, err := x.Suggest(context.Background(), "works", "  ", "title", 5, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Suggest(\"  \") = %q, %v", got, err)
	}
	if calls := f.calls(); len(calls) != 0 {
		t.Errorf("requests = %q, want none", calls)
	}
}

func TestSearchingAMissingIndexIsErrUnknownKind(t *testing.T) {
	_, srv := newFake(t)
	x := newTestIndex(t, srv.URL)
	_, err := x.Search(context.Background(), "works", search.Query{})
	if !errors.Is(err, search.ErrUnknownKind) {
		t.Errorf("err = %v, want ErrUnknownKind", err)
	}
}

func TestPingAsksForHealthAndFailsAfterClose(t *testing.T) {
	f, srv := newFake(t)
	x := newTestIndex(t, srv.URL)
	if err := x.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantCalls(t, f, "GET /health")
	x.Close()
	if err := x.Ping(context.Background()); err == nil {
		t.Error("Ping after Close: no error")
	}
}

func TestAServerThatDoesNotAnswerFailsWithinTheDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	x := newTestIndex(t, srv.URL, WithTimeout(300*time.Millisecond))

	calls := map[string]func(ctx context.Context) error{
		"Ping":         x.Ping,
		"EnsureSchema": func(ctx context.Context) error { return x.EnsureSchema(ctx, searchtest.WorksSchema()) },
		"Upsert":       func(ctx context.Context) error { return x.Upsert(ctx, "works", search.Document{"id": "w1"}) },
		"Delete":       func(ctx context.Context) error { return x.Delete(ctx, "works", "w1") },
		"Search": func(ctx context.Context) error {
			_, err := x.Search(ctx, "works", search.Query{Text: "x"})
			return err
		},
		"Suggest": func(ctx context.Context) error {
			_, err := x.Suggest(ctx, "works", "x", "title", 5, nil)
			return err
		},
	}
	for name, call := range calls {
		for _, withDeadline := range []bool{true, false} {
			ctx := context.Background()
			if withDeadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
				defer cancel()
			}
			start := time.Now()
			err := call(ctx)
			if elapsed := time.Since(start); err == nil || elapsed > 3*time.Second {
				t.Errorf("%s (ctx deadline %v): err = %v after %v, want an error within the deadline", name, withDeadline, err, elapsed)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s (ctx deadline %v): err = %v, want context.DeadlineExceeded", name, withDeadline, err)
			}
		}
	}
}

func TestATaskThatNeverFinishesFailsWithinTheDeadline(t *testing.T) {
	f, srv := newFake(t, "t-works")
	f.stuckTasks = true
	x := newTestIndex(t, srv.URL)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := x.Upsert(ctx, "works", search.Document{"id": "w1"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestAServerThatIsDownFailsPromptly(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	x := newTestIndex(t, url)
	start := time.Now()
	if err := x.Ping(context.Background()); err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("Ping on a closed port: err = %v after %v", err, time.Since(start))
	}
}

func TestNewRefusesAURLWithoutSchemeOrHost(t *testing.T) {
	for _, u := range []string{"", "localhost:7700", "ftp://x", "http://"} {
		if _, err := New(u, ""); err == nil {
			t.Errorf("New(%q): no error", u)
		}
	}
}

func ptr(f float64) *float64 { return &f }
