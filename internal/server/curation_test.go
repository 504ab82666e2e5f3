package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"guildhall/internal/testrig"
)

func TestCollectionsFollowTheContract(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "glassblower")
	vase := createWork(t, maker, merge(wallet("published"), "title", "Blue vase"))
	cup := createWork(t, maker, merge(wallet("published"), "title", "Green cup"))
	draft := createWork(t, maker, merge(wallet("draft"), "title", "Unfinished"))

	curator := rig.Client(t)
	curator.SignUp("curator")
	admin := rig.Client(t)
	admin.SignUp("admin_user")
	ctx := context.Background()
	if _, err := rig.App.Accounts.ChangeRoles(ctx, "curator", []string{"curator"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := rig.App.Accounts.ChangeRoles(ctx, "admin_user", []string{"admin"}, nil); err != nil {
		t.Fatal(err)
	}
	id := created(t, curator, "/api/v1/collections", map[string]any{"title": "Summer glass", "description": "Cool colours"}, "collection")
	fan := rig.Client(t)
	fan.SignUp("fan")
	var private struct{ Collection struct{ ID string } }
	fan.Do("POST", "/api/v1/collections", map[string]any{"title": "My secret wishlist", "visibility": "private"}).JSON(t, &private)

	steps.run(curator, []scenario{
		{Name: "a curator's collection is curated", Method: "GET", Path: "/api/v1/collections/" + id, Status: 200,
			Expected: []string{`"curated":true`, `"items":[]`}},
		{Name: "a work goes in with a note", Method: "POST", Path: "/api/v1/collections/" + id + "/items",
			Body: map[string]string{"work_id": vase, "note": "看光线"}, Status: 200,
			Expected: []string{`"title":"Blue vase"`, `"note":"看光线"`, `"price":{"amount":12900,"currency":"CNY"}`}},
		{Name: "adding it again only changes the note", Method: "POST", Path: "/api/v1/collections/" + id + "/items",
			Body: map[string]string{"work_id": vase, "note": "again"}, Status: 200, Expected: []string{`"note":"again"`}},
		{Name: "a second work is kept in order", Method: "POST", Path: "/api/v1/collections/" + id + "/items",
			Body: map[string]string{"work_id": cup}, Status: 200, Expected: []string{`"Blue vase"`, `"Green cup"`}},
		{Name: "a draft cannot be added", Method: "POST", Path: "/api/v1/collections/" + id + "/items",
			Body: map[string]string{"work_id": draft}, Status: 422, Expected: []string{`"work_id":`}},
		{Name: "the work counts one public save", Method: "GET", Path: "/api/v1/works/" + vase, Status: 200,
			Expected: []string{`"saves":1`}},
		{Name: "a curator cannot feature", Method: "POST", Path: "/api/v1/collections/" + id + "/feature", Status: 403},
	})
	steps.run(fan, []scenario{
		{Name: "the owner reads their private list", Method: "GET",
			Path: "/api/v1/collections/" + private.Collection.ID, Status: 200, Expected: []string{"My secret wishlist"}},
		{Name: "a private list adds no public save", Method: "POST",
			Path: "/api/v1/collections/" + private.Collection.ID + "/items", Body: map[string]string{"work_id": vase},
			Status: 200},
		{Name: "still one save", Method: "GET", Path: "/api/v1/works/" + vase, Status: 200,
			Expected: []string{`"saves":1`}},
		{Name: "nobody else edits a collection", Method: "POST", Path: "/api/v1/collections/" + id + "/items",
			Body: map[string]string{"work_id": cup}, Status: 403},
	})
	steps.run(rig.Client(t), []scenario{
		{Name: "a private list is a 404 to others", Method: "GET", Path: "/api/v1/collections/" + private.Collection.ID,
			Status: 404},
		{Name: "and its page too", Method: "GET", Path: "/collections/" + private.Collection.ID, Status: 404},
	})
	steps.run(admin, []scenario{
		{Name: "an admin features the curated collection", Method: "POST",
			Path: "/api/v1/collections/" + id + "/feature", Status: 204},
		{Name: "a fan's list cannot be featured", Method: "POST",
			Path: "/api/v1/collections/" + private.Collection.ID + "/feature", Status: 422},
	})
	featured, err := rig.App.Curation.Featured(ctx, 10)
	if err != nil || len(featured) != 1 || featured[0]["title"] != "Summer glass" {
		t.Fatalf("featured: %v %v", featured, err)
	}
	// The work changes: the collection shows its new face; unpublished, it drops out.
	steps.run(maker, []scenario{
		{Name: "the maker renames the vase", Method: "PATCH", Path: "/api/v1/works/" + vase,
			Body:   map[string]any{"title": "Cobalt vase", "price": map[string]any{"amount": 15000, "currency": "CNY"}},
			Status: 200},
	})
	page := string(rig.Client(t).Do("GET", "/collections/"+id, nil).Body)
	if !strings.Contains(page, "Cobalt vase") || !strings.Contains(page, "¥150.00") || strings.Contains(page, "Blue vase") {
		t.Fatalf("the collection page does not follow the work:\n%s", page)
	}
	steps.run(maker, []scenario{
		{Name: "the maker unpublishes the cup", Method: "PATCH", Path: "/api/v1/works/" + cup,
			Body: map[string]any{"status": "draft"}, Status: 200},
	})
	steps.run(curator, []scenario{
		{Name: "the unpublished cup dropped out", Method: "GET", Path: "/api/v1/collections/" + id, Status: 200,
			Expected: []string{`"Cobalt vase"`}, NotExpected: []string{"Green cup"}},
		{Name: "removing the vase", Method: "DELETE", Path: "/api/v1/collections/" + id + "/items/" + vase, Status: 200,
			Expected: []string{`"items":[]`}},
		{Name: "leaves no public save", Method: "GET", Path: "/api/v1/works/" + vase, Status: 200,
			Expected: []string{`"saves":0`}},
	})
}

func TestAVisitorSavesAWorkToANewListFromItsPage(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "saver_maker")
	id := createWork(t, maker, merge(wallet("published"), "title", "Gift box"))
	fan := rig.Client(t)
	page := fan.Do("GET", "/signup", nil)
	token := between(string(page.Body), `name="_csrf" value="`, `"`)
	if r := postForm(t, fan, "/signup", "email=s%40example.com&password=a+long+enough+password&handle=saver&display_name=Saver&_csrf="+token); r.Status != http.StatusSeeOther {
		t.Fatalf("sign up: %d", r.Status)
	}
	token = csrfCookie(t, rig, fan) // signing up rotated it, as the next page would show
	if r := postForm(t, fan, "/works/"+id+"/save", "new_title=Gifts&_csrf="+token); r.Status != http.StatusSeeOther {
		t.Fatalf("save to a new list: %d", r.Status)
	}
	body := string(fan.Do("GET", "/works/"+id+"/gift-box?saved=1", nil).Body)
	if !strings.Contains(body, `data-testid="saved"`) || !strings.Contains(body, `<option value="`) || !strings.Contains(body, ">Gifts</option>") {
		t.Fatalf("the work page does not show the saved state and the new list:\n%s", body)
	}
	if !strings.Contains(body, "In public collections: 1") {
		t.Fatal("the work page does not count the save")
	}
	cmds, searches := pageCost(t, rig, "/works/"+id+"/gift-box", "")
	if len(cmds) > 6 || searches > 1 {
		t.Fatalf("the work page costs %v and %d searches", names(cmds), searches)
	}
}
