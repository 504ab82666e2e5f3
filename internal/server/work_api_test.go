package server_test

import (
	"fmt"
	"image/color"
	"net/http"
	"strings"
	"sync"
	"testing"

	"guildhall/internal/testrig"
)

// openStudio signs up handle and opens a studio.
func openStudio(t *testing.T, rig *testrig.Rig, handle string) *testrig.Client {
	t.Helper()
	c := rig.Client(t)
	c.SignUp(handle)
	r := c.Do("PUT", "/api/v1/me/studio", map[string]any{"name": "Studio " + handle, "story": "**手工**皮具", "location": "杭州", "crafts": []string{"leather"}})
	if r.Status != http.StatusOK {
		t.Fatalf("open studio: %d %s", r.Status, r.Body)
	}
	return c
}

func createWork(t *testing.T, c *testrig.Client, body map[string]any) string {
	t.Helper()
	r := c.Do("POST", "/api/v1/works", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create work: %d %s", r.Status, r.Body)
	}
	var out struct{ Work struct{ ID string } }
	r.JSON(t, &out)
	return out.Work.ID
}

func wallet(status string) map[string]any {
	return map[string]any{"title": "手工牛皮钱包 Leather wallet", "description": "Vegetable-tanned.",
		"price": map[string]any{"amount": 12900, "currency": "CNY"}, "stock": 3, "materials": []string{"牛皮"},
		"tags": []string{"wallet"}, "category": "leather", "status": status}
}

