package server_test

import (
	"context"
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/testrig"
	"guildhall/internal/work"
)

func TestTheMakerAndWorkPagesShowWhatAVisitorNeeds(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "weaver")
	up := maker.Upload("scarf.png", testrig.PNG(t, 900, 600, color.RGBA{30, 90, 160, 255}))
	var m struct{ ID string }
	up.JSON(t, &m)
	id := createWork(t, maker, merge(wallet("published"), "media_ids", []string{m.ID}))
	draft := createWork(t, maker, merge(wallet("draft"), "title", "Secret prototype"))
	visitor := rig.Client(t)

	steps := numbered(t)
	steps.run(visitor, []scenario{
		{Name: "the maker page in Chinese", Method: "GET", Path: "/@weaver", Header: []string{"Accept-Language", "zh-CN"}, Status: 200,
			Expected:    []string{"Studio weaver", "手工牛皮钱包 Leather wallet", "¥129.00", `data-testid="follow"`, "关注者", "杭州"},
			NotExpected: []string{"Secret prototype"}},
	})
	if r := visitor.Do("GET", "/works/"+id, nil); r.Status != http.StatusMovedPermanently || !strings.HasPrefix(r.Header.Get("Location"), "/works/"+id+"/") {
		t.Fatalf("short link: %d %s", r.Status, r.Header.Get("Location"))
	}
	if r := visitor.Do("GET", "/works/"+id+"/an-old-title", nil); r.Status != http.StatusMovedPermanently {
		t.Fatalf("an old slug: %d", r.Status)
	}
	path := "/works/" + id + "/" + work.Slugify("手工牛皮钱包 Leather wallet")
	steps.run(visitor, []scenario{
		{Name: "the work page with what shares it", Method: "GET", Path: path, Status: 200,
			Expected: []string{`<meta property="og:title" content="手工牛皮钱包 Leather wallet">`, `property="og:image" content="http://localhost:8080/media/`,
				`<meta property="product:price:amount" content="129.00">`, `name="twitter:card" content="summary_large_image"`,
				"Vegetable-tanned.", `data-testid="favorite"`, `href="/@weaver"`, "In stock: 3", "牛皮"}},
		{Name: "the sitemap lists the work, not the draft", Method: "GET", Path: "/sitemap.xml", Status: 200,
			Expected: []string{"/works/" + id + "/"}, NotExpected: []string{draft}},
		{Name: "a draft's page is a 404 to a visitor", Method: "GET", Path: "/works/" + draft + "/secret-prototype", Status: 404},
	})
	steps.run(maker, []scenario{
		{Name: "and its maker's to see", Method: "GET", Path: "/works/" + draft + "/secret-prototype", Status: 200,
			Expected: []string{"Draft"}},
	})
}

// pageCost serves one request in-process with recorders on its context and
// returns the MongoDB commands and the number of searches it caused.
func pageCost(t *testing.T, rig *testrig.Rig, path, token string) ([]mongodb.Command, int) {
	t.Helper()
	var mongoRec mongodb.Recorder
	var searchRec search.Recorder
	ctx := search.WithRecorder(mongodb.WithRecorder(context.Background(), &mongoRec), &searchRec)
	req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	rig.App.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	return mongoRec.Commands(), searchRec.Queries()
}

func TestMakerAndWorkPagesStayWithinBudgetAtAnySize(t *testing.T) {
	for _, n := range []int{10, 10_000} {
		t.Run(fmt.Sprintf("with %d works", n), func(t *testing.T) {
			// Bulk loading 10,000 works into embedded FerretDB under -race
			// takes longer than a request's 5 s per call.
			rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_SERVICE_TIMEOUT", "2m"))
			maker := openStudio(t, rig, "prolific")
			id := createWork(t, maker, wallet("published"))
			seedWorks(t, rig, maker, n-1)
			viewer := rig.Client(t)
			viewer.SignUp("viewer")
			path := "/works/" + id + "/" + work.Slugify("手工牛皮钱包 Leather wallet")
			for _, page := range []string{"/@prolific", "/@prolific?sort=popular", path} {
				for _, token := range []string{"", viewer.Token} {
					cmds, searches := pageCost(t, rig, page, token)
					if len(cmds) > 6 || searches > 1 {
						t.Errorf("%s (signed in: %v): %d MongoDB commands, %d searches; budget 6 and 1: %v", page, token != "", len(cmds), searches, names(cmds))
					}
					for _, c := range cmds {
						if !c.ByID() {
							t.Errorf("%s sends %s to %s that is not a lookup by _id: %s", page, c.Name, c.Collection, c.Body)
						}
					}
				}
			}
		})
	}
}

func names(cmds []mongodb.Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Name+" "+c.Collection)
	}
	return out
}

// seedWorks writes n published works of maker straight to MongoDB in bulk,
// then rebuilds the index: the API would take minutes for 10,000.
func seedWorks(t testing.TB, rig *testrig.Rig, maker *testrig.Client, n int) {
	t.Helper()
	if n <= 0 {
		return
	}
	var me struct{ User struct{ ID string } }
	maker.Do("GET", "/api/v1/me", nil).JSON(t, &me)
	ctx := context.Background()
	now := time.Now().UTC()
	coll := rig.App.DB.Database.Collection(work.Collection)
	for start := 0; start < n; start += 1000 {
		var docs []any
		for i := start; i < min(n, start+1000); i++ {
			published := now.Add(-time.Duration(i) * time.Minute)
			docs = append(docs, work.Work{ID: fmt.Sprintf("seed%06d", i), Maker: work.MakerRef{ID: me.User.ID, Handle: "prolific", Name: "Studio prolific"},
				Title: fmt.Sprintf("Bowl %d", i), Slug: fmt.Sprintf("bowl-%d", i), Price: work.Money{Amount: int64(1000 + i), Currency: "CNY"},
				Stock: 1, Category: "ceramics", Status: work.StatusPublished, Materials: []string{"clay"}, Tags: []string{}, Images: []work.Image{},
				Variants: []work.Variant{}, CreatedAt: published, UpdatedAt: published, PublishedAt: &published})
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rig.App.Queue.Rebuild(ctx, work.SearchKind, true, nil); err != nil {
		t.Fatal(err)
	}
}
