package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/testrig"
)

// createGroup makes a group through the API and returns its id.
func createGroup(t *testing.T, owner *testrig.Client, body map[string]any) string {
	t.Helper()
	r := owner.Do("POST", "/api/v1/groups", body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create group: %d %s", r.Status, r.Body)
	}
	var out struct{ Group struct{ ID string } }
	r.JSON(t, &out)
	return out.Group.ID
}

// startThread starts a thread through the API and returns its id.
func startThread(t *testing.T, c *testrig.Client, groupID, title, body string) string {
	t.Helper()
	r := c.Do("POST", "/api/v1/groups/"+groupID+"/threads", map[string]any{"title": title, "body": body})
	if r.Status != http.StatusCreated {
		t.Fatalf("start thread: %d %s", r.Status, r.Body)
	}
	var out struct{ Thread struct{ ID string } }
	r.JSON(t, &out)
	return out.Thread.ID
}

func member(t *testing.T, rig *testrig.Rig, handle, groupID string) *testrig.Client {
	t.Helper()
	c := rig.Client(t)
	c.SignUp(handle)
	if r := c.Do("POST", "/api/v1/groups/"+groupID+"/join", nil); r.Status != http.StatusOK {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	return c
}

func TestGroupsThreadsAndRepliesFollowTheContract(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "potter")
	fan := rig.Client(t)
	fan.SignUp("clay_fan")
	run(t, fan, []scenario{
		{"only makers create groups", "POST", "/api/v1/groups", map[string]any{"name": "Fans"}, 403, []string{`"open_a_studio_first"`}, nil},
	})
	run(t, owner, []scenario{
		{"a group needs a name", "POST", "/api/v1/groups", map[string]any{"description": "x"}, 422, []string{`"name":`}, nil},
		{"visibility is public or private", "POST", "/api/v1/groups", map[string]any{"name": "G", "visibility": "secret"}, 422, []string{`"visibility":`}, nil},
		{"join policy is open or approval", "POST", "/api/v1/groups", map[string]any{"name": "G", "join_policy": "invite"}, 422, []string{`"join_policy":`}, nil},
		{"unknown fields are named", "POST", "/api/v1/groups", map[string]any{"name": "G", "colour": "red"}, 422, []string{`"colour":`}, nil},
	})
	id := createGroup(t, owner, map[string]any{"name": "Workshop students", "description": "**Glazes** and kilns", "rules": "Be kind"})
	run(t, owner, []scenario{
		{"the group shows its owner and one member", "GET", "/api/v1/groups/" + id, nil, 200,
			[]string{`"name":"Workshop students"`, `"visibility":"public"`, `"join_policy":"open"`, `"members":1`, `\u003cstrong\u003eGlazes`, `"role":"owner"`}, nil},
		{"the maker lists the group", "GET", "/api/v1/makers/potter/groups", nil, 200, []string{`"name":"Workshop students"`, `"url":"/groups/` + id}, nil},
		{"the owner renames it", "PATCH", "/api/v1/groups/" + id, map[string]any{"name": "Kiln club"}, 200, []string{`"name":"Kiln club"`}, nil},
		{"and the maker page follows", "GET", "/api/v1/makers/potter", nil, 200, []string{`"name":"Kiln club"`}, nil},
	})
	run(t, fan, []scenario{
		{"a visitor reads a public group", "GET", "/api/v1/groups/" + id, nil, 200, []string{`"membership":null`}, nil},
		{"only the owner edits it", "PATCH", "/api/v1/groups/" + id, map[string]any{"name": "Mine"}, 403, nil, nil},
		{"a non-member cannot start a thread", "POST", "/api/v1/groups/" + id + "/threads", map[string]any{"title": "Hi", "body": "Hello"}, 403, []string{`"join_group_first"`}, nil},
		{"joining an open group is immediate", "POST", "/api/v1/groups/" + id + "/join", nil, 200, []string{`"status":"active"`, `"role":"member"`}, nil},
		{"joining again changes nothing", "POST", "/api/v1/groups/" + id + "/join", nil, 200, []string{`"status":"active"`}, nil},
		{"the group counts two members", "GET", "/api/v1/groups/" + id, nil, 200, []string{`"members":2`}, nil},
		{"members are listed owner first", "GET", "/api/v1/groups/" + id + "/members", nil, 200, []string{`"handle":"potter","name":"User potter","avatar_url":"","role":"owner"`, `"handle":"clay_fan"`}, nil},
		{"pending requests are for moderators", "GET", "/api/v1/groups/" + id + "/members?status=pending", nil, 403, nil, nil},
		{"a thread needs a title and a body", "POST", "/api/v1/groups/" + id + "/threads", map[string]any{"title": " "}, 422, []string{`"title":`, `"body":`}, nil},
		{"a member cannot pin when starting", "POST", "/api/v1/groups/" + id + "/threads", map[string]any{"title": "x", "body": "y", "pinned": true}, 422, []string{`"pinned":`}, nil},
		{"an unknown work cannot be linked", "POST", "/api/v1/groups/" + id + "/threads", map[string]any{"title": "x", "body": "y", "work_ids": []string{"nope"}}, 422, []string{`"work_ids":`}, nil},
	})
	vase := createWork(t, owner, merge(wallet("published"), "title", "Celadon vase"))
	r := fan.Do("POST", "/api/v1/groups/"+id+"/threads", map[string]any{"title": "My first glaze", "body": "Look at **this**", "work_ids": []string{vase}})
	if r.Status != http.StatusCreated {
		t.Fatalf("start thread: %d %s", r.Status, r.Body)
	}
	var created struct{ Thread struct{ ID string } }
	r.JSON(t, &created)
	th := created.Thread.ID
	run(t, fan, []scenario{
		{"the thread carries its work card and counts", "GET", "/api/v1/threads/" + th, nil, 200,
			[]string{`"title":"My first glaze"`, `\u003cstrong\u003ethis`, `"title":"Celadon vase"`, `"counts":{"replies":0,"reactions":0}`, `"pinned":false`, `"locked":false`, `"flags":[]`, `"pages":1`}, nil},
		{"the work counts the thread", "GET", "/api/v1/works/" + vase, nil, 200, []string{`"threads":1`}, nil},
		{"the group lists it", "GET", "/api/v1/groups/" + id + "/threads", nil, 200, []string{`"title":"My first glaze"`, `"replies":0`}, nil},
		{"a bad sort is named", "GET", "/api/v1/groups/" + id + "/threads?sort=hot", nil, 422, []string{`"sort":`}, nil},
		{"a reply needs a body", "POST", "/api/v1/threads/" + th + "/replies", map[string]any{"body": ""}, 422, []string{`"body":`}, nil},
		{"a reply", "POST", "/api/v1/threads/" + th + "/replies", map[string]any{"body": "First!"}, 201, []string{`"id":"1"`, `"body":"First!"`}, nil},
		{"a quote of it", "POST", "/api/v1/threads/" + th + "/replies", map[string]any{"body": "Agreed", "quote_id": "1"}, 201, []string{`"quote":{"id":"1","handle":"clay_fan","excerpt":"First!"}`}, nil},
		{"a quote of nothing", "POST", "/api/v1/threads/" + th + "/replies", map[string]any{"body": "?", "quote_id": "99"}, 422, []string{`"quote_id":`}, nil},
		{"the replies page", "GET", "/api/v1/threads/" + th + "/replies", nil, 200, []string{`"page":1`, `"pages":1`, `"First!"`, `"Agreed"`}, nil},
		{"page two does not exist", "GET", "/api/v1/threads/" + th + "/replies?page=2", nil, 404, nil, nil},
		{"page zero is invalid", "GET", "/api/v1/threads/" + th + "/replies?page=0", nil, 422, []string{`"page":`}, nil},
		{"the author edits a reply", "PATCH", "/api/v1/threads/" + th + "/replies/1", map[string]any{"body": "First, edited"}, 200, []string{`"edited":true`, `"First, edited"`}, nil},
		{"likes the thread", "POST", "/api/v1/threads/" + th + "/reactions", nil, 204, nil, nil},
		{"twice", "POST", "/api/v1/threads/" + th + "/reactions", nil, 204, nil, nil},
		{"and a reply", "POST", "/api/v1/threads/" + th + "/replies/2/reactions", nil, 204, nil, nil},
		{"the like counts once", "GET", "/api/v1/threads/" + th, nil, 200, []string{`"reactions":1`, `"reacted":true`, `"replies":2`}, nil},
		{"the reply's like shows", "GET", "/api/v1/threads/" + th + "/replies", nil, 200, []string{`"reactions":1,"reacted":true`}, nil},
		{"unlike", "DELETE", "/api/v1/threads/" + th + "/reactions", nil, 204, nil, nil},
		{"unliked", "GET", "/api/v1/threads/" + th, nil, 200, []string{`"reactions":0`, `"reacted":false`}, nil},
		{"a member cannot pin", "PATCH", "/api/v1/threads/" + th, map[string]any{"pinned": true}, 403, nil, nil},
		{"the author edits the title", "PATCH", "/api/v1/threads/" + th, map[string]any{"title": "My first celadon"}, 200, []string{`"title":"My first celadon"`, `"edited":true`}, nil},
	})
	run(t, owner, []scenario{
		{"the owner cannot edit someone's reply", "PATCH", "/api/v1/threads/" + th + "/replies/1", map[string]any{"body": "mine"}, 403, nil, nil},
		{"the owner pins and locks", "PATCH", "/api/v1/threads/" + th, map[string]any{"pinned": true, "locked": true}, 200, []string{`"pinned":true`, `"locked":true`}, nil},
		{"a moderator may still reply to a locked thread", "POST", "/api/v1/threads/" + th + "/replies", map[string]any{"body": "Locked now"}, 201, nil, nil},
		{"the owner deletes a reply", "DELETE", "/api/v1/threads/" + th + "/replies/2", nil, 204, nil, nil},
		{"moderators still read it", "GET", "/api/v1/threads/" + th + "/replies", nil, 200, []string{`"body":"Agreed","body_html":"\u003cp\u003eAgreed\u003c/p\u003e\n","quote"`}, nil},
		{"the owner cannot leave", "DELETE", "/api/v1/groups/" + id + "/membership", nil, 409, nil, nil},
	})
	run(t, fan, []scenario{
		{"a locked thread refuses replies", "POST", "/api/v1/threads/" + th + "/replies", map[string]any{"body": "Hello?"}, 423, []string{`"thread_locked"`}, nil},
		{"others see the reply as deleted", "GET", "/api/v1/threads/" + th + "/replies", nil, 200, []string{`"body":"","body_html":"","quote"`, `"deleted":true`}, nil},
		{"leaving", "DELETE", "/api/v1/groups/" + id + "/membership", nil, 204, nil, nil},
		{"leaves one member", "GET", "/api/v1/groups/" + id, nil, 200, []string{`"members":1`, `"membership":null`}, nil},
	})
	run(t, owner, []scenario{
		{"the owner hides the thread", "PATCH", "/api/v1/threads/" + th, map[string]any{"hidden": true}, 200, []string{`"hidden":true`}, nil},
	})
	run(t, fan, []scenario{
		{"a hidden thread is gone for others", "GET", "/api/v1/threads/" + th, nil, 404, nil, nil},
		{"and from the group's list", "GET", "/api/v1/groups/" + id + "/threads", nil, 200, []string{`"items":[]`}, nil},
	})
}