func TestAStudioMakesAMakerAndWorksFollowTheContract(t *testing.T) {
	rig := testrig.MustStart(t)
	fan := rig.Client(t)
	fan.SignUp("fan")
	run(t, fan, []scenario{
		{"a user without a studio cannot publish", "POST", "/api/v1/works", wallet("published"), 403, []string{`"open_a_studio_first"`}, nil},
		{"a studio needs a name", "PUT", "/api/v1/me/studio", map[string]any{"name": ""}, 422, []string{`"name":"This field is required."`}, nil},
		{"a negative lead time is refused", "PUT", "/api/v1/me/studio", map[string]any{"name": "x", "policies": map[string]any{"lead_time_days": -1}}, 422, []string{`"policies.lead_time_days"`}, nil},
	})
	maker := openStudio(t, rig, "tanner")
	run(t, maker, []scenario{
		{"opening a studio makes the user a maker", "GET", "/api/v1/me", nil, 200, []string{`"roles":["maker"]`}, nil},
		{"the maker page has counts and a rating", "GET", "/api/v1/makers/tanner", nil, 200, []string{`"counts":{"followers":0,"works":0,"sales":0}`, `"rating":{"average":0,"count":0}`, `\u003cstrong\u003e手工`}, nil},
		{"every bad work field is named", "POST", "/api/v1/works", map[string]any{"title": "", "price": map[string]any{"amount": -1, "currency": "GBP"}, "category": "spaceships", "stock": -2},
			422, []string{`"title":`, `"price.amount":`, `"price.currency":`, `"category":`, `"stock":`}, nil},
		{"a price must be a number", "POST", "/api/v1/works", `{"title":"x","price":{"amount":"lots"}}`, 422, []string{`"price.amount":"must be a number"`}, nil},
		{"an image that was never uploaded is refused", "POST", "/api/v1/works", merge(wallet("draft"), "media_ids", []string{"nope"}), 422, []string{`"media_ids":`}, nil},
		{"eleven images are too many", "POST", "/api/v1/works", merge(wallet("draft"), "media_ids", strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")), 422, []string{`"media_ids":`}, nil},
		{"a variant's currency must match", "POST", "/api/v1/works", merge(wallet("draft"), "variants", []map[string]any{{"name": "big", "price": map[string]any{"amount": 1, "currency": "USD"}}}), 422, []string{`"variants.0.price"`}, nil},
		{"an unknown status is refused", "POST", "/api/v1/works", wallet("sold"), 422, []string{`"status":`}, nil},
	})
	draft := createWork(t, maker, wallet("draft"))
	run(t, fan, []scenario{
		{"a draft is a 404 to others", "GET", "/api/v1/works/" + draft, nil, 404, nil, nil},
		{"a draft cannot be favourited", "POST", "/api/v1/works/" + draft + "/favorite", nil, 404, nil, nil},
		{"a draft is not in the maker's list", "GET", "/api/v1/makers/tanner/works", nil, 200, []string{`"items":[]`, `"total":0`}, nil},
		{"nobody else may edit it", "PATCH", "/api/v1/works/" + draft, map[string]any{"title": "mine"}, 404, nil, nil},
	})
	run(t, maker, []scenario{
		{"the maker sees the draft", "GET", "/api/v1/works/" + draft, nil, 200, []string{`"status":"draft"`, `"counts":{"favorites":0,"saves":0,"threads":0,"sales":0}`}, nil},
		{"the studio list has the draft", "GET", "/api/v1/me/works", nil, 200, []string{`"id":"` + draft + `"`, `"status":"draft"`}, nil},
		{"publishing counts the work", "PATCH", "/api/v1/works/" + draft, map[string]any{"status": "published"}, 200, []string{`"status":"published"`, `"url":"/works/` + draft + `/手工牛皮钱包-leather-wallet"`}, nil},
		{"the maker has one work", "GET", "/api/v1/makers/tanner", nil, 200, []string{`"works":1`}, nil},
	})
	run(t, fan, []scenario{
		{"a published work is public", "GET", "/api/v1/works/" + draft, nil, 200, []string{`"in_stock":true`, `"maker":{"id":`}, nil},
		{"it is in the maker's list", "GET", "/api/v1/makers/tanner/works", nil, 200, []string{`"total":1`, `"title":"手工牛皮钱包 Leather wallet"`}, nil},
		{"a published work of someone else cannot be edited", "PATCH", "/api/v1/works/" + draft, map[string]any{"title": "mine"}, 403, nil, nil},
		{"favouriting is idempotent", "POST", "/api/v1/works/" + draft + "/favorite", nil, 204, nil, nil},
		{"a second favourite changes nothing", "POST", "/api/v1/works/" + draft + "/favorite", nil, 204, nil, nil},
		{"the count is one", "GET", "/api/v1/works/" + draft, nil, 200, []string{`"favorites":1`}, nil},
		{"unfavouriting twice is fine", "DELETE", "/api/v1/works/" + draft + "/favorite", nil, 204, nil, nil},
		{"and leaves zero", "DELETE", "/api/v1/works/" + draft + "/favorite", nil, 204, nil, nil},
		{"the count is zero, not negative", "GET", "/api/v1/works/" + draft, nil, 200, []string{`"favorites":0`}, nil},
		{"following a maker", "POST", "/api/v1/makers/tanner/follow", nil, 204, nil, nil},
		{"following again", "POST", "/api/v1/makers/tanner/follow", nil, 204, nil, nil},
		{"counts one follower", "GET", "/api/v1/makers/tanner", nil, 200, []string{`"followers":1`}, nil},
		{"an unknown maker cannot be followed", "POST", "/api/v1/makers/nobody_here/follow", nil, 404, nil, nil},
		{"a bad sort is named", "GET", "/api/v1/makers/tanner/works?sort=random", nil, 422, []string{`"sort":`}, nil},
		{"a bad cursor is named", "GET", "/api/v1/makers/tanner/works?cursor=!!", nil, 422, []string{`"cursor":`}, nil},
		{"a maker's groups are a list", "GET", "/api/v1/makers/tanner/groups", nil, 200, []string{`"items":[]`, `"next_cursor":null`}, nil},
	})
	run(t, maker, []scenario{
		{"a maker cannot follow themself", "POST", "/api/v1/makers/tanner/follow", nil, 422, nil, nil},
		{"archiving takes it out of the list", "PATCH", "/api/v1/works/" + draft, map[string]any{"status": "archived"}, 200, nil, nil},
		{"the maker has no published works", "GET", "/api/v1/makers/tanner", nil, 200, []string{`"works":0`}, nil},
	})
	run(t, fan, []scenario{
		{"an archived work is a 404", "GET", "/api/v1/works/" + draft, nil, 404, nil, nil},
		{"and not listed", "GET", "/api/v1/makers/tanner/works", nil, 200, []string{`"total":0`}, nil},
	})
	run(t, maker, []scenario{
		{"deleting is a 204", "DELETE", "/api/v1/works/" + draft, nil, 204, nil, nil},
		{"then it is gone", "GET", "/api/v1/works/" + draft, nil, 404, nil, nil},
	})
}

func merge(m map[string]any, k string, v any) map[string]any {
	m[k] = v
	return m
}

func TestFiftyConcurrentFavouritesAndFollowsCountExactly(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "busy")
	id := createWork(t, maker, wallet("published"))
	fans := make([]*testrig.Client, 25)
	for i := range fans {
		fans[i] = rig.Client(t)
		fans[i].SignUp(fmt.Sprintf("fan%02d", i))
	}
	var wg sync.WaitGroup
	for _, f := range fans {
		for range 2 { // every fan sends each request twice, at once: 50 of each
			wg.Add(2)
			go func() { defer wg.Done(); f.Do("POST", "/api/v1/works/"+id+"/favorite", nil) }()
			go func() { defer wg.Done(); f.Do("POST", "/api/v1/makers/busy/follow", nil) }()
		}
	}
	wg.Wait()
	c := rig.Client(t)
	if r := c.Do("GET", "/api/v1/works/"+id, nil); !strings.Contains(string(r.Body), `"favorites":25`) {
		t.Fatalf("favourites after 50 requests from 25 fans: %s", r.Body)
	}
	if r := c.Do("GET", "/api/v1/makers/busy", nil); !strings.Contains(string(r.Body), `"followers":25`) {
		t.Fatalf("followers after 50 requests from 25 fans: %s", r.Body)
	}
	for _, f := range fans {
		for range 2 {
			wg.Add(1)
			go func() { defer wg.Done(); f.Do("DELETE", "/api/v1/works/"+id+"/favorite", nil) }()
		}
	}
	wg.Wait()
	if r := c.Do("GET", "/api/v1/works/"+id, nil); !strings.Contains(string(r.Body), `"favorites":0`) {
		t.Fatalf("favourites after everyone took theirs back: %s", r.Body)
	}
}

func TestUploadedImagesAreStoredOnceAndServedForAYear(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_MEDIA_MAX_BYTES", "200000"))
	maker := openStudio(t, rig, "glazier")
	img := testrig.PNG(t, 1200, 900, color.RGBA{200, 80, 40, 255})
	r := maker.Upload("pot.png", img)
	if r.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	var m struct {
		ID       string
		Width    int
		Height   int
		Variants map[string]string
	}
	r.JSON(t, &m)
	if m.Width != 1200 || m.Height != 900 || len(m.Variants) != 3 {
		t.Fatalf("media %+v", m)
	}
	again := maker.Upload("same.png", img)
	var m2 struct{ ID string }
	again.JSON(t, &m2)
	if m2.ID != m.ID {
		t.Fatalf("the same file got two ids: %s, %s", m.ID, m2.ID)
	}
	got := maker.Do("GET", m.Variants["thumb"], nil)
	if got.Status != 200 || got.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || got.Header.Get("ETag") == "" {
		t.Fatalf("thumb: %d %v", got.Status, got.Header)
	}
	if got := maker.Do("GET", m.Variants["thumb"], nil, "If-None-Match", got.Header.Get("ETag")); got.Status != http.StatusNotModified {
		t.Fatalf("revalidation: %d", got.Status)
	}
	run(t, maker, []scenario{
		{"a work shows its images in the maker's order", "POST", "/api/v1/works", merge(wallet("published"), "media_ids", []string{m.ID}), 201, []string{`"images":[{"media_id":"` + m.ID + `"`, `"width":1200`}, nil},
		{"a missing image is a 404", "GET", "/media/media/zz/nothing/thumb.jpg", nil, 404, nil, nil},
		{"a path escaping the store is a 404", "GET", "/media/../etc/passwd", nil, 404, nil, nil},
	})
	other := rig.Client(t)
	other.SignUp("stranger")
	other.Do("PUT", "/api/v1/me/studio", map[string]any{"name": "S"})
	if r := other.Do("POST", "/api/v1/works", merge(wallet("draft"), "media_ids", []string{m.ID})); r.Status != 422 {
		t.Fatalf("someone else's upload was attached: %d %s", r.Status, r.Body)
	}
	if r := maker.Upload("notes.jpg", []byte("these are my notes, not a picture")); r.Status != http.StatusUnsupportedMediaType {
		t.Fatalf("text named .jpg: %d %s", r.Status, r.Body)
	}
	if r := maker.Upload("big.png", make([]byte, 300000)); r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize: %d %s", r.Status, r.Body)
	}
	if r := rig.Client(t).Upload("anon.png", img); r.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous upload: %d", r.Status)
	}
}

