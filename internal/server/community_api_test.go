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
	return created(t, owner, "/api/v1/groups", body, "group")
}

// startThread starts a thread through the API and returns its id.
func startThread(t *testing.T, c *testrig.Client, groupID, title, body string) string {
	t.Helper()
	return created(t, c, "/api/v1/groups/"+groupID+"/threads", map[string]any{"title": title, "body": body}, "thread")
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
	steps := numbered(t)
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "potter")
	fan := rig.Client(t)
	fan.SignUp("clay_fan")
	steps.run(fan, []scenario{
		{Name: "only makers create groups", Method: "POST", Path: "/api/v1/groups",
			Body: map[string]any{"name": "Fans"}, Status: 403, Expected: []string{`"open_a_studio_first"`}},
	})
	steps.run(owner, []scenario{
		{Name: "a group needs a name", Method: "POST", Path: "/api/v1/groups", Body: map[string]any{"description": "x"},
			Status: 422, Expected: []string{`"name":`}},
		{Name: "visibility is public or private", Method: "POST", Path: "/api/v1/groups",
			Body: map[string]any{"name": "G", "visibility": "secret"}, Status: 422, Expected: []string{`"visibility":`}},
		{Name: "join policy is open or approval", Method: "POST", Path: "/api/v1/groups",
			Body: map[string]any{"name": "G", "join_policy": "invite"}, Status: 422, Expected: []string{`"join_policy":`}},
		{Name: "unknown fields are named", Method: "POST", Path: "/api/v1/groups",
			Body: map[string]any{"name": "G", "colour": "red"}, Status: 422, Expected: []string{`"colour":`}},
	})
	id := createGroup(t, owner, map[string]any{"name": "Workshop students", "description": "**Glazes** and kilns", "rules": "Be kind"})
	steps.run(owner, []scenario{
		{Name: "the group shows its owner and one member", Method: "GET", Path: "/api/v1/groups/" + id, Status: 200,
			Expected: []string{`"name":"Workshop students"`, `"visibility":"public"`, `"join_policy":"open"`, `"members":1`, `\u003cstrong\u003eGlazes`, `"role":"owner"`}},
		{Name: "the maker lists the group", Method: "GET", Path: "/api/v1/makers/potter/groups", Status: 200,
			Expected: []string{`"name":"Workshop students"`, `"url":"/groups/` + id}},
		{Name: "the owner renames it", Method: "PATCH", Path: "/api/v1/groups/" + id,
			Body: map[string]any{"name": "Kiln club"}, Status: 200, Expected: []string{`"name":"Kiln club"`}},
		{Name: "and the maker page follows", Method: "GET", Path: "/api/v1/makers/potter", Status: 200,
			Expected: []string{`"name":"Kiln club"`}},
	})
	steps.run(fan, []scenario{
		{Name: "a visitor reads a public group", Method: "GET", Path: "/api/v1/groups/" + id, Status: 200,
			Expected: []string{`"membership":null`}},
		{Name: "only the owner edits it", Method: "PATCH", Path: "/api/v1/groups/" + id,
			Body: map[string]any{"name": "Mine"}, Status: 403},
		{Name: "a non-member cannot start a thread", Method: "POST", Path: "/api/v1/groups/" + id + "/threads",
			Body: map[string]any{"title": "Hi", "body": "Hello"}, Status: 403, Expected: []string{`"join_group_first"`}},
		{Name: "joining an open group is immediate", Method: "POST", Path: "/api/v1/groups/" + id + "/join",
			Status: 200, Expected: []string{`"status":"active"`, `"role":"member"`}},
		{Name: "joining again changes nothing", Method: "POST", Path: "/api/v1/groups/" + id + "/join", Status: 200,
			Expected: []string{`"status":"active"`}},
		{Name: "the group counts two members", Method: "GET", Path: "/api/v1/groups/" + id, Status: 200,
			Expected: []string{`"members":2`}},
		{Name: "members are listed owner first", Method: "GET", Path: "/api/v1/groups/" + id + "/members", Status: 200,
			Expected: []string{`"handle":"potter","name":"User potter","avatar_url":"","role":"owner"`, `"handle":"clay_fan"`}},
		{Name: "pending requests are for moderators", Method: "GET",
			Path: "/api/v1/groups/" + id + "/members?status=pending", Status: 403},
		{Name: "a thread needs a title and a body", Method: "POST", Path: "/api/v1/groups/" + id + "/threads",
			Body: map[string]any{"title": " "}, Status: 422, Expected: []string{`"title":`, `"body":`}},
		{Name: "a member cannot pin when starting", Method: "POST", Path: "/api/v1/groups/" + id + "/threads",
			Body: map[string]any{"title": "x", "body": "y", "pinned": true}, Status: 422, Expected: []string{`"pinned":`}},
		{Name: "an unknown work cannot be linked", Method: "POST", Path: "/api/v1/groups/" + id + "/threads",
			Body: map[string]any{"title": "x", "body": "y", "work_ids": []string{"nope"}}, Status: 422,
			Expected: []string{`"work_ids":`}},
	})
	vase := createWork(t, owner, merge(wallet("published"), "title", "Celadon vase"))
	r := fan.Do("POST", "/api/v1/groups/"+id+"/threads", map[string]any{"title": "My first glaze", "body": "Look at **this**", "work_ids": []string{vase}})
	if r.Status != http.StatusCreated {
		t.Fatalf("start thread: %d %s", r.Status, r.Body)
	}
	var created struct{ Thread struct{ ID string } }
	r.JSON(t, &created)
	th := created.Thread.ID
	steps.run(fan, []scenario{
		{Name: "the thread carries its work card and counts", Method: "GET", Path: "/api/v1/threads/" + th, Status: 200,
			Expected: []string{`"title":"My first glaze"`, `\u003cstrong\u003ethis`, `"title":"Celadon vase"`, `"counts":{"replies":0,"reactions":0}`, `"pinned":false`, `"locked":false`, `"flags":[]`, `"pages":1`}},
		{Name: "the work counts the thread", Method: "GET", Path: "/api/v1/works/" + vase, Status: 200,
			Expected: []string{`"threads":1`}},
		{Name: "the group lists it", Method: "GET", Path: "/api/v1/groups/" + id + "/threads", Status: 200,
			Expected: []string{`"title":"My first glaze"`, `"replies":0`}},
		{Name: "a bad sort is named", Method: "GET", Path: "/api/v1/groups/" + id + "/threads?sort=hot", Status: 422,
			Expected: []string{`"sort":`}},
		{Name: "a reply needs a body", Method: "POST", Path: "/api/v1/threads/" + th + "/replies",
			Body: map[string]any{"body": ""}, Status: 422, Expected: []string{`"body":`}},
		{Name: "a reply", Method: "POST", Path: "/api/v1/threads/" + th + "/replies",
			Body: map[string]any{"body": "First!"}, Status: 201, Expected: []string{`"id":"1"`, `"body":"First!"`}},
		{Name: "a quote of it", Method: "POST", Path: "/api/v1/threads/" + th + "/replies",
			Body: map[string]any{"body": "Agreed", "quote_id": "1"}, Status: 201,
			Expected: []string{`"quote":{"id":"1","handle":"clay_fan","excerpt":"First!"}`}},
		{Name: "a quote of nothing", Method: "POST", Path: "/api/v1/threads/" + th + "/replies",
			Body: map[string]any{"body": "?", "quote_id": "99"}, Status: 422, Expected: []string{`"quote_id":`}},
		{Name: "the replies page", Method: "GET", Path: "/api/v1/threads/" + th + "/replies", Status: 200,
			Expected: []string{`"page":1`, `"pages":1`, `"First!"`, `"Agreed"`}},
		{Name: "page two does not exist", Method: "GET", Path: "/api/v1/threads/" + th + "/replies?page=2", Status: 404},
		{Name: "page zero is invalid", Method: "GET", Path: "/api/v1/threads/" + th + "/replies?page=0", Status: 422,
			Expected: []string{`"page":`}},
		{Name: "the author edits a reply", Method: "PATCH", Path: "/api/v1/threads/" + th + "/replies/1",
			Body: map[string]any{"body": "First, edited"}, Status: 200,
			Expected: []string{`"edited":true`, `"First, edited"`}},
		{Name: "likes the thread", Method: "POST", Path: "/api/v1/threads/" + th + "/reactions", Status: 204},
		{Name: "twice", Method: "POST", Path: "/api/v1/threads/" + th + "/reactions", Status: 204},
		{Name: "and a reply", Method: "POST", Path: "/api/v1/threads/" + th + "/replies/2/reactions", Status: 204},
		{Name: "the like counts once", Method: "GET", Path: "/api/v1/threads/" + th, Status: 200,
			Expected: []string{`"reactions":1`, `"reacted":true`, `"replies":2`}},
		{Name: "the reply's like shows", Method: "GET", Path: "/api/v1/threads/" + th + "/replies", Status: 200,
			Expected: []string{`"reactions":1,"reacted":true`}},
		{Name: "unlike", Method: "DELETE", Path: "/api/v1/threads/" + th + "/reactions", Status: 204},
		{Name: "unliked", Method: "GET", Path: "/api/v1/threads/" + th, Status: 200,
			Expected: []string{`"reactions":0`, `"reacted":false`}},
		{Name: "a member cannot pin", Method: "PATCH", Path: "/api/v1/threads/" + th,
			Body: map[string]any{"pinned": true}, Status: 403},
		{Name: "the author edits the title", Method: "PATCH", Path: "/api/v1/threads/" + th,
			Body: map[string]any{"title": "My first celadon"}, Status: 200,
			Expected: []string{`"title":"My first celadon"`, `"edited":true`}},
	})
	steps.run(owner, []scenario{
		{Name: "the owner cannot edit someone's reply", Method: "PATCH", Path: "/api/v1/threads/" + th + "/replies/1",
			Body: map[string]any{"body": "mine"}, Status: 403},
		{Name: "the owner pins and locks", Method: "PATCH", Path: "/api/v1/threads/" + th,
			Body: map[string]any{"pinned": true, "locked": true}, Status: 200,
			Expected: []string{`"pinned":true`, `"locked":true`}},
		{Name: "a moderator may still reply to a locked thread", Method: "POST",
			Path: "/api/v1/threads/" + th + "/replies", Body: map[string]any{"body": "Locked now"}, Status: 201},
		{Name: "the owner deletes a reply", Method: "DELETE", Path: "/api/v1/threads/" + th + "/replies/2", Status: 204},
		{Name: "moderators still read it", Method: "GET", Path: "/api/v1/threads/" + th + "/replies", Status: 200,
			Expected: []string{`"body":"Agreed","body_html":"\u003cp\u003eAgreed\u003c/p\u003e\n","quote"`}},
		{Name: "the owner cannot leave", Method: "DELETE", Path: "/api/v1/groups/" + id + "/membership", Status: 409},
	})
	steps.run(fan, []scenario{
		{Name: "a locked thread refuses replies", Method: "POST", Path: "/api/v1/threads/" + th + "/replies",
			Body: map[string]any{"body": "Hello?"}, Status: 423, Expected: []string{`"thread_locked"`}},
		{Name: "others see the reply as deleted", Method: "GET", Path: "/api/v1/threads/" + th + "/replies",
			Status: 200, Expected: []string{`"body":"","body_html":"","quote"`, `"deleted":true`}},
		{Name: "leaving", Method: "DELETE", Path: "/api/v1/groups/" + id + "/membership", Status: 204},
		{Name: "leaves one member", Method: "GET", Path: "/api/v1/groups/" + id, Status: 200,
			Expected: []string{`"members":1`, `"membership":null`}},
	})
	steps.run(owner, []scenario{
		{Name: "the owner hides the thread", Method: "PATCH", Path: "/api/v1/threads/" + th,
			Body: map[string]any{"hidden": true}, Status: 200, Expected: []string{`"hidden":true`}},
	})
	steps.run(fan, []scenario{
		{Name: "a hidden thread is gone for others", Method: "GET", Path: "/api/v1/threads/" + th, Status: 404},
		{Name: "and from the group's list", Method: "GET", Path: "/api/v1/groups/" + id + "/threads", Status: 200,
			Expected: []string{`"items":[]`}},
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
	steps := numbered(t)
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
	steps.run(owner, []scenario{
		{Name: "page=last is page three", Method: "GET", Path: "/api/v1/threads/" + th + "/replies?page=last",
			Status: 200, Expected: []string{`"page":3`, `"reply number 120"`}},
		{Name: "the thread counts 120", Method: "GET", Path: "/api/v1/threads/" + th, Status: 200,
			Expected: []string{`"replies":120`, `"pages":3`}},
	})
}

func TestFiftyConcurrentRepliesAreAllKeptExactlyOnce(t *testing.T) {
	steps := numbered(t)
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
	steps.run(owner, []scenario{
		{Name: "the count is exact", Method: "GET", Path: "/api/v1/threads/" + th, Status: 200,
			Expected: []string{`"replies":50`}},
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
	steps := numbered(t)
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
	steps.run(owner, []scenario{
		{Name: "mark all read", Method: "POST", Path: "/api/v1/notifications/read", Status: 204},
		{Name: "nothing unread", Method: "GET", Path: "/api/v1/notifications/unread", Status: 200,
			Expected: []string{`{"unread":0}`}},
	})
}

func TestPrivateThreadsStayHiddenFromThoseOutside(t *testing.T) {
	steps := numbered(t)
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
	steps.run(insider, []scenario{
		{Name: "a member finds the thread", Method: "GET", Path: "/api/v1/search?type=threads&q=glaze", Status: 200,
			Expected: []string{"Secret glaze"}},
		{Name: "a member's feed has it", Method: "GET", Path: "/api/v1/feed", Status: 200,
			Expected: []string{"Secret glaze recipe"}},
	})
	steps.run(outsider, []scenario{
		{Name: "a follower outside does not find it", Method: "GET", Path: "/api/v1/search?type=threads&q=glaze",
			Status: 200, NotExpected: []string{"Secret glaze"}},
		{Name: "nor see it in the feed", Method: "GET", Path: "/api/v1/feed", Status: 200,
			NotExpected: []string{"Secret glaze"}},
	})
	steps.run(rig.Client(t), []scenario{
		{Name: "a visitor does not find it", Method: "GET", Path: "/api/v1/search?type=threads&q=glaze", Status: 200,
			NotExpected: []string{"Secret glaze"}},
	})
	if n, items := unread(t, insider); n != 1 || items[0].Title != "Secret glaze recipe" {
		t.Fatalf("the member's mention: %d %+v", n, items)
	}
	// Banned: access goes at once, everywhere.
	steps.run(owner, []scenario{
		{Name: "the owner bans the insider", Method: "POST", Path: "/api/v1/groups/" + g + "/members/insider",
			Body: map[string]any{"status": "banned"}, Status: 200, Expected: []string{`"status":"banned"`}},
	})
	steps.run(insider, []scenario{
		{Name: "the thread is gone", Method: "GET", Path: "/api/v1/threads/" + th, Status: 404},
		{Name: "so are its replies", Method: "GET", Path: "/api/v1/threads/" + th + "/replies", Status: 404},
		{Name: "from search", Method: "GET", Path: "/api/v1/search?type=threads&q=glaze", Status: 200,
			Expected: []string{`"items":[]`}},
		{Name: "the notification keeps no preview", Method: "GET", Path: "/api/v1/notifications", Status: 200,
			Expected: []string{`"hidden":true`, `"title":""`}, NotExpected: []string{"Secret glaze", "welcome", `"private"`, th}},
		{Name: "a banned member cannot rejoin", Method: "POST", Path: "/api/v1/groups/" + g + "/join", Status: 403,
			Expected: []string{`"banned_from_group"`}},
		{Name: "nor does the feed show the thread", Method: "GET", Path: "/api/v1/feed", Status: 200,
			NotExpected: []string{"Secret glaze"}},
	})
	// Made public, the group's threads are found by all.
	steps.run(owner, []scenario{
		{Name: "the owner opens the group", Method: "PATCH", Path: "/api/v1/groups/" + g,
			Body: map[string]any{"visibility": "public"}, Status: 200},
	})
	steps.run(outsider, []scenario{
		{Name: "now anyone finds it", Method: "GET", Path: "/api/v1/search?type=threads&q=glaze", Status: 200,
			Expected: []string{"Secret glaze recipe"}},
	})
	steps.run(owner, []scenario{
		{Name: "closed again", Method: "PATCH", Path: "/api/v1/groups/" + g,
			Body: map[string]any{"visibility": "private"}, Status: 200},
	})
	steps.run(outsider, []scenario{
		{Name: "and hidden again", Method: "GET", Path: "/api/v1/search?type=threads&q=glaze", Status: 200,
			Expected: []string{`"items":[]`}},
	})
}

func TestOffPlatformPostsWarnReadersAndReachTheModerators(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "mod_maker")
	g := createGroup(t, owner, map[string]any{"name": "Market talk"})
	seller := member(t, rig, "sly_seller", g)
	reader := member(t, rig, "reader_x", g)
	th := startThread(t, seller, g, "Selling my old tools", "便宜出，加微信 leather2024 私聊")
	steps.run(reader, []scenario{
		{Name: "the thread carries the flag", Method: "GET", Path: "/api/v1/threads/" + th, Status: 200,
			Expected: []string{`"flags":["off_platform"]`}},
		{Name: "a clean reply carries none", Method: "POST", Path: "/api/v1/threads/" + th + "/replies",
			Body: map[string]any{"body": "How much for the awl?"}, Status: 201, Expected: []string{`"flags":[]`}},
		{Name: "a reader reports the thread", Method: "POST", Path: "/api/v1/reports",
			Body: map[string]any{"target_type": "thread", "target_id": th, "reason": "spam"}, Status: 201},
		{Name: "a bad reason is named", Method: "POST", Path: "/api/v1/reports",
			Body: map[string]any{"target_type": "thread", "target_id": th, "reason": "ugly"}, Status: 422,
			Expected: []string{`"reason":`}},
		{Name: "members do not see the queue", Method: "GET", Path: "/api/v1/moderation/reports", Status: 403},
		{Name: "a reader mutes the seller", Method: "POST", Path: "/api/v1/users/sly_seller/mute", Status: 204},
		{Name: "and sees the thread muted", Method: "GET", Path: "/api/v1/threads/" + th, Status: 200,
			Expected: []string{`"muted":true`}},
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
	steps.run(owner, []scenario{
		{Name: "the owner resolves one", Method: "POST", Path: "/api/v1/moderation/reports/" + queue.Items[0].ID,
			Body: map[string]any{"action": "resolve", "note": "warned"}, Status: 200,
			Expected: []string{`"status":"resolved"`}},
		{Name: "the audit trail has it", Method: "GET", Path: "/api/v1/moderation/audit?group_id=" + g, Status: 200,
			Expected: []string{`"resolve`}},
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
	steps := numbered(t)
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
	steps.run(rig.Client(t), []scenario{
		{Name: "the discover API carries them", Method: "GET", Path: "/api/v1/discover", Status: 200,
			Expected: []string{`"active_threads":[{"id":"` + quiet}},
		{Name: "the home page lists them", Method: "GET", Path: "/", Status: 200,
			Expected: []string{`data-testid="active-threads"`, "A busy thread"}},
	})
}

func TestEachKindOfEventNotifiesWhoItConcerns(t *testing.T) {
	steps := numbered(t)
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "notified_maker")
	g := createGroup(t, owner, map[string]any{"name": "By approval", "join_policy": "approval"})
	fan := rig.Client(t)
	fan.SignUp("eager_fan")
	steps.run(fan, []scenario{
		{Name: "the fan follows", Method: "POST", Path: "/api/v1/makers/notified_maker/follow", Status: 204},
		{Name: "unfollows and follows again", Method: "DELETE", Path: "/api/v1/makers/notified_maker/follow",
			Status: 204},
		{Name: "follows again", Method: "POST", Path: "/api/v1/makers/notified_maker/follow", Status: 204},
		{Name: "asks to join", Method: "POST", Path: "/api/v1/groups/" + g + "/join", Status: 200,
			Expected: []string{`"status":"pending"`}},
		{Name: "cannot post while pending", Method: "POST", Path: "/api/v1/groups/" + g + "/threads",
			Body: map[string]any{"title": "t", "body": "b"}, Status: 403, Expected: []string{`"membership_pending"`}},
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
	steps.run(owner, []scenario{
		{Name: "the owner sees the request", Method: "GET", Path: "/api/v1/groups/" + g + "/members?status=pending",
			Status: 200, Expected: []string{`"handle":"eager_fan"`}},
		{Name: "and approves it", Method: "POST", Path: "/api/v1/groups/" + g + "/members/eager_fan",
			Body: map[string]any{"status": "active"}, Status: 200, Expected: []string{`"status":"active"`}},
		{Name: "the group counts two members, none pending", Method: "GET", Path: "/api/v1/groups/" + g, Status: 200,
			Expected: []string{`"members":2,"pending":0`}},
	})
	th := startThread(t, fan, g, "Thank you", "Glad to be here")
	steps.run(owner, []scenario{
		{Name: "the owner likes the thread", Method: "POST", Path: "/api/v1/threads/" + th + "/reactions", Status: 204},
	})
	if got := types(fan); !slices.Equal(got, []string{"reaction", "join_approved"}) {
		t.Fatalf("the fan's notifications %v", got)
	}
	var box struct{ Items []struct{ ID string } }
	fan.Do("GET", "/api/v1/notifications", nil).JSON(t, &box)
	steps.run(fan, []scenario{
		{Name: "marking one read", Method: "POST", Path: "/api/v1/notifications/read",
			Body: map[string]any{"ids": []string{box.Items[0].ID}}, Status: 204},
		{Name: "leaves one unread", Method: "GET", Path: "/api/v1/notifications/unread", Status: 200,
			Expected: []string{`{"unread":1}`}},
		{Name: "a bad id is named", Method: "POST", Path: "/api/v1/notifications/read",
			Body: map[string]any{"ids": []string{"x"}}, Status: 422, Expected: []string{`"ids":`}},
		{Name: "notifications need a session", Method: "GET", Path: "/api/v1/notifications", Status: 401,
			Header: []string{"Authorization", "Bearer nope"}},
	})
}

func TestTheUnreadCountStreamsAsNotificationsArrive(t *testing.T) {
	steps := numbered(t)
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
	steps.run(rig.Client(t), []scenario{
		{Name: "the stream needs a session", Method: "GET", Path: "/api/v1/notifications/stream", Status: 401},
	})
}

func TestDeletedAndHiddenPostsLeaveNoTextBehind(t *testing.T) {
	steps := numbered(t)
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
	steps.run(owner, []scenario{
		{Name: "the owner deletes the rude reply", Method: "DELETE", Path: "/api/v1/threads/" + th + "/replies/1",
			Status: 204},
	})
	for who, c := range map[string]*testrig.Client{"a member": reader, "a visitor": rig.Client(t)} {
		steps.run(c, []scenario{
			{Name: who + " reads no deleted text, nor its quote", Method: "GET", Path: "/api/v1/threads/" + th + "/replies",
				Status: 200, NotExpected: []string{"NASTY"}},
			{Name: who + " sees none on the page", Method: "GET", Path: "/threads/" + th, Status: 200,
				NotExpected: []string{"NASTY"}},
		})
	}
	steps.run(owner, []scenario{
		{Name: "moderators still read what was deleted", Method: "GET", Path: "/api/v1/threads/" + th + "/replies",
			Status: 200, Expected: []string{"NASTY"}},
	})
	steps.run(reader, []scenario{
		{Name: "a report's receipt holds no deleted text", Method: "POST", Path: "/api/v1/reports",
			Body:   map[string]any{"target_type": "reply", "target_id": th + ":1", "reason": "harassment"},
			Status: 201, NotExpected: []string{"NASTY"}},
	})
	steps.run(owner, []scenario{
		{Name: "the owner hides the thread", Method: "PATCH", Path: "/api/v1/threads/" + th,
			Body: map[string]any{"hidden": true}, Status: 200},
		{Name: "bans the rude member", Method: "POST", Path: "/api/v1/groups/" + g + "/members/rude_one",
			Body: map[string]any{"status": "banned"}, Status: 200},
		{Name: "deletes the thread", Method: "DELETE", Path: "/api/v1/threads/" + th, Status: 204},
		{Name: "the group counts no thread", Method: "GET", Path: "/api/v1/groups/" + g, Status: 200,
			Expected: []string{`"threads":0`, `"members":2`}},
	})
	steps.run(rig.Client(t), []scenario{
		{Name: "the discover page lists it no more", Method: "GET", Path: "/api/v1/discover", Status: 200,
			NotExpected: []string{"Tidy thread"}},
	})
	steps.run(rude, []scenario{
		{Name: "the banned member cannot rejoin", Method: "POST", Path: "/api/v1/groups/" + g + "/join", Status: 403},
		{Name: "nor lift the ban by leaving", Method: "DELETE", Path: "/api/v1/groups/" + g + "/membership",
			Status: 403},
	})
	steps.run(owner, []scenario{
		{Name: "the owner lifts the ban", Method: "DELETE", Path: "/api/v1/groups/" + g + "/members/rude_one",
			Status: 204},
	})
	steps.run(rude, []scenario{
		{Name: "and they may join again", Method: "POST", Path: "/api/v1/groups/" + g + "/join", Status: 200,
			Expected: []string{`"status":"active"`}},
	})
}

func TestTheFeedMergesWorksAndThreadsNewestFirstAcrossPages(t *testing.T) {
	steps := numbered(t)
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
	steps.run(fan, []scenario{
		{Name: "a bad cursor is named", Method: "GET", Path: "/api/v1/feed?cursor=nope", Status: 422,
			Expected: []string{`"cursor":`}},
	})
}