// TestTheAccessMatrix asserts every cell: eight kinds of viewer, a public
// and a private group, reading a thread, replying and moderating.
func TestTheAccessMatrix(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "matrix_owner")
	groups := map[string]string{
		"public":  createGroup(t, owner, map[string]any{"name": "Open house", "visibility": "public", "join_policy": "approval"}),
		"private": createGroup(t, owner, map[string]any{"name": "Inner circle", "visibility": "private", "join_policy": "approval"}),
	}
	threads := map[string]string{}
	for vis, g := range groups {
		threads[vis] = startThread(t, owner, g, "Matrix "+vis+" thread", "Body of the "+vis+" thread")
	}
	viewers := map[string]*testrig.Client{"visitor": rig.Client(t)}
	for _, role := range []string{"nonmember", "pending", "member", "moderator", "banned", "admin"} {
		c := rig.Client(t)
		c.SignUp("m_" + role)
		viewers[role] = c
		for _, g := range groups {
			switch role {
			case "pending", "member", "moderator", "banned":
				if r := c.Do("POST", "/api/v1/groups/"+g+"/join", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"pending"`) {
					t.Fatalf("ask to join: %d %s", r.Status, r.Body)
				}
			}
			change := map[string]map[string]any{"member": {"status": "active"}, "moderator": {"status": "active", "role": "moderator"},
				"banned": {"status": "banned"}}[role]
			if change != nil {
				if role == "banned" { // a member first, then banned: access must go at once
					owner.Do("POST", "/api/v1/groups/"+g+"/members/m_banned", map[string]any{"status": "active"})
				}
				if r := owner.Do("POST", "/api/v1/groups/"+g+"/members/m_"+role, change); r.Status != 200 {
					t.Fatalf("set %s: %d %s", role, r.Status, r.Body)
				}
			}
		}
	}
	if _, err := rig.App.Accounts.ChangeRoles(context.Background(), "m_admin", []string{"admin"}, nil); err != nil {
		t.Fatal(err)
	}
	viewers["owner"] = owner
	// status wanted for read, reply, moderate
	want := map[string]map[string][3]int{
		"public": {
			"visitor": {200, 401, 401}, "nonmember": {200, 403, 403}, "pending": {200, 403, 403}, "member": {200, 201, 403},
			"moderator": {200, 201, 200}, "owner": {200, 201, 200}, "banned": {200, 403, 403}, "admin": {200, 403, 200},
		},
		"private": {
			"visitor": {404, 401, 401}, "nonmember": {404, 404, 404}, "pending": {404, 404, 404}, "member": {200, 201, 403},
			"moderator": {200, 201, 200}, "owner": {200, 201, 200}, "banned": {404, 404, 404}, "admin": {200, 403, 200},
		},
	}
	for vis, byViewer := range want {
		for who, w := range byViewer {
			t.Run(vis+"/"+who, func(t *testing.T) {
				c, th := viewers[who], threads[vis]
				if r := c.Do("GET", "/api/v1/threads/"+th, nil); r.Status != w[0] {
					t.Errorf("read thread: %d, want %d: %s", r.Status, w[0], r.Body)
				}
				if r := c.Do("GET", "/api/v1/threads/"+th+"/replies", nil); r.Status != w[0] {
					t.Errorf("read replies: %d, want %d", r.Status, w[0])
				}
				if r := c.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "from " + who}); r.Status != w[1] {
					t.Errorf("reply: %d, want %d: %s", r.Status, w[1], r.Body)
				}
				if r := c.Do("PATCH", "/api/v1/threads/"+th, map[string]any{"pinned": true}); r.Status != w[2] {
					t.Errorf("moderate: %d, want %d: %s", r.Status, w[2], r.Body)
				}
				found := strings.Contains(string(c.Do("GET", "/api/v1/search?type=threads&q=Matrix", nil).Body), "Matrix "+vis)
				if found != (w[0] == 200) {
					t.Errorf("thread search finds the %s thread: %v, want %v", vis, found, w[0] == 200)
				}
			})
		}
	}
}

func TestRepliesArePagedFiftyToABucketInOrder(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "pager")
	g := createGroup(t, owner, map[string]any{"name": "Long talk"})
	th := startThread(t, owner, g, "A long thread", "Let us talk")
	for i := 1; i <= 120; i++ {
		if r := owner.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": fmt.Sprintf("reply number %d", i)}); r.Status != 201 {
			t.Fatalf("reply %d: %d %s", i, r.Status, r.Body)
		}
	}
	next := 1
	for page := 1; page <= 3; page++ {
		var out struct {
			Items []struct{ ID, Body string }
			Page  int
			Pages int
		}
		owner.Do("GET", fmt.Sprintf("/api/v1/threads/%s/replies?page=%d", th, page), nil).JSON(t, &out)
		if out.Page != page || out.Pages != 3 {
			t.Fatalf("page %d says page %d of %d", page, out.Page, out.Pages)
		}
		wantLen := map[int]int{1: 50, 2: 50, 3: 20}[page]
		if len(out.Items) != wantLen {
			t.Fatalf("page %d holds %d replies, want %d", page, len(out.Items), wantLen)
		}
		for _, it := range out.Items {
			if it.ID != fmt.Sprint(next) || it.Body != fmt.Sprintf("reply number %d", next) {
				t.Fatalf("page %d: got reply %s %q, want %d", page, it.ID, it.Body, next)
			}
			next++
		}
	}
	run(t, owner, []scenario{
		{"page=last is page three", "GET", "/api/v1/threads/" + th + "/replies?page=last", nil, 200, []string{`"page":3`, `"reply number 120"`}, nil},
		{"the thread counts 120", "GET", "/api/v1/threads/" + th, nil, 200, []string{`"replies":120`, `"pages":3`}, nil},
	})
}

func TestFiftyConcurrentRepliesAreAllKeptExactlyOnce(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_SERVICE_TIMEOUT", "2m"), testrig.WithEnv("GUILDHALL_REQUEST_TIMEOUT", "2m"))
	owner := openStudio(t, rig, "busy_maker")
	g := createGroup(t, owner, map[string]any{"name": "Busy"})
	th := startThread(t, owner, g, "Everyone at once", "Go!")
	fans := make([]*testrig.Client, 10)
	for i := range fans {
		fans[i] = member(t, rig, fmt.Sprintf("rush_%d", i), g)
	}
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = fans[i%10].Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": fmt.Sprintf("rush %d", i)}).Status
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 201 {
			t.Fatalf("reply %d: status %d", i, s)
		}
	}
	var ids, bodies []string
	for page := 1; page <= 2; page++ {
		var out struct{ Items []struct{ ID, Body string } }
		r := owner.Do("GET", fmt.Sprintf("/api/v1/threads/%s/replies?page=%d", th, page), nil)
		if page == 2 && r.Status == 404 {
			break
		}
		r.JSON(t, &out)
		for _, it := range out.Items {
			ids, bodies = append(ids, it.ID), append(bodies, it.Body)
		}
	}
	slices.Sort(bodies)
	if len(ids) != 50 || len(slices.Compact(slices.Clone(bodies))) != 50 {
		t.Fatalf("%d replies stored (%d distinct), want 50", len(ids), len(slices.Compact(bodies)))
	}
	for i, id := range ids {
		if id != fmt.Sprint(i+1) {
			t.Fatalf("reply ids %v: want 1..50 in order", ids)
		}
	}
	run(t, owner, []scenario{
		{"the count is exact", "GET", "/api/v1/threads/" + th, nil, 200, []string{`"replies":50`}, nil},
	})
}

func unread(t *testing.T, c *testrig.Client) (n int, items []struct{ Type, Title, Excerpt string }) {
	t.Helper()
	var out struct {
		Unread int
		Items  []struct{ Type, Title, Excerpt string }
	}
	c.Do("GET", "/api/v1/notifications", nil).JSON(t, &out)
	return out.Unread, out.Items
}

func TestAMentionNotifiesTheMentionedUserOnce(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "host")
	g := createGroup(t, owner, map[string]any{"name": "Talk"})
	writer := member(t, rig, "writer", g)
	named := member(t, rig, "named_one", g)
	th := startThread(t, owner, g, "Introductions", "Say hello")
	// The thread's author is mentioned in a reply to their own thread: one
	// notification (the mention), not two.
	r := writer.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "Hi @named_one and @HOST, and @named_one again; mail me@example.com"})
	if r.Status != 201 || !strings.Contains(string(r.Body), `href=\"/@named_one\"`) {
		t.Fatalf("reply: %d %s", r.Status, r.Body)
	}
	writer.Do("PATCH", "/api/v1/threads/"+th+"/replies/1", map[string]any{"body": "Hello @named_one (edited)"})
	for _, c := range []struct {
		who    *testrig.Client
		wanted []string
	}{{named, []string{"mention"}}, {owner, []string{"mention"}}} {
		n, items := unread(t, c.who)
		var types []string
		for _, it := range items {
			types = append(types, it.Type)
		}
		if n != len(c.wanted) || !slices.Equal(types, c.wanted) {
			t.Errorf("notifications %v (unread %d), want %v", types, n, c.wanted)
		}
	}
	// A plain reply tells the thread's author, once.
	writer.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "Anyone?"})
	if n, items := unread(t, owner); n != 2 || items[0].Type != "reply" || items[0].Excerpt != "Anyone?" {
		t.Fatalf("after a reply the author has %d unread: %+v", n, items)
	}
	run(t, owner, []scenario{
		{"mark all read", "POST", "/api/v1/notifications/read", nil, 204, nil, nil},
		{"nothing unread", "GET", "/api/v1/notifications/unread", nil, 200, []string{`{"unread":0}`}, nil},
	})
}