func TestAnAvatarIsAnImageTheUserUploaded(t *testing.T) {
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	c.SignUp("faces")
	var m struct{ ID string }
	c.Upload("me.png", testrig.PNG(t, 300, 300, color.RGBA{1, 2, 3, 255})).JSON(t, &m)
	run(t, c, []scenario{
		{"an uploaded image becomes the avatar", "PATCH", "/api/v1/me", map[string]string{"avatar_media_id": m.ID}, 200,
			[]string{`"avatar_media_id":"` + m.ID + `"`, `"avatar_url":"/media/media/`}, nil},
		{"clearing it removes the avatar", "PATCH", "/api/v1/me", map[string]string{"avatar_media_id": ""}, 200, []string{`"display_name"`}, nil},
	})
}

func TestPopularOrdersByTheHotScoreAsFavouritesArrive(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "potter")
	older := createWork(t, maker, merge(wallet("published"), "title", "Older bowl"))
	newer := createWork(t, maker, merge(wallet("published"), "title", "Newer bowl"))
	first := func(sort string) string {
		var page struct{ Items []struct{ ID string } }
		rig.Client(t).Do("GET", "/api/v1/makers/potter/works?sort="+sort, nil).JSON(t, &page)
		if len(page.Items) != 2 {
			t.Fatalf("%s: %d items", sort, len(page.Items))
		}
		return page.Items[0].ID
	}
	if first("popular") != newer || first("newest") != newer {
		t.Fatal("with no signals the newer work leads both lists")
	}
	for i := range 3 {
		fan := rig.Client(t)
		fan.SignUp(fmt.Sprintf("admirer%d", i))
		fan.Do("POST", "/api/v1/works/"+older+"/favorite", nil)
	}
	if first("popular") != older {
		t.Fatal("three favourites should lift the older work to the top of popular")
	}
	if first("newest") != newer {
		t.Fatal("newest ignores signals")
	}
}

