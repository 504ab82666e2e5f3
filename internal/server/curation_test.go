package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"guildhall/internal/testrig"
)

func TestCollectionsFollowTheirWorksAndOnlyCuratedOnesAreFeatured(t *testing.T) {
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
	r := curator.Do("POST", "/api/v1/collections", map[string]any{"title": "Summer glass", "description": "Cool colours"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var out struct{ Collection struct{ ID string } }
	r.JSON(t, &out)
	id := out.Collection.ID
	fan := rig.Client(t)
	fan.SignUp("fan")
	var private struct{ Collection struct{ ID string } }
	fan.Do("POST", "/api/v1/collections", map[string]any{"title": "My secret wishlist", "visibility": "private"}).JSON(t, &private)

	run(t, curator, []scenario{
		{"a curator's collection is curated", "GET", "/api/v1/collections/" + id, nil, 200, []string{`"curated":true`, `"items":[]`}, nil},
		{"a work goes in with a note", "POST", "/api/v1/collections/" + id + "/items", map[string]string{"work_id": vase, "note": "看光线"}, 200,
			[]string{`"title":"Blue vase"`, `"note":"看光线"`, `"price":{"amount":12900,"currency":"CNY"}`}, nil},
		{"adding it again only changes the note", "POST", "/api/v1/collections/" + id + "/items", map[string]string{"work_id": vase, "note": "again"}, 200, []string{`"note":"again"`}, nil},
		{"a second work is kept in order", "POST", "/api/v1/collections/" + id + "/items", map[string]string{"work_id": cup}, 200, []string{`"Blue vase"`, `"Green cup"`}, nil},
		{"a draft cannot be added", "POST", "/api/v1/collections/" + id + "/items", map[string]string{"work_id": draft}, 422, []string{`"work_id":`}, nil},
		{"the work counts one public save", "GET", "/api/v1/works/" + vase, nil, 200, []string{`"saves":1`}, nil},
		{"a curator cannot feature", "POST", "/api/v1/collections/" + id + "/feature", nil, 403, nil, nil},
	})
	run(t, fan, []scenario{
		{"the owner reads their private list", "GET", "/api/v1/collections/" + private.Collection.ID, nil, 200, []string{"My secret wishlist"}, nil},
		{"a private list adds no public save", "POST", "/api/v1/collections/" + private.Collection.ID + "/items", map[string]string{"work_id": vase}, 200, nil, nil},
		{"still one save", "GET", "/api/v1/works/" + vase, nil, 200, []string{`"saves":1`}, nil},
		{"nobody else edits a collection", "POST", "/api/v1/collections/" + id + "/items", map[string]string{"work_id": cup}, 403, nil, nil},
	})
	run(t, rig.Client(t), []scenario{
		{"a private list is a 404 to others", "GET", "/api/v1/collections/" + private.Collection.ID, nil, 404, nil, nil},
		{"and its page too", "GET", "/collections/" + private.Collection.ID, nil, 404, nil, nil},
	})
	run(t, admin, []scenario{
		{"an admin features the curated collection", "POST", "/api/v1/collections/" + id + "/feature", nil, 204, nil, nil},
		{"a fan's list cannot be featured", "POST", "/api/v1/collections/" + private.Collection.ID + "/feature", nil, 422, nil, nil},
	})
	featured, err := rig.App.Curation.Featured(ctx, 10)
	if err != nil || len(featured) != 1 || featured[0]["title"] != "Summer glass" {
		t.Fatalf("featured: %v %v", featured, err)
	}
	// The work changes: the collection shows its new face; unpublished, it drops out.
	run(t, maker, []scenario{
		{"the maker renames the vase", "PATCH", "/api/v1/works/" + vase, map[string]any{"title": "Cobalt vase", "price": map[string]any{"amount": 15000, "currency": "CNY"}}, 200, nil, nil},
	})
	page := string(rig.Client(t).Do("GET", "/collections/"+id, nil).Body)
	if !strings.Contains(page, "Cobalt vase") || !strings.Contains(page, "¥150.00") || strings.Contains(page, "Blue vase") {
		t.Fatalf("the collection page does not follow the work:\n%s", page)
	}
	run(t, maker, []scenario{
		{"the maker unpublishes the cup", "PATCH", "/api/v1/works/" + cup, map[string]any{"status": "draft"}, 200, nil, nil},
	})
	run(t, curator, []scenario{
		{"the unpublished cup dropped out", "GET", "/api/v1/collections/" + id, nil, 200, []string{`"Cobalt vase"`}, nil},
		{"removing the vase", "DELETE", "/api/v1/collections/" + id + "/items/" + vase, nil, 200, []string{`"items":[]`}, nil},
		{"leaves no public save", "GET", "/api/v1/works/" + vase, nil, 200, []string{`"saves":0`}, nil},
	})
	if r := curator.Do("GET", "/api/v1/collections/"+id, nil); strings.Contains(string(r.Body), "Green cup") {
		t.Fatal("an unpublished work stayed in a collection")
	}
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
