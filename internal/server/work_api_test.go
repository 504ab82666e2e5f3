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
func openStudio(t testing.TB, rig *testrig.Rig, handle string) *testrig.Client {
	t.Helper()
	c := rig.Client(t)
	c.SignUp(handle)
	r := c.Do("PUT", "/api/v1/me/studio", map[string]any{"name": "Studio " + handle, "story": "**手工**皮具", "location": "杭州", "crafts": []string{"leather"}})
	if r.Status != http.StatusOK {
		t.Fatalf("open studio: %d %s", r.Status, r.Body)
	}
	return c
}

// created posts body to path, which must answer 201 with the new thing
// wrapped by its kind ({"work": {"id": …}}), and returns its id.
func created(t testing.TB, c *testrig.Client, path string, body any, kind string) string {
	t.Helper()
	r := c.Do("POST", path, body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", kind, r.Status, r.Body)
	}
	var out map[string]struct{ ID string }
	r.JSON(t, &out)
	return out[kind].ID
}

func createWork(t testing.TB, c *testrig.Client, body map[string]any) string {
	t.Helper()
	return created(t, c, "/api/v1/works", body, "work")
}

func wallet(status string) map[string]any {
	return map[string]any{"title": "手工牛皮钱包 Leather wallet", "description": "Vegetable-tanned.",
		"price": map[string]any{"amount": 12900, "currency": "CNY"}, "stock": 3, "materials": []string{"牛皮"},
		"tags": []string{"wallet"}, "category": "leather", "status": status}
}

