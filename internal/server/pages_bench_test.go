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
func benchPage(b *testing.B, path func(id string) string) {
	rig := testrig.MustStart(b)
	maker := openStudioB(b, rig, "prolific")
	id := createWorkB(b, maker, wallet("published"))
	seedWorks(b, rig, maker, 4999)
	if _, err := rig.App.DB.IndexKeys(context.Background()); err != nil {
		b.Fatal(err)
	}
	p := path(id)
	b.ReportAllocs()
	b.ResetTimer()
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

func BenchmarkTheWorkPage(b *testing.B) {
	benchPage(b, func(id string) string {
		return "/works/" + id + "/" + work.Slugify("手工牛皮钱包 Leather wallet")
	})
}

func openStudioB(b *testing.B, rig *testrig.Rig, handle string) *testrig.Client {
	c := rig.Client(b)
	c.SignUp(handle)
	if r := c.Do("PUT", "/api/v1/me/studio", map[string]any{"name": "Studio " + handle}); r.Status != 200 {
		b.Fatalf("open studio: %d", r.Status)
	}
	return c
}

func createWorkB(b *testing.B, c *testrig.Client, body map[string]any) string {
	r := c.Do("POST", "/api/v1/works", body)
	var out struct{ Work struct{ ID string } }
	r.JSON(b, &out)
	return out.Work.ID
}

// BenchmarkTheThreadPageOf5000Replies shows that the last page of a long
// thread costs what the first does: each is one bucket read by _id.
func BenchmarkTheThreadPageOf5000Replies(b *testing.B) {
	rig := testrig.MustStart(b)
	owner := openStudioB(b, rig, "talker")
	var g, th struct{ Group, Thread struct{ ID string } }
	owner.Do("POST", "/api/v1/groups", map[string]any{"name": "Long talk"}).JSON(b, &g)
	owner.Do("POST", "/api/v1/groups/"+g.Group.ID+"/threads", map[string]any{"title": "Five thousand", "body": "go"}).JSON(b, &th)
	ctx := context.Background()
	u, err := rig.App.Accounts.ByHandle(ctx, "talker")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 5000 {
		if _, _, err := rig.App.Community.AddReply(ctx, u, th.Thread.ID, community.ReplyInput{Body: fmt.Sprintf("reply %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := rig.App.DB.IndexKeys(ctx); err != nil {
		b.Fatal(err)
	}
	for _, page := range []string{"1", "last"} {
		b.Run("page="+page, func(b *testing.B) {
			p := "/threads/" + th.Thread.ID + "?page=" + page
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				rig.App.Handler.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", p, rec.Code)
				}
			}
		})
	}
}
