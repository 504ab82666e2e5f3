package bleve_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/bleve"
	"guildhall/internal/platform/search/searchtest"
	"guildhall/internal/platform/search/vocab"
)

func openTemp(t *testing.T) search.Index {
	t.Helper()
	ix, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestBleveIndexPassesTheConformanceSuite(t *testing.T) {
	searchtest.RunSuite(t, openTemp)
}

func TestDocumentsSurviveCloseAndReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	searchtest.Seed(ctx, t, ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	ix, err = bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// Searchable before EnsureSchema runs again: a restart serves at once.
	res := searchtest.Find(ctx, t, ix, search.Query{Text: "牛皮"})
	if got := searchtest.IDs(res); len(got) != 1 || got[0] != "w2" {
		t.Errorf("after reopen: %v", got)
	}
	if err := ix.EnsureSchema(ctx, searchtest.WorksSchema()); err != nil {
		t.Fatal(err)
	}
	if total := searchtest.Find(ctx, t, ix, search.Query{}).Total; total != 6 {
		t.Errorf("Total after reopen = %d, want 6", total)
	}
}

func TestASchemaChangedWhileClosedIsRebuiltOnEnsure(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	searchtest.Seed(ctx, t, ix)
	ix.Close()

	ix, err = bleve.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	s := searchtest.WorksSchema()
	s.Sortable = append(s.Sortable, "maker")
	if err := ix.EnsureSchema(ctx, s); err != nil {
		t.Fatal(err)
	}
	res := searchtest.Find(ctx, t, ix, search.Query{Sort: []search.Sort{{Field: "maker", Desc: true}, {Field: "price"}}})
	want := []string{"w4", "w6", "w5", "w2", "w3", "w1"}
	if got := searchtest.IDs(res); !equal(got, want) {
		t.Errorf("sorted by maker desc, price: %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "works.rebuild")); !os.IsNotExist(err) {
		t.Errorf("rebuild directory left behind: %v", err)
	}
}

func TestCallsAfterCloseFail(t *testing.T) {
	ctx := context.Background()
	ix, err := bleve.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	searchtest.Seed(ctx, t, ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Ping(ctx); err == nil {
		t.Error("Ping after Close: no error")
	}
	if _, err := ix.Search(ctx, "works", search.Query{}); err == nil {
		t.Error("Search after Close: no error")
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestConcurrentWritersAndReadersSeeConsistentResults(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	if err := ix.EnsureSchema(ctx, searchtest.WorksSchema()); err != nil {
		t.Fatal(err)
	}
	items := searchtest.Items(80)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(items); i += 4 {
				if err := ix.Upsert(ctx, "works", items[i]); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Go(func() {
			for range 20 {
				if _, err := ix.Search(ctx, "works", search.Query{Text: "item", Facets: []string{"category"}}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if total := searchtest.Find(ctx, t, ix, search.Query{}).Total; total != 80 {
		t.Errorf("Total = %d, want 80", total)
	}
}

func TestACancelledContextStopsASearch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ix := openTemp(t)
	searchtest.Seed(ctx, t, ix)
	cancel()
	_, err := ix.Search(ctx, "works", search.Query{Text: "leather"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestHighlightingAFieldThatIsNotSearchableFails(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	searchtest.Seed(ctx, t, ix)
	if _, err := ix.Search(ctx, "works", search.Query{Text: "leather", Highlight: []string{"category"}}); err == nil {
		t.Error("highlight category: no error")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Chinese is typed without spaces, so a query of two words is one run of
// characters whose middle bigram (瓷茶 in 青瓷茶具) belongs to neither word.
func TestChineseWordsTypedTogetherMatchWhereTheyStandApart(t *testing.T) {
	ctx := context.Background()
	ix := openTemp(t)
	searchtest.Seed(ctx, t, ix)
	for q, want := range map[string][]string{
		"青瓷茶具": {"w6"}, // title 青瓷茶杯, tag 茶具
		"牛皮手工": {"w2"}, // 植鞣牛皮，手工缝制
		"手工牛皮": {"w2"}, // and whole in the title
		"青瓷钱包": nil,    // each word is in a different work
		"茶具瓷":  nil,    // three characters: both bigrams must match
	} {
		if got := searchtest.IDs(searchtest.Find(ctx, t, ix, search.Query{Text: q})); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", q, got, want)
		}
	}
}

func TestBleveIndexPassesTheShopperSuite(t *testing.T) {
	searchtest.RunShopperSuite(t, func(t *testing.T, v *vocab.Vocabulary) search.Index {
		ix, err := bleve.Open(t.TempDir(), bleve.WithVocabulary(v))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	})
}