func TestPrivateThreadsStayOutOfSearchFeedsAndPreviewsForThoseOutside(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "secret_keeper")
	g := createGroup(t, owner, map[string]any{"name": "Backroom", "visibility": "private"})
	insider := member(t, rig, "insider", g)
	outsider := rig.Client(t)
	outsider.SignUp("outsider")
	outsider.Do("POST", "/api/v1/makers/secret_keeper/follow", nil)
	insider.Do("POST", "/api/v1/makers/secret_keeper/follow", nil)
	th := startThread(t, owner, g, "Secret glaze recipe", "Ash and feldspar")
	insider.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "Thanks @secret_keeper"})
	owner.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "You're welcome @insider"})
	for _, sc := range []struct {
		who  *testrig.Client
		sees bool
	}{{insider, true}, {outsider, false}, {rig.Client(t), false}} {
		body := string(sc.who.Do("GET", "/api/v1/search?type=threads&q=glaze", nil).Body)
		if strings.Contains(body, "Secret glaze") != sc.sees {
			t.Errorf("search: sees=%v: %s", sc.sees, body)
		}
	}
	if !strings.Contains(string(insider.Do("GET", "/api/v1/feed", nil).Body), "Secret glaze recipe") {
		t.Error("a member's feed lacks the private thread")
	}
	if strings.Contains(string(outsider.Do("GET", "/api/v1/feed", nil).Body), "Secret glaze") {
		t.Error("a follower who is not a member sees the private thread in the feed")
	}
	if n, items := unread(t, insider); n != 1 || items[0].Title != "Secret glaze recipe" {
		t.Fatalf("the member's mention: %d %+v", n, items)
	}
	// Banned: access goes at once, everywhere.
	run(t, owner, []scenario{
		{"the owner bans the insider", "POST", "/api/v1/groups/" + g + "/members/insider", map[string]any{"status": "banned"}, 200, []string{`"status":"banned"`}, nil},
	})
	run(t, insider, []scenario{
		{"the thread is gone", "GET", "/api/v1/threads/" + th, nil, 404, nil, nil},
		{"so are its replies", "GET", "/api/v1/threads/" + th + "/replies", nil, 404, nil, nil},
		{"from search", "GET", "/api/v1/search?type=threads&q=glaze", nil, 200, []string{`"items":[]`}, nil},
		{"the notification keeps no preview", "GET", "/api/v1/notifications", nil, 200, []string{`"hidden":true`, `"title":""`}, nil},
		{"a banned member cannot rejoin", "POST", "/api/v1/groups/" + g + "/join", nil, 403, []string{`"banned_from_group"`}, nil},
	})
	if strings.Contains(string(insider.Do("GET", "/api/v1/feed", nil).Body), "Secret glaze") {
		t.Error("the banned member's feed still shows the private thread")
	}
	// Made public, the group's threads are found by all.
	run(t, owner, []scenario{
		{"the owner opens the group", "PATCH", "/api/v1/groups/" + g, map[string]any{"visibility": "public"}, 200, nil, nil},
	})
	run(t, outsider, []scenario{
		{"now anyone finds it", "GET", "/api/v1/search?type=threads&q=glaze", nil, 200, []string{"Secret glaze recipe"}, nil},
	})
	run(t, owner, []scenario{
		{"closed again", "PATCH", "/api/v1/groups/" + g, map[string]any{"visibility": "private"}, 200, nil, nil},
	})
	run(t, outsider, []scenario{
		{"and hidden again", "GET", "/api/v1/search?type=threads&q=glaze", nil, 200, []string{`"items":[]`}, nil},
	})
}

