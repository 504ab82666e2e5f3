package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"guildhall/internal/community"
	"guildhall/internal/testrig"
	"guildhall/internal/work"
)

// benchPage serves path in-process b.N times on a store of 5,000 works.
func benchPage(b *testing.B, path func(id string) string) { benchPageOf(b, 5000, path) }

// benchPageOf serves path in-process b.N times on a store of n works.
func benchPageOf(b *testing.B, n int, path func(id string) string) {
	rig := testrig.MustStart(b)
	maker := openStudio(b, rig, "prolific")
	id := createWork(b, maker, wallet("published"))
	seedWorks(b, rig, maker, n-1)
	if _, err := rig.App.DB.IndexKeys(context.Background()); err != nil {
		b.Fatal(err)
	}
	servePage(b, rig, path(id))
}

// servePage serves p in-process for as long as the benchmark asks; b.Loop
// times only the loop, not the store filled before it.
func servePage(b *testing.B, rig *testrig.Rig, p string) {
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		rig.App.Handler.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", p, rec.Code)
		}
	}
}

func BenchmarkTheMakerPageOf5000Works(b *testing.B) {
	benchPage(b, func(string) string { return "/@prolific" })
}

func BenchmarkTheWorkPage(b *testing.B) { benchPage(b, workPagePath) }

func workPagePath(id string) string {
	return "/works/" + id + "/" + work.Slugify("手工牛皮钱包 Leather wallet")
}

// BenchmarkPagesAsTheCatalogueGrows serves the maker and work pages of a
// store of 1,000 works beside one of 10,000. The work page reads by _id and
// keeps its similar works a minute, so it should not grow. The maker page is
// the worst case here: one maker owns every work, and the index sorts each of
// them to find the newest 24.
//
//	go test -run '^$' -bench PagesAsTheCatalogueGrows -benchtime 2000x ./internal/server/
func BenchmarkPagesAsTheCatalogueGrows(b *testing.B) {
	for _, page := range []struct {
		name string
		path func(string) string
	}{{"work", workPagePath}, {"maker", func(string) string { return "/@prolific" }}} {
		for _, n := range []int{1_000, 10_000} {
			b.Run(fmt.Sprintf("%s/works=%d", page.name, n), func(b *testing.B) { benchPageOf(b, n, page.path) })
		}
	}
}

// BenchmarkTheThreadPageOf5000Replies shows that the last page of a long
// thread costs what the first does: each is one bucket read by _id.
func BenchmarkTheThreadPageOf5000Replies(b *testing.B) {
	rig := testrig.MustStart(b)
	owner := openStudio(b, rig, "talker")
	g := created(b, owner, "/api/v1/groups", map[string]any{"name": "Long talk"}, "group")
	th := created(b, owner, "/api/v1/groups/"+g+"/threads", map[string]any{"title": "Five thousand", "body": "go"}, "thread")
	ctx := context.Background()
	u, err := rig.App.Accounts.ByHandle(ctx, "talker")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 5000 {
		if _, _, err := rig.App.Community.AddReply(ctx, u, th, community.ReplyInput{Body: fmt.Sprintf("reply %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := rig.App.DB.IndexKeys(ctx); err != nil {
		b.Fatal(err)
	}
	for _, page := range []string{"1", "last"} {
		b.Run("page="+page, func(b *testing.B) { servePage(b, rig, "/threads/"+th+"?page="+page) })
	}
}
