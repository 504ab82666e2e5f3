package meili

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/searchtest"
	"guildhall/internal/platform/search/vocab"
)

// TestMeilisearchPassesTheConformanceSuite runs against a real server when
// GUILDHALL_TEST_MEILI_URL names one; each case gets fresh indexes under a
// random prefix, deleted afterwards.
func TestMeilisearchPassesTheConformanceSuite(t *testing.T) {
	open := liveOpener(t)
	searchtest.RunSuite(t, func(t *testing.T) search.Index { return open(t) })
}

// TestMeilisearchPassesTheShopperSuite is the shoppers' suite on a real
// server, with the suite's vocabulary as its synonyms.
func TestMeilisearchPassesTheShopperSuite(t *testing.T) {
	open := liveOpener(t)
	searchtest.RunShopperSuite(t, func(t *testing.T, v *vocab.Vocabulary) search.Index { return open(t, WithVocabulary(v)) })
}

// liveOpener skips the test without a server and otherwise opens indexes
// under a fresh prefix per case.
func liveOpener(t *testing.T) func(t *testing.T, opts ...Option) search.Index {
	url := os.Getenv("GUILDHALL_TEST_MEILI_URL")
	if url == "" {
		t.Skip("no Meilisearch binary on this machine; set GUILDHALL_TEST_MEILI_URL")
	}
	key := os.Getenv("GUILDHALL_TEST_MEILI_KEY")
	run := fmt.Sprintf("gh-test-%d", time.Now().UnixNano())
	var n atomic.Int64
	return func(t *testing.T, opts ...Option) search.Index {
		prefix := fmt.Sprintf("%s-%d-", run, n.Add(1))
		x, err := New(url, key, append([]Option{WithPrefix(prefix), WithTimeout(30 * time.Second)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			dropIndexes(t, x, prefix)
			x.Close()
		})
		return x
	}
}

func dropIndexes(t *testing.T, x *Index, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	list, err := x.sm.ListIndexes(ctx, &meilisearch.IndexesQuery{Limit: 1000})
	if err != nil {
		t.Errorf("list indexes to clean up: %v", err)
		return
	}
	for _, ix := range list.Results {
		if !strings.HasPrefix(ix.UID, prefix) {
			continue
		}
		info, err := x.sm.DeleteIndex(ctx, ix.UID)
		if err == nil {
			err = x.wait(ctx, info)
		}
		if err != nil {
			t.Errorf("delete index %s: %v", ix.UID, err)
		}
	}
}