func TestOffPlatformPostsWarnReadersAndReachTheModerators(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "mod_maker")
	g := createGroup(t, owner, map[string]any{"name": "Market talk"})
	seller := member(t, rig, "sly_seller", g)
	reader := member(t, rig, "reader_x", g)
	th := startThread(t, seller, g, "Selling my old tools", "便宜出，加微信 leather2024 私聊")
	run(t, reader, []scenario{
		{"the thread carries the flag", "GET", "/api/v1/threads/" + th, nil, 200, []string{`"flags":["off_platform"]`}, nil},
		{"a clean reply carries none", "POST", "/api/v1/threads/" + th + "/replies", map[string]any{"body": "How much for the awl?"}, 201, []string{`"flags":[]`}, nil},
		{"a reader reports the thread", "POST", "/api/v1/reports", map[string]any{"target_type": "thread", "target_id": th, "reason": "spam"}, 201, nil, nil},
		{"a bad reason is named", "POST", "/api/v1/reports", map[string]any{"target_type": "thread", "target_id": th, "reason": "ugly"}, 422, []string{`"reason":`}, nil},
		{"members do not see the queue", "GET", "/api/v1/moderation/reports", nil, 403, nil, nil},
		{"a reader mutes the seller", "POST", "/api/v1/users/sly_seller/mute", nil, 204, nil, nil},
		{"and sees the thread muted", "GET", "/api/v1/threads/" + th, nil, 200, []string{`"muted":true`}, nil},
	})
	seller.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "Call 138 1234 5678"})
	var queue struct {
		Items []struct {
			ID, Reason string
			Target     struct{ Type, ID string }
		}
	}
	owner.Do("GET", "/api/v1/moderation/reports", nil).JSON(t, &queue)
	var seen []string
	for _, it := range queue.Items {
		seen = append(seen, it.Target.Type+":"+it.Reason)
	}
	slices.Sort(seen)
	if !slices.Equal(seen, []string{"reply:off_platform", "thread:off_platform"}) {
		t.Fatalf("the group's moderation queue: %v", seen)
	}
	run(t, owner, []scenario{
		{"the owner resolves one", "POST", "/api/v1/moderation/reports/" + queue.Items[0].ID, map[string]any{"action": "resolve", "note": "warned"}, 200, []string{`"status":"resolved"`}, nil},
		{"the audit trail has it", "GET", "/api/v1/moderation/audit?group_id=" + g, nil, 200, []string{`"resolve`}, nil},
	})
}

