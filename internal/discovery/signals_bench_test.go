package discovery_test

import (
	"context"
	"strconv"
	"testing"

	"guildhall/internal/platform/search/bleve"
	"guildhall/internal/work"
)

// BenchmarkSearchAfterAStreamOfSignals weighs Scorch's merge floor: the
// ~5,000 works of BenchmarkSearchAPage, then a stream of signals pushed one
// document a batch (the worst case, GUILDHALL_INDEX_SIGNALS_EVERY=0), then
// search pages. Each signal's cpu-ns includes the merges it sets off in the
// background, so the two floors are compared on what they really cost, side
// by side in one run:
//
//	go test -run '^$' -bench SearchAfterAStreamOfSignals -benchtime 400x ./internal/discovery/
func BenchmarkSearchAfterAStreamOfSignals(b *testing.B) {
	docs := benchDocuments(75)
	for _, floor := range []int{2000, bleve.DefaultMergeFloor} { // 2,000 is Scorch's own
		ctx := context.Background()
		ix, err := bleve.Open(b.TempDir(), bleve.WithMergeFloor(floor))
		if err == nil {
			err = ix.EnsureSchema(ctx, work.SearchSchema)
		}
		if err == nil {
			err = ix.Upsert(ctx, work.SearchKind, docs...)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.Run("signal/floor="+strconv.Itoa(floor), func(b *testing.B) {
			cpu, i := cpuTime(b), 0
			for b.Loop() {
				d := docs[(i*37)%len(docs)]
				d["favorites"] = i
				if err := ix.Upsert(ctx, work.SearchKind, d); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
		})
		svc := newService(b, ix)
		b.Run("search/floor="+strconv.Itoa(floor), func(b *testing.B) { searchPages(b, svc, benchQueries["today"]) })
		ix.Close()
	}
}