func TestAStudioMakesAMakerAndWorksFollowTheContract(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	fan := rig.Client(t)
	fan.SignUp("fan")
	steps.run(fan, []scenario{
		{Name: "a user without a studio cannot publish", Method: "POST", Path: "/api/v1/works",
			Body: wallet("published"), Status: 403, Expected: []string{`"open_a_studio_first"`}},
		{Name: "a studio needs a name", Method: "PUT", Path: "/api/v1/me/studio", Body: map[string]any{"name": ""},
			Status: 422, Expected: []string{`"name":"This field is required."`}},
		{Name: "a negative lead time is refused", Method: "PUT", Path: "/api/v1/me/studio",
			Body: map[string]any{"name": "x", "policies": map[string]any{"lead_time_days": -1}}, Status: 422,
			Expected: []string{`"policies.lead_time_days"`}},
	})
	maker := openStudio(t, rig, "tanner")
	steps.run(maker, []scenario{
		{Name: "opening a studio makes the user a maker", Method: "GET", Path: "/api/v1/me", Status: 200,
			Expected: []string{`"roles":["maker"]`}},
		{Name: "the maker page has counts and a rating", Method: "GET", Path: "/api/v1/makers/tanner", Status: 200,
			Expected: []string{`"counts":{"followers":0,"works":0,"sales":0}`, `"rating":{"average":0,"count":0}`, `\u003cstrong\u003e手工`}},
		{Name: "every bad work field is named", Method: "POST", Path: "/api/v1/works",
			Body:   map[string]any{"title": "", "price": map[string]any{"amount": -1, "currency": "GBP"}, "category": "spaceships", "stock": -2},
			Status: 422, Expected: []string{`"title":`, `"price.amount":`, `"price.currency":`, `"category":`, `"stock":`}},
		{Name: "a price must be a number", Method: "POST", Path: "/api/v1/works",
			Body: `{"title":"x","price":{"amount":"lots"}}`, Status: 422,
			Expected: []string{`"price.amount":"must be a number"`}},
		{Name: "an image that was never uploaded is refused", Method: "POST", Path: "/api/v1/works",
			Body: merge(wallet("draft"), "media_ids", []string{"nope"}), Status: 422, Expected: []string{`"media_ids":`}},
		{Name: "eleven images are too many", Method: "POST", Path: "/api/v1/works",
			Body: merge(wallet("draft"), "media_ids", strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")), Status: 422,
			Expected: []string{`"media_ids":`}},
		{Name: "a variant's currency must match", Method: "POST", Path: "/api/v1/works",
			Body:   merge(wallet("draft"), "variants", []map[string]any{{"name": "big", "price": map[string]any{"amount": 1, "currency": "USD"}}}),
			Status: 422, Expected: []string{`"variants.0.price"`}},
		{Name: "an unknown status is refused", Method: "POST", Path: "/api/v1/works", Body: wallet("sold"), Status: 422,
			Expected: []string{`"status":`}},
	})
	draft := createWork(t, maker, wallet("draft"))
	steps.run(fan, []scenario{
		{Name: "a draft is a 404 to others", Method: "GET", Path: "/api/v1/works/" + draft, Status: 404},
		{Name: "a draft cannot be favourited", Method: "POST", Path: "/api/v1/works/" + draft + "/favorite",
			Status: 404},
		{Name: "a draft is not in the maker's list", Method: "GET", Path: "/api/v1/makers/tanner/works", Status: 200,
			Expected: []string{`"items":[]`, `"total":0`}},
		{Name: "nobody else may edit it", Method: "PATCH", Path: "/api/v1/works/" + draft,
			Body: map[string]any{"title": "mine"}, Status: 404},
	})
	steps.run(maker, []scenario{
		{Name: "the maker sees the draft", Method: "GET", Path: "/api/v1/works/" + draft, Status: 200,
			Expected: []string{`"status":"draft"`, `"counts":{"favorites":0,"saves":0,"threads":0,"sales":0}`}},
		{Name: "the studio list has the draft", Method: "GET", Path: "/api/v1/me/works", Status: 200,
			Expected: []string{`"id":"` + draft + `"`, `"status":"draft"`}},
		{Name: "publishing counts the work", Method: "PATCH", Path: "/api/v1/works/" + draft,
			Body: map[string]any{"status": "published"}, Status: 200,
			Expected: []string{`"status":"published"`, `"url":"/works/` + draft + `/手工牛皮钱包-leather-wallet"`}},
		{Name: "the maker has one work", Method: "GET", Path: "/api/v1/makers/tanner", Status: 200,
			Expected: []string{`"works":1`}},
	})
	steps.run(fan, []scenario{
		{Name: "a published work is public", Method: "GET", Path: "/api/v1/works/" + draft, Status: 200,
			Expected: []string{`"in_stock":true`, `"maker":{"id":`}},
		{Name: "it is in the maker's list", Method: "GET", Path: "/api/v1/makers/tanner/works", Status: 200,
			Expected: []string{`"total":1`, `"title":"手工牛皮钱包 Leather wallet"`}},
		{Name: "a published work of someone else cannot be edited", Method: "PATCH", Path: "/api/v1/works/" + draft,
			Body: map[string]any{"title": "mine"}, Status: 403},
		{Name: "favouriting is idempotent", Method: "POST", Path: "/api/v1/works/" + draft + "/favorite", Status: 204},
		{Name: "a second favourite changes nothing", Method: "POST", Path: "/api/v1/works/" + draft + "/favorite",
			Status: 204},
		{Name: "the count is one", Method: "GET", Path: "/api/v1/works/" + draft, Status: 200,
			Expected: []string{`"favorites":1`}},
		{Name: "unfavouriting twice is fine", Method: "DELETE", Path: "/api/v1/works/" + draft + "/favorite",
			Status: 204},
		{Name: "and leaves zero", Method: "DELETE", Path: "/api/v1/works/" + draft + "/favorite", Status: 204},
		{Name: "the count is zero, not negative", Method: "GET", Path: "/api/v1/works/" + draft, Status: 200,
			Expected: []string{`"favorites":0`}},
		{Name: "following a maker", Method: "POST", Path: "/api/v1/makers/tanner/follow", Status: 204},
		{Name: "following again", Method: "POST", Path: "/api/v1/makers/tanner/follow", Status: 204},
		{Name: "counts one follower", Method: "GET", Path: "/api/v1/makers/tanner", Status: 200,
			Expected: []string{`"followers":1`}},
		{Name: "an unknown maker cannot be followed", Method: "POST", Path: "/api/v1/makers/nobody_here/follow",
			Status: 404},
		{Name: "a bad sort is named", Method: "GET", Path: "/api/v1/makers/tanner/works?sort=random", Status: 422,
			Expected: []string{`"sort":`}},
		{Name: "a bad cursor is named", Method: "GET", Path: "/api/v1/makers/tanner/works?cursor=!!", Status: 422,
			Expected: []string{`"cursor":`}},
		{Name: "a maker's groups are a list", Method: "GET", Path: "/api/v1/makers/tanner/groups", Status: 200,
			Expected: []string{`"items":[]`, `"next_cursor":null`}},
	})
	steps.run(maker, []scenario{
		{Name: "a maker cannot follow themself", Method: "POST", Path: "/api/v1/makers/tanner/follow", Status: 422},
		{Name: "archiving takes it out of the list", Method: "PATCH", Path: "/api/v1/works/" + draft,
			Body: map[string]any{"status": "archived"}, Status: 200},
		{Name: "the maker has no published works", Method: "GET", Path: "/api/v1/makers/tanner", Status: 200,
			Expected: []string{`"works":0`}},
	})
	steps.run(fan, []scenario{
		{Name: "an archived work is a 404", Method: "GET", Path: "/api/v1/works/" + draft, Status: 404},
		{Name: "and not listed", Method: "GET", Path: "/api/v1/makers/tanner/works", Status: 200,
			Expected: []string{`"total":0`}},
	})
	steps.run(maker, []scenario{
		{Name: "deleting is a 204", Method: "DELETE", Path: "/api/v1/works/" + draft, Status: 204},
		{Name: "then it is gone", Method: "GET", Path: "/api/v1/works/" + draft, Status: 404},
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
	steps := numbered(t)
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
	steps.run(maker, []scenario{
		{Name: "a work shows its images in the maker's order", Method: "POST", Path: "/api/v1/works",
			Body: merge(wallet("published"), "media_ids", []string{m.ID}), Status: 201,
			Expected: []string{`"images":[{"media_id":"` + m.ID + `"`, `"width":1200`}},
		{Name: "a missing image is a 404", Method: "GET", Path: "/media/media/zz/nothing/thumb.jpg", Status: 404},
		{Name: "a path escaping the store is a 404", Method: "GET", Path: "/media/../etc/passwd", Status: 404},
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
	steps := numbered(t)
	rig := testrig.MustStart(t)
	c := rig.Client(t)
	c.SignUp("faces")
	var m struct{ ID string }
	c.Upload("me.png", testrig.PNG(t, 300, 300, color.RGBA{1, 2, 3, 255})).JSON(t, &m)
	steps.run(c, []scenario{
		{Name: "an uploaded image becomes the avatar", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"avatar_media_id": m.ID}, Status: 200,
			Expected: []string{`"avatar_media_id":"` + m.ID + `"`, `"avatar_url":"/media/media/`}},
		{Name: "clearing it removes the avatar", Method: "PATCH", Path: "/api/v1/me",
			Body: map[string]string{"avatar_media_id": ""}, Status: 200, Expected: []string{`"display_name"`}},
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
	steps := numbered(t)
	rig := testrig.MustStart(t)
	followed := openStudio(t, rig, "followed")
	other := openStudio(t, rig, "unfollowed")
	createWork(t, followed, merge(wallet("published"), "title", "First vase"))
	createWork(t, other, merge(wallet("published"), "title", "Stranger's bowl"))
	createWork(t, followed, merge(wallet("draft"), "title", "Unfinished vase"))
	fan := rig.Client(t)
	fan.SignUp("reader")
	steps.run(fan, []scenario{
		{Name: "an empty feed before following anyone", Method: "GET", Path: "/api/v1/feed", Status: 200,
			Expected: []string{`"items":[]`}},
		{Name: "follow a maker", Method: "POST", Path: "/api/v1/makers/followed/follow", Status: 204},
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
	steps.run(fan, []scenario{
		{Name: "the feed page shows them", Method: "GET", Path: "/feed", Status: 200,
			Expected: []string{"Second vase", "First vase"}},
		{Name: "unfollow", Method: "DELETE", Path: "/api/v1/makers/followed/follow", Status: 204},
		{Name: "and the feed is empty again", Method: "GET", Path: "/api/v1/feed", Status: 200,
			Expected: []string{`"items":[]`}},
		{Name: "the feed needs a session", Method: "GET", Path: "/api/v1/feed", Status: 401,
			Header: []string{"Authorization", "Bearer nope"}},
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