func TestNewAccountsMayPostLessOftenThanEstablishedOnes(t *testing.T) {
	rig := testrig.MustStart(t, testrig.WithEnv("GUILDHALL_RATELIMIT", "on"),
		testrig.WithEnv("GUILDHALL_RATELIMIT_POST_NEW", "3/10m"), testrig.WithEnv("GUILDHALL_RATELIMIT_POST", "20/10m"))
	owner := openStudio(t, rig, "limit_maker")
	g := createGroup(t, owner, map[string]any{"name": "Chatty"})
	newbie := member(t, rig, "newbie", g)
	th := startThread(t, newbie, g, "Hello", "I am new")
	for i := range 2 {
		if r := newbie.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": fmt.Sprint("more ", i)}); r.Status != 201 {
			t.Fatalf("post %d: %d", i, r.Status)
		}
	}
	r := newbie.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "one too many"})
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the fourth post of a new account: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	// A day later the same account posts under the established limit.
	_, err := rig.App.DB.Database.Collection("users").UpdateOne(context.Background(), bson.M{"handle": "newbie"},
		bson.M{"$set": bson.M{"created_at": time.Now().Add(-25 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if r := newbie.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "a day later"}); r.Status != 201 {
		t.Fatalf("an established account's post: %d %s", r.Status, r.Body)
	}
}

func TestTheDiscoverPageShowsActivePublicThreadsOnly(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "lively")
	open := createGroup(t, owner, map[string]any{"name": "Open circle"})
	closed := createGroup(t, owner, map[string]any{"name": "Closed circle", "visibility": "private"})
	quiet := startThread(t, owner, open, "A quiet thread", "Hm")
	startThread(t, owner, open, "A busy thread", "Hey")
	startThread(t, owner, closed, "A private thread", "Shh")
	owner.Do("POST", "/api/v1/threads/"+quiet+"/replies", map[string]any{"body": "now it is the most recent"})
	d, err := rig.App.Discovery.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, th := range d.ActiveThreads {
		titles = append(titles, th.Title)
	}
	if !slices.Equal(titles, []string{"A quiet thread", "A busy thread"}) {
		t.Fatalf("active threads %v: want the public ones, latest activity first", titles)
	}
	run(t, rig.Client(t), []scenario{
		{"the discover API carries them", "GET", "/api/v1/discover", nil, 200, []string{`"active_threads":[{"id":"` + quiet}, nil},
		{"the home page lists them", "GET", "/", nil, 200, []string{`data-testid="active-threads"`, "A busy thread"}, nil},
	})
}

