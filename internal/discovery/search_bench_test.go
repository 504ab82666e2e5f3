package discovery_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"guildhall/internal/discovery"
	"guildhall/internal/platform/search"
	"guildhall/internal/platform/search/bleve"
	"guildhall/internal/work"
)

// benchQueries are what shoppers type, as in the relevance suite: "today"
// are queries search answered before the shoppers' issue (plain words,
// plurals, typos, Chinese phrases); "shoppers" are the kinds it added
// (traditional characters, synonyms, category names, words joined and
// apart, the other language, both at once).
var benchQueries = map[string][]string{
	"today": {"牛皮钱包", "青瓷", "茶壶", "刺绣", "wallets", "leather wallet", "wooden spoons", "glass vase",
		"silver ring", "silver 戒指", "lether belt", "celadn bowl", "embroidrey", "老周", "手工月饼"},
	"shoppers": {"茶壺", "月餅", "青瓷茶壺", "龍泉青瓷", "手工牛皮錢包", "蓝染", "铸铁壶", "台湾桂竹",
		"皮夹", "杯子", "mug", "cowhide", "rocking horse", "chili oil", "green tea", "handkerchief",
		"陶瓷", "pottery", "皮具", "jewellery", "食品", "glass",
		"moon cake", "tea pot", "note book", "keyring", "teacups", "hand knitted scarf",
		"teapot", "kettle", "embroidery", "vase", "cast iron", "bamboo basket",
		"jade 吊坠", "wool 围巾", "ceramic cup", "leather 钱包", "木 spoon"},
}

// BenchmarkSearchAPage is one search page (24 works with facets and
// highlights, as discovery asks) over the relevance corpus copied to about
// 5,000 works, each query of a set of benchQueries in turn. The same index
// runs without and with the shoppers' vocabulary side by side: the
// difference is the cost of query expansion, which includes the cost of the
// works it finds (facets count every match). cpu-ns/op is the process's
// CPU time per page, steadier than the time per page on a busy machine;
// index-MiB is the index's size on disk.
func BenchmarkSearchAPage(b *testing.B) {
	docs := benchDocuments(75)
	for _, setup := range []struct {
		name string
		opts []bleve.Option
	}{
		{"vocabulary=none", nil},
		{"vocabulary=project", []bleve.Option{bleve.WithVocabulary(vocabulary(b))}},
	} {
		ctx := context.Background()
		dir := b.TempDir()
		ix, err := bleve.Open(dir, setup.opts...)
		if err == nil {
			err = ix.EnsureSchema(ctx, work.SearchSchema)
		}
		if err == nil {
			err = ix.Upsert(ctx, work.SearchKind, docs...)
		}
		if err == nil {
			err = ix.Close() // flushed, so the size on disk is the index's
		}
		size := dirMiB(b, dir)
		if err == nil {
			ix, err = bleve.Open(dir, setup.opts...)
		}
		if err != nil {
			b.Fatal(err)
		}
		svc := newService(b, ix)
		for _, set := range []string{"today", "shoppers"} {
			b.Run("queries="+set+"/"+setup.name, func(b *testing.B) {
				searchPages(b, svc, benchQueries[set])
				b.ReportMetric(size, "index-MiB")
			})
		}
		ix.Close()
	}
}

// searchPages runs one search page for each query in turn and reports the
// process's CPU time per page.
func searchPages(b *testing.B, svc *discovery.Service, queries []string) {
	cpu, i := cpuTime(b), 0
	for b.Loop() {
		if _, err := svc.Search(context.Background(), discovery.Params{Q: queries[i%len(queries)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
}

// benchDocuments is the corpus copied n times under new ids.
func benchDocuments(n int) []search.Document {
	base := corpusDocuments()
	out := make([]search.Document, 0, n*len(base))
	for copyN := range n {
		for _, d := range base {
			c := make(search.Document, len(d))
			for k, v := range d {
				c[k] = v
			}
			c["id"] = fmt.Sprintf("%s-%03d", d.ID(), copyN)
			out = append(out, c)
		}
	}
	return out
}

func dirMiB(b *testing.B, dir string) float64 {
	var size int64
	err := filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			size += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return float64(size) / (1 << 20)
}

// BenchmarkIndexTheCorpus is indexing the ~5,000 works of BenchmarkSearchAPage
// into a fresh index: what folding and joining neighbouring words cost at
// index time.
func BenchmarkIndexTheCorpus(b *testing.B) {
	docs := benchDocuments(75)
	ctx := context.Background()
	cpu := cpuTime(b)
	for b.Loop() {
		ix, err := bleve.Open(b.TempDir())
		if err == nil {
			err = ix.EnsureSchema(ctx, work.SearchSchema)
		}
		if err == nil {
			err = ix.Upsert(ctx, work.SearchKind, docs...)
		}
		if err == nil {
			err = ix.Close()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(len(docs)), "works")
}

// cpuTime is the CPU time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