func TestTheFeedShowsNewWorksOfFollowedMakersOnly(t *testing.T) {
	rig := testrig.MustStart(t)
	followed := openStudio(t, rig, "followed")
	other := openStudio(t, rig, "unfollowed")
	createWork(t, followed, merge(wallet("published"), "title", "First vase"))
	createWork(t, other, merge(wallet("published"), "title", "Stranger's bowl"))
	createWork(t, followed, merge(wallet("draft"), "title", "Unfinished vase"))
	fan := rig.Client(t)
	fan.SignUp("reader")
	run(t, fan, []scenario{
		{"an empty feed before following anyone", "GET", "/api/v1/feed", nil, 200, []string{`"items":[]`}, nil},
		{"follow a maker", "POST", "/api/v1/makers/followed/follow", nil, 204, nil, nil},
	})
	createWork(t, followed, merge(wallet("published"), "title", "Second vase"))
	var page struct {
		Items []struct {
			Type string
			Work struct{ Title string }
		}
	}
	fan.Do("GET", "/api/v1/feed", nil).JSON(t, &page)
	var titles []string
	for _, it := range page.Items {
		titles = append(titles, it.Type+":"+it.Work.Title)
	}
	if strings.Join(titles, "|") != "work:Second vase|work:First vase" {
		t.Fatalf("feed %v, want the followed maker's published works, newest first", titles)
	}
	run(t, fan, []scenario{
		{"the feed page shows them", "GET", "/feed", nil, 200, []string{"Second vase", "First vase"}, nil},
		{"unfollow", "DELETE", "/api/v1/makers/followed/follow", nil, 204, nil, nil},
		{"and the feed is empty again", "GET", "/api/v1/feed", nil, 200, []string{`"items":[]`}, nil},
		{"the feed needs a session", "GET", "/api/v1/feed", nil, 401, nil, []string{"Authorization", "Bearer nope"}},
	})
}

func TestAWorkPageSuggestsSimilarWorksOfOtherMakersFirst(t *testing.T) {
	rig := testrig.MustStart(t)
	a := openStudio(t, rig, "maker_a")
	b := openStudio(t, rig, "maker_b")
	cup := createWork(t, a, map[string]any{"title": "Celadon cup", "category": "ceramics", "materials": []string{"porcelain"}, "tags": []string{"tea"}, "price": map[string]any{"amount": 100}, "status": "published"})
	createWork(t, a, map[string]any{"title": "Own teapot", "category": "ceramics", "tags": []string{"tea"}, "price": map[string]any{"amount": 100}, "status": "published"})
	createWork(t, b, map[string]any{"title": "Other tea bowl", "category": "ceramics", "materials": []string{"porcelain"}, "tags": []string{"tea"}, "price": map[string]any{"amount": 100}, "status": "published"})
	createWork(t, b, map[string]any{"title": "Other plate", "category": "ceramics", "price": map[string]any{"amount": 100}, "status": "published"})
	createWork(t, b, map[string]any{"title": "A leather belt", "category": "leather", "tags": []string{"tea"}, "price": map[string]any{"amount": 100}, "status": "published"})
	body := string(rig.Client(t).Do("GET", "/works/"+cup+"/celadon-cup", nil).Body)
	_, similar, ok := strings.Cut(body, `data-testid="similar"`)
	if !ok {
		t.Fatal("no similar works on the page")
	}
	bowl, plate, own := strings.Index(similar, "Other tea bowl"), strings.Index(similar, "Other plate"), strings.Index(similar, "Own teapot")
	if bowl < 0 || plate < 0 || own < 0 || !(bowl < plate && plate < own) {
		t.Fatalf("order: bowl %d, plate %d, own %d; want other makers first, most shared tags first", bowl, plate, own)
	}
	if strings.Contains(similar, "leather belt") || strings.Contains(similar, ">Celadon cup<") {
		t.Fatal("similar works hold another category or the work itself")
	}
}