func TestEachKindOfEventNotifiesWhoItConcerns(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "notified_maker")
	g := createGroup(t, owner, map[string]any{"name": "By approval", "join_policy": "approval"})
	fan := rig.Client(t)
	fan.SignUp("eager_fan")
	run(t, fan, []scenario{
		{"the fan follows", "POST", "/api/v1/makers/notified_maker/follow", nil, 204, nil, nil},
		{"unfollows and follows again", "DELETE", "/api/v1/makers/notified_maker/follow", nil, 204, nil, nil},
		{"follows again", "POST", "/api/v1/makers/notified_maker/follow", nil, 204, nil, nil},
		{"asks to join", "POST", "/api/v1/groups/" + g + "/join", nil, 200, []string{`"status":"pending"`}, nil},
		{"cannot post while pending", "POST", "/api/v1/groups/" + g + "/threads", map[string]any{"title": "t", "body": "b"}, 403, []string{`"membership_pending"`}, nil},
	})
	types := func(c *testrig.Client) []string {
		_, items := unread(t, c)
		var out []string
		for _, it := range items {
			out = append(out, it.Type)
		}
		return out
	}
	if got := types(owner); !slices.Equal(got, []string{"join_request", "follow"}) {
		t.Fatalf("the maker's notifications %v: want one follow (not two) and the join request", got)
	}
	run(t, owner, []scenario{
		{"the owner sees the request", "GET", "/api/v1/groups/" + g + "/members?status=pending", nil, 200, []string{`"handle":"eager_fan"`}, nil},
		{"and approves it", "POST", "/api/v1/groups/" + g + "/members/eager_fan", map[string]any{"status": "active"}, 200, []string{`"status":"active"`}, nil},
		{"the group counts two members, none pending", "GET", "/api/v1/groups/" + g, nil, 200, []string{`"members":2,"pending":0`}, nil},
	})
	th := startThread(t, fan, g, "Thank you", "Glad to be here")
	run(t, owner, []scenario{
		{"the owner likes the thread", "POST", "/api/v1/threads/" + th + "/reactions", nil, 204, nil, nil},
	})
	if got := types(fan); !slices.Equal(got, []string{"reaction", "join_approved"}) {
		t.Fatalf("the fan's notifications %v", got)
	}
	var box struct{ Items []struct{ ID string } }
	fan.Do("GET", "/api/v1/notifications", nil).JSON(t, &box)
	run(t, fan, []scenario{
		{"marking one read", "POST", "/api/v1/notifications/read", map[string]any{"ids": []string{box.Items[0].ID}}, 204, nil, nil},
		{"leaves one unread", "GET", "/api/v1/notifications/unread", nil, 200, []string{`{"unread":1}`}, nil},
		{"a bad id is named", "POST", "/api/v1/notifications/read", map[string]any{"ids": []string{"x"}}, 422, []string{`"ids":`}, nil},
		{"notifications need a session", "GET", "/api/v1/notifications", nil, 401, nil, []string{"Authorization", "Bearer nope"}},
	})
}

