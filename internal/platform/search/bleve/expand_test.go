package bleve

import (
	"testing"

	"guildhall/internal/platform/search/searchtest"
	"guildhall/internal/platform/search/vocab"
	"guildhall/web"
)

// BenchmarkBuildingTheQuery is the work query expansion adds before bleve
// searches: analysing the query and its alternatives and building the one
// query, as typed (literal) and expanded with the project's vocabulary.
func BenchmarkBuildingTheQuery(b *testing.B) {
	v, err := vocab.Load(web.Locales(), "vocabulary.json")
	if err != nil {
		b.Fatal(err)
	}
	x, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { x.Close() })
	if err := x.EnsureSchema(b.Context(), searchtest.WorksSchema()); err != nil {
		b.Fatal(err)
	}
	k := x.kinds["works"]
	queries := []string{"wallets", "leather wallet", "牛皮钱包", "皮夹", "ceramic cup", "moon cake", "手工牛皮錢包", "jade 吊坠"}
	for _, c := range []struct {
		name  string
		build func(q string) (plan, error)
	}{
		{"literal", func(q string) (plan, error) { return k.literal(q, k.allFields()) }},
		{"expanded", func(q string) (plan, error) { return k.expanded(q, k.allFields(), v) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := c.build(queries[i%len(queries)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