func TestTheUnreadCountStreamsAsNotificationsArrive(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "streamer")
	fan := rig.Client(t)
	fan.SignUp("listener")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", rig.URL+"/api/v1/notifications/stream", nil)
	req.Header.Set("Authorization", "Bearer "+owner.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := bufio.NewScanner(resp.Body)
	next := func() string {
		t.Helper()
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				return data
			}
		}
		t.Fatalf("stream ended: %v", lines.Err())
		return ""
	}
	if got := next(); got != `{"unread":0}` {
		t.Fatalf("first event %s", got)
	}
	fan.Do("POST", "/api/v1/makers/streamer/follow", nil)
	if got := next(); got != `{"unread":1}` {
		t.Fatalf("after a follow: %s", got)
	}
	owner.Do("POST", "/api/v1/notifications/read", nil)
	if got := next(); got != `{"unread":0}` {
		t.Fatalf("after reading: %s", got)
	}
	run(t, rig.Client(t), []scenario{
		{"the stream needs a session", "GET", "/api/v1/notifications/stream", nil, 401, nil, nil},
	})
}

func TestDeletedAndHiddenPostsLeaveNoTextBehind(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "tidy_maker")
	g := createGroup(t, owner, map[string]any{"name": "Tidy"})
	rude := member(t, rig, "rude_one", g)
	reader := member(t, rig, "reader_one", g)
	th := startThread(t, owner, g, "Tidy thread", "Be nice")
	rude.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "NASTY WORDS"})
	reader.Do("POST", "/api/v1/threads/"+th+"/replies", map[string]any{"body": "Please stop", "quote_id": "1"})
	if _, err := rig.App.Discovery.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	run(t, owner, []scenario{
		{"the owner deletes the rude reply", "DELETE", "/api/v1/threads/" + th + "/replies/1", nil, 204, nil, nil},
	})
	for _, c := range []*testrig.Client{reader, rig.Client(t)} {
		if body := string(c.Do("GET", "/api/v1/threads/"+th+"/replies", nil).Body); strings.Contains(body, "NASTY") {
			t.Fatalf("the deleted text shows, through the quote or the reply: %s", body)
		}
		if body := string(c.Do("GET", "/threads/"+th, nil).Body); strings.Contains(body, "NASTY") {
			t.Fatal("the thread page shows the deleted text")
		}
	}
	if body := string(owner.Do("GET", "/api/v1/threads/"+th+"/replies", nil).Body); !strings.Contains(body, "NASTY") {
		t.Fatal("moderators no longer see what was deleted")
	}
	r := reader.Do("POST", "/api/v1/reports", map[string]any{"target_type": "reply", "target_id": th + ":1", "reason": "harassment"})
	if r.Status != 201 || strings.Contains(string(r.Body), "NASTY") {
		t.Fatalf("the report receipt: %d %s", r.Status, r.Body)
	}
	run(t, owner, []scenario{
		{"the owner hides the thread", "PATCH", "/api/v1/threads/" + th, map[string]any{"hidden": true}, 200, nil, nil},
		{"bans the rude member", "POST", "/api/v1/groups/" + g + "/members/rude_one", map[string]any{"status": "banned"}, 200, nil, nil},
		{"deletes the thread", "DELETE", "/api/v1/threads/" + th, nil, 204, nil, nil},
		{"the group counts no thread", "GET", "/api/v1/groups/" + g, nil, 200, []string{`"threads":0`, `"members":2`}, nil},
	})
	if body := string(rig.Client(t).Do("GET", "/api/v1/discover", nil).Body); strings.Contains(body, "Tidy thread") {
		t.Fatal("the discover page still lists the hidden thread")
	}
	run(t, rude, []scenario{
		{"the banned member cannot rejoin", "POST", "/api/v1/groups/" + g + "/join", nil, 403, nil, nil},
		{"nor lift the ban by leaving", "DELETE", "/api/v1/groups/" + g + "/membership", nil, 403, nil, nil},
	})
	run(t, owner, []scenario{
		{"the owner lifts the ban", "DELETE", "/api/v1/groups/" + g + "/members/rude_one", nil, 204, nil, nil},
	})
	run(t, rude, []scenario{
		{"and they may join again", "POST", "/api/v1/groups/" + g + "/join", nil, 200, []string{`"status":"active"`}, nil},
	})
}

func TestTheFeedMergesWorksAndThreadsNewestFirstAcrossPages(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "feed_maker")
	g := createGroup(t, maker, map[string]any{"name": "Feed circle"})
	fan := rig.Client(t)
	fan.SignUp("feed_fan")
	fan.Do("POST", "/api/v1/makers/feed_maker/follow", nil)
	var want []string
	for i := range 3 {
		createWork(t, maker, merge(wallet("published"), "title", fmt.Sprint("work ", i)))
		startThread(t, maker, g, fmt.Sprint("thread ", i), "news")
		want = append(want, fmt.Sprint("work ", i), fmt.Sprint("thread ", i))
	}
	slices.Reverse(want)
	var got []string
	cursor := ""
	for range 10 {
		var page struct {
			Items []struct {
				Type   string
				Work   struct{ Title string }
				Thread struct{ Title string }
			}
			NextCursor *string `json:"next_cursor"`
		}
		fan.Do("GET", "/api/v1/feed?limit=2&cursor="+cursor, nil).JSON(t, &page)
		for _, it := range page.Items {
			got = append(got, it.Work.Title+it.Thread.Title)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("feed %v, want %v", got, want)
	}
	run(t, fan, []scenario{
		{"a bad cursor is named", "GET", "/api/v1/feed?cursor=nope", nil, 422, []string{`"cursor":`}, nil},
	})
}
