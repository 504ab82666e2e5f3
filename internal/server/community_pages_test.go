package server_test

import (
	"bytes"
	"fmt"
	"image/color"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guildhall/internal/testrig"
)

// The community pages' tests share createGroup and startThread with the
// API tests.

func pagesReply(t *testing.T, c *testrig.Client, threadID, body string) string {
	t.Helper()
	return created(t, c, "/api/v1/threads/"+threadID+"/replies", map[string]any{"body": body}, "reply")
}

func pagesJoin(t *testing.T, c *testrig.Client, groupID string) {
	t.Helper()
	if r := c.Do("POST", "/api/v1/groups/"+groupID+"/join", nil); r.Status != http.StatusOK {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
}

// pageForm posts a form as a browser without JavaScript would (a bearer
// token stands in for the session cookie and its CSRF token).
func pageForm(t *testing.T, c *testrig.Client, path string, form url.Values) *testrig.Response {
	t.Helper()
	req, err := http.NewRequest("POST", c.BaseURL()+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	return c.Send(req)
}

// pageUpload posts a multipart form with one file, as a browser does.
func pageUpload(t *testing.T, c *testrig.Client, path string, fields map[string]string, fileField string, data []byte) *testrig.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile(fileField, "cover.png")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, err := http.NewRequest("POST", c.BaseURL()+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Send(req)
}

// redirected checks a form answered 303 to where it should go.
func redirected(t *testing.T, step string, r *testrig.Response, to string) {
	t.Helper()
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != to {
		t.Fatalf("%s: %d to %q, want 303 to %q\n%s", step, r.Status, r.Header.Get("Location"), to, r.Body)
	}
}

func TestGroupAndThreadPagesStayWithinBudgetAtAnySize(t *testing.T) {
	for _, size := range []struct{ threads, replies int }{{2, 3}, {60, 120}} {
		t.Run(fmt.Sprintf("%d threads, %d replies", size.threads, size.replies), func(t *testing.T) {
			rig := testrig.MustStart(t)
			owner := openStudio(t, rig, "budget_potter")
			group := createGroup(t, owner, map[string]any{"name": "Kiln club", "description": "**Glazes** and firing."})
			fan := rig.Client(t)
			fan.SignUp("budget_fan")
			pagesJoin(t, fan, group)
			passerBy := rig.Client(t)
			passerBy.SignUp("budget_passer")
			thread := startThread(t, fan, group, "Which clay for mugs?", "Stoneware or porcelain?")
			for i := 1; i < size.threads; i++ {
				startThread(t, owner, group, fmt.Sprintf("Firing log %d", i), "Cone 6, slow cool.")
			}
			for i := range size.replies {
				c := fan
				if i%2 == 0 {
					c = owner
				}
				pagesReply(t, c, thread, fmt.Sprintf("Reply number %d", i+1))
			}
			// The fan likes the thread and a reply, so the likes document exists.
			fan.Do("POST", "/api/v1/threads/"+thread+"/reactions", nil)
			fan.Do("POST", "/api/v1/threads/"+thread+"/replies/1/reactions", nil)

			paths := []string{"/groups/" + group, "/groups/" + group + "?sort=new", "/threads/" + thread, "/threads/" + thread + "?page=last"}
			if size.replies > 100 {
				paths = append(paths, "/threads/"+thread+"?page=3")
			}
			for _, path := range paths {
				for _, who := range []struct {
					name  string
					token string
				}{{"signed out", ""}, {"a member", fan.Token}, {"the owner", owner.Token}, {"someone who has not joined", passerBy.Token}} {
					cmds, searches := pageCost(t, rig, path, who.token)
					t.Logf("%s as %s: %d MongoDB commands %v, %d searches", path, who.name, len(cmds), names(cmds), searches)
					if len(cmds) > 6 || searches > 1 {
						t.Errorf("%s as %s: %d MongoDB commands, %d searches; budget 6 and 1: %v", path, who.name, len(cmds), searches, names(cmds))
					}
					for _, c := range cmds {
						if !c.ByID() {
							t.Errorf("%s as %s sends %s to %s that is not a lookup by _id: %s", path, who.name, c.Name, c.Collection, c.Body)
						}
					}
				}
			}
			// The pages hold what they promise at that size.
			last := string(fan.Do("GET", "/threads/"+thread+"?page=last", nil).Body)
			want := fmt.Sprintf("Reply number %d", size.replies)
			if !strings.Contains(last, want) || !strings.Contains(last, fmt.Sprintf(`id="r%d"`, size.replies)) {
				t.Errorf("the last page lacks the last reply %q", want)
			}
			front := string(fan.Do("GET", "/groups/"+group, nil).Body)
			if !strings.Contains(front, "Which clay for mugs?") {
				t.Error("the group page lacks the thread with the latest activity")
			}
		})
	}
}

func TestTheCommunityPagesShowEachViewerTheirControls(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "kiln_owner")
	group := createGroup(t, owner, map[string]any{"name": "Kiln club", "rules": "Be kind.", "join_policy": "open"})
	secret := createGroup(t, owner, map[string]any{"name": "Secret glazes", "visibility": "private", "join_policy": "approval"})
	secretThread := startThread(t, owner, secret, "The celadon recipe", "Iron, a pinch.")
	fan := rig.Client(t)
	fan.SignUp("kiln_fan")
	pagesJoin(t, fan, group)
	outsider := rig.Client(t)
	outsider.SignUp("passer_by")
	visitor := rig.Client(t)

	thread := startThread(t, fan, group, "Which clay for mugs?", "Stoneware or porcelain?")
	pagesReply(t, owner, thread, "Stoneware, fired to cone 6.")
	pagesReply(t, fan, thread, "Thanks! 加微信 clayfan2024 私聊")

	numbered(t).run(nil, []scenario{
		{Name: "a visitor on the group page", Path: "/groups/" + group, As: visitor, Method: "GET", Status: 200,
			Expected:    []string{`data-testid="join-signin"`, "Which clay for mugs?", "Be kind.", "Members: 2"},
			NotExpected: []string{`data-testid="new-thread-form"`, `data-testid="mod-links"`, `data-testid="edit-group"`}},
		{Name: "someone who has not joined", Path: "/groups/" + group, As: outsider, Method: "GET", Status: 200,
			Expected:    []string{`data-testid="join"`, "Which clay for mugs?"},
			NotExpected: []string{`data-testid="new-thread-form"`, `data-testid="mod-links"`}},
		{Name: "a member", Path: "/groups/" + group, As: fan, Method: "GET", Status: 200,
			Expected:    []string{`data-testid="leave"`, `data-testid="new-thread-form"`},
			NotExpected: []string{`data-testid="mod-links"`, `data-testid="edit-group"`, `data-testid="join"`}},
		{Name: "the owner", Path: "/groups/" + group, As: owner, Method: "GET", Status: 200,
			Expected:    []string{`data-testid="mod-links"`, `data-testid="pending-link"`, `data-testid="moderation-link"`, `data-testid="edit-group"`, `data-testid="new-thread-form"`},
			NotExpected: []string{`data-testid="leave"`, `data-testid="join"`}},

		{Name: "a visitor on the thread", Path: "/threads/" + thread, As: visitor, Method: "GET", Status: 200,
			Expected: []string{"Which clay for mugs?", "Stoneware, fired to cone 6.", `data-testid="reply-signin"`, `data-testid="off-platform-notice"`,
				"Buy through Guildhall to stay covered by buyer protection.", `id="r1"`, `id="r2"`},
			NotExpected: []string{`data-testid="like-thread"`, `data-testid="reply-form"`, `data-testid="mod-controls"`, `data-testid="report-thread"`, `data-testid="flag-off-platform"`}},
		{Name: "an outsider on the thread", Path: "/threads/" + thread, As: outsider, Method: "GET", Status: 200,
			Expected:    []string{`data-testid="reply-join"`, `data-testid="report-thread"`, `data-testid="report-r1"`, `data-testid="mute-r1"`},
			NotExpected: []string{`data-testid="like-thread"`, `data-testid="reply-form"`, `data-testid="mod-controls"`}},
		{Name: "its author", Path: "/threads/" + thread, As: fan, Method: "GET", Status: 200,
			Expected: []string{`data-testid="like-thread"`, `data-testid="like-r1"`, `data-testid="quote-r1"`, `data-testid="reply-form"`, `data-testid="edit-thread"`,
				`data-testid="delete-thread"`, `data-testid="edit-r2"`, `data-testid="mute-r1"`},
			NotExpected: []string{`data-testid="mod-controls"`, `data-testid="report-thread"`, `data-testid="mute-thread-author"`, `data-testid="edit-r1"`, `data-testid="flag-off-platform"`}},
		{Name: "a moderator", Path: "/threads/" + thread, As: owner, Method: "GET", Status: 200,
			Expected: []string{`data-testid="mod-controls"`, `data-testid="mod-pin"`, `data-testid="mod-lock"`, `data-testid="mod-hide"`, `data-testid="mod-delete"`,
				`data-testid="flag-off-platform"`, `data-testid="delete-r2"`, `data-testid="reply-form"`},
			NotExpected: []string{`data-testid="edit-thread"`, `data-testid="edit-r2"`}},
		{Name: "a quote is carried to the form", Path: "/threads/" + thread + "?quote=1", As: fan, Method: "GET",
			Status: 200, Expected: []string{`name="quote_id" value="1"`, "Quoting reply #1 by @kiln_owner"}},
		{Name: "in Chinese", Path: "/threads/" + thread + "?lang=zh-CN", As: visitor, Method: "GET", Status: 200,
			Expected: []string{"为了您的交易安全，请在匠集站内下单，享受买家保障。", "登录后回复"}},

		{Name: "a private group to an outsider", Path: "/groups/" + secret, As: outsider, Method: "GET", Status: 200,
			Expected:    []string{`data-testid="members-only"`, "Secret glazes", "Request to join"},
			NotExpected: []string{"The celadon recipe", `data-testid="threads"`}},
		{Name: "a private group to a visitor", Path: "/groups/" + secret, As: visitor, Method: "GET", Status: 200,
			Expected: []string{`data-testid="members-only"`}, NotExpected: []string{"The celadon recipe"}},
		{Name: "a private group to its owner", Path: "/groups/" + secret, As: owner, Method: "GET", Status: 200,
			Expected: []string{"The celadon recipe"}, NotExpected: []string{`data-testid="members-only"`}},
		{Name: "a private thread to an outsider", Path: "/threads/" + secretThread, As: outsider, Method: "GET",
			Status: 404, Expected: []string{"This page does not exist, or you may not see it."},
			NotExpected: []string{"The celadon recipe", "Iron, a pinch."}},
		{Name: "a private thread to a visitor", Path: "/threads/" + secretThread, As: visitor, Method: "GET",
			Status: 404, NotExpected: []string{"The celadon recipe"}},
		{Name: "a page past the last", Path: "/threads/" + thread + "?page=9", As: visitor, Method: "GET", Status: 404},

		{Name: "the members to a member", Path: "/groups/" + group + "/members", As: fan, Method: "GET", Status: 200,
			Expected:    []string{`data-testid="member-kiln_owner"`, `data-testid="member-kiln_fan"`, "Owner"},
			NotExpected: []string{`data-testid="remove-kiln_fan"`, `data-testid="tab-pending"`}},
		{Name: "the members to the owner", Path: "/groups/" + group + "/members", As: owner, Method: "GET", Status: 200,
			Expected:    []string{`data-testid="remove-kiln_fan"`, `data-testid="ban-kiln_fan"`, `data-testid="promote-kiln_fan"`, `data-testid="tab-pending"`},
			NotExpected: []string{`data-testid="remove-kiln_owner"`}},
		{Name: "join requests are for moderators", Path: "/groups/" + group + "/members?status=pending",
			As: fan, Method: "GET", Status: 403},
		{Name: "the queue is for moderators", Path: "/moderation", As: fan, Method: "GET", Status: 403,
			Expected: []string{"You may not do that."}},
		{Name: "the queue holds the flagged reply", Path: "/moderation", As: owner, Method: "GET", Status: 200,
			Expected: []string{`data-testid="report"`, "Taking the deal off Guildhall", "flagged automatically", `data-testid="resolve"`}},
		{Name: "the new-thread page for a member", Path: "/groups/" + group + "/threads/new", As: fan, Method: "GET",
			Status: 200, Expected: []string{`data-testid="post-form"`, `name="works"`}},
		{Name: "sends others back to the group", Path: "/groups/" + group + "/threads/new", As: outsider, Method: "GET",
			Status: 303},
		{Name: "a new group needs a studio", Path: "/groups/new", As: fan, Method: "GET", Status: 403},
		{Name: "a maker gets the form", Path: "/groups/new", As: owner, Method: "GET", Status: 200,
			Expected: []string{`data-testid="group-form"`, `name="visibility" value="public" checked`}},
		{Name: "only the owner edits", Path: "/groups/" + group + "/edit", As: fan, Method: "GET", Status: 403},
		{Name: "the owner edits", Path: "/groups/" + group + "/edit", As: owner, Method: "GET", Status: 200,
			Expected: []string{`value="Kiln club"`, "Be kind."}},
		{Name: "a maker page links its groups", Path: "/@kiln_owner", As: visitor, Method: "GET", Status: 200,
			Expected:    []string{`href="/groups/` + group + `"`, `href="/groups/` + secret + `"`, `data-testid="group-private"`},
			NotExpected: []string{`data-testid="new-group"`}},
		{Name: "and offers its owner a new one", Path: "/@kiln_owner", As: owner, Method: "GET", Status: 200,
			Expected: []string{`data-testid="new-group"`}},
		{Name: "the bell is in the header", Path: "/", As: fan, Method: "GET", Status: 200,
			Expected: []string{`data-testid="unread-count"`}},
		{Name: "but not for visitors", Path: "/", As: visitor, Method: "GET", Status: 200,
			NotExpected: []string{`data-testid="unread-count"`}},
	})
}

// TestTheCommunityFormsWorkWithoutJavaScript goes through every form the
// community pages have, as plain POSTs answered with 303s.
func TestTheCommunityFormsWorkWithoutJavaScript(t *testing.T) {
	rig := testrig.MustStart(t)
	owner := openStudio(t, rig, "form_owner")
	fan := rig.Client(t)
	fan.SignUp("form_fan")
	other := rig.Client(t)
	other.SignUp("form_other")
	work := createWork(t, owner, wallet("published"))

	// A group, through its form: errors come back in place, then it is made.
	r := pageForm(t, owner, "/groups/new", url.Values{"name": {""}, "visibility": {"public"}, "join_policy": {"approval"}, "description": {"Keep this"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `data-testid="error-name"`) || !strings.Contains(string(r.Body), "Keep this") {
		t.Fatalf("a group without a name: %d\n%s", r.Status, r.Body)
	}
	r = pageForm(t, owner, "/groups/new", url.Values{"name": {"皮具小组 Leather circle"}, "visibility": {"public"}, "join_policy": {"approval"},
		"description": {"**手工**皮具"}, "rules": {"No spam."}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/groups/") {
		t.Fatalf("create a group: %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	groupPath := r.Header.Get("Location")
	group := strings.TrimPrefix(groupPath, "/groups/")
	if body := string(fan.Do("GET", groupPath, nil).Body); !strings.Contains(body, "<strong>手工</strong>皮具") || !strings.Contains(body, "Request to join") {
		t.Fatalf("the new group's page:\n%s", body)
	}
	redirected(t, "edit the group", pageForm(t, owner, groupPath+"/edit", url.Values{"name": {"皮具小组 Leather circle"}, "visibility": {"public"},
		"join_policy": {"approval"}, "description": {"**手工**皮具"}, "rules": {"No spam. Be kind."}}), groupPath)
	// A cover, uploaded by the form itself.
	redirected(t, "upload a cover", pageUpload(t, owner, groupPath+"/edit", map[string]string{"name": "皮具小组 Leather circle",
		"visibility": "public", "join_policy": "approval", "description": "**手工**皮具", "rules": "No spam. Be kind."},
		"cover", testrig.PNG(t, 800, 400, color.RGBA{120, 70, 30, 255})), groupPath)
	if body := string(fan.Do("GET", groupPath, nil).Body); !strings.Contains(body, `data-testid="group-cover"`) || !strings.Contains(body, "Be kind.") {
		t.Fatal("the group page lacks its new cover or rules")
	}
	if r := pageForm(t, fan, groupPath+"/edit", url.Values{"name": {"Mine now"}, "visibility": {"public"}, "join_policy": {"open"}}); r.Status != http.StatusForbidden {
		t.Fatalf("a stranger editing the group: %d", r.Status)
	}

	// The fan asks to join; the owner approves on the members page.
	redirected(t, "request to join", pageForm(t, fan, groupPath+"/join", nil), groupPath)
	if body := string(fan.Do("GET", groupPath, nil).Body); !strings.Contains(body, `data-testid="join-pending"`) {
		t.Fatal("the request is not shown as pending")
	}
	if body := string(owner.Do("GET", groupPath+"/members?status=pending", nil).Body); !strings.Contains(body, `data-testid="approve-form_fan"`) {
		t.Fatalf("the pending request is not on the members page:\n%s", body)
	}
	redirected(t, "approve", pageForm(t, owner, groupPath+"/members/form_fan", url.Values{"action": {"approve"}, "status": {"pending"}}),
		groupPath+"/members?status=pending")
	if body := string(fan.Do("GET", groupPath, nil).Body); !strings.Contains(body, `data-testid="leave"`) {
		t.Fatal("the approved fan is not a member")
	}

	// A thread through the form, with a work linked by its address.
	r = pageForm(t, fan, groupPath+"/threads/new", url.Values{"title": {""}, "body": {"No title"}, "subject": {"Leather circle"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `data-testid="error-title"`) || !strings.Contains(string(r.Body), "No title") {
		t.Fatalf("a thread without a title: %d\n%s", r.Status, r.Body)
	}
	r = pageForm(t, fan, groupPath+"/threads/new", url.Values{"title": {"My first wallet"}, "body": {"Made after @form_owner's pattern."},
		"works": {"http://localhost/works/" + work + "/a-slug\n"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/threads/") {
		t.Fatalf("post a thread: %d %s\n%s", r.Status, r.Header.Get("Location"), r.Body)
	}
	threadPath := r.Header.Get("Location")
	thread := strings.TrimPrefix(threadPath, "/threads/")
	body := string(other.Do("GET", threadPath, nil).Body)
	for _, want := range []string{"My first wallet", `href="/@form_owner"`, `data-testid="linked-works"`, "手工牛皮钱包 Leather wallet", "¥129.00"} {
		if !strings.Contains(body, want) {
			t.Errorf("the thread page lacks %s", want)
		}
	}

	// Replies, a quote, an edit and a like, all without JavaScript.
	redirected(t, "reply", pageForm(t, owner, threadPath+"/replies", url.Values{"body": {"Lovely stitching."}}), threadPath+"?page=1#r1")
	redirected(t, "reply with a quote", pageForm(t, fan, threadPath+"/replies", url.Values{"body": {"Thank you!"}, "quote_id": {"1"}}), threadPath+"?page=1#r2")
	r = pageForm(t, fan, threadPath+"/replies", url.Values{"body": {"   "}, "subject": {"My first wallet"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `data-testid="error-body"`) {
		t.Fatalf("an empty reply: %d\n%s", r.Status, r.Body)
	}
	if body := string(fan.Do("GET", threadPath+"/replies/2/edit", nil).Body); !strings.Contains(body, "Thank you!") {
		t.Fatalf("the reply's edit form:\n%s", body)
	}
	if r := fan.Do("GET", threadPath+"/replies/1/edit", nil); r.Status != http.StatusForbidden {
		t.Fatalf("editing someone else's reply: %d", r.Status)
	}
	redirected(t, "edit the reply", pageForm(t, fan, threadPath+"/replies/2/edit", url.Values{"body": {"Thank you so much!"}}), threadPath+"?page=1#r2")
	redirected(t, "like the thread", pageForm(t, owner, threadPath+"/like", url.Values{"on": {"1"}, "next": {threadPath + "?page=1#top"}}), threadPath+"?page=1#top")
	redirected(t, "like a reply", pageForm(t, owner, threadPath+"/like", url.Values{"on": {"1"}, "reply": {"2"}}), threadPath)
	body = string(owner.Do("GET", threadPath, nil).Body)
	for _, want := range []string{`data-testid="quote"`, `>@form_owner</a> wrote:`, "Lovely stitching.", "Thank you so much!", `data-testid="edited-mark"`,
		`<span data-testid="thread-likes">1</span>`, `<span data-testid="likes-r2">1</span>`, `data-testid="like-thread" data-label-on="♥ Liked" data-label-off="♡ Like">♥ Liked<`} {
		if !strings.Contains(body, want) {
			t.Errorf("the thread page after replies lacks %s", want)
		}
	}
	redirected(t, "unlike", pageForm(t, owner, threadPath+"/like", url.Values{"on": {"0"}}), threadPath)

	// The author edits the thread; the moderator pins and locks it.
	if body := string(fan.Do("GET", threadPath+"/edit", nil).Body); !strings.Contains(body, `value="My first wallet"`) {
		t.Fatalf("the thread's edit form:\n%s", body)
	}
	redirected(t, "edit the thread", pageForm(t, fan, threadPath+"/edit", url.Values{"title": {"My first wallet (updated)"}, "body": {"Made after the pattern."}}), threadPath)
	redirected(t, "pin", pageForm(t, owner, threadPath+"/moderate", url.Values{"set": {"pin"}}), threadPath)
	redirected(t, "lock", pageForm(t, owner, threadPath+"/moderate", url.Values{"set": {"lock"}}), threadPath)
	if r := pageForm(t, fan, threadPath+"/moderate", url.Values{"set": {"unlock"}}); r.Status != http.StatusForbidden {
		t.Fatalf("a member unlocking: %d", r.Status)
	}
	body = string(fan.Do("GET", threadPath, nil).Body)
	for _, want := range []string{"My first wallet (updated)", `data-testid="pinned-mark"`, `data-testid="locked-mark"`, `data-testid="thread-locked"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the locked thread lacks %s", want)
		}
	}
	r = pageForm(t, fan, threadPath+"/replies", url.Values{"body": {"One more"}})
	if r.Status != http.StatusLocked || !strings.Contains(string(r.Body), "This thread is locked") {
		t.Fatalf("a reply to a locked thread: %d\n%s", r.Status, r.Body)
	}
	if body := string(fan.Do("GET", groupPath, nil).Body); !strings.Contains(body, `data-testid="pinned-mark"`) || !strings.Contains(body, `data-testid="locked-mark"`) {
		t.Error("the group page does not mark the thread pinned and locked")
	}
	redirected(t, "unlock", pageForm(t, owner, threadPath+"/moderate", url.Values{"set": {"unlock"}}), threadPath)

	// Someone mutes the fan and reports a reply; the moderator resolves it.
	pagesJoin(t, other, group) // a request: the group needs approval
	redirected(t, "mute", pageForm(t, other, "/@form_fan/mute", url.Values{"on": {"1"}, "next": {threadPath + "?page=1#r2"}}), threadPath+"?page=1#r2")
	if body := string(other.Do("GET", groupPath, nil).Body); !strings.Contains(body, `data-testid="join-pending"`) {
		t.Fatal("the second request is not pending")
	}
	body = string(owner.Do("GET", threadPath, nil).Body)
	if strings.Contains(body, `data-testid="muted-reply"`) {
		t.Error("the owner sees a reply collapsed that only someone else muted")
	}
	body = string(other.Do("GET", threadPath, nil).Body)
	if !strings.Contains(body, `data-testid="muted-thread"`) || !strings.Contains(body, `data-testid="muted-reply"`) || !strings.Contains(body, "You muted @form_fan — show") {
		t.Errorf("the muted author's posts are not collapsed:\n%s", body)
	}
	redirected(t, "report", pageForm(t, other, "/reports", url.Values{"target_type": {"reply"}, "target_id": {thread + ":2"}, "reason": {"spam"},
		"note": {"Looks like spam"}, "next": {threadPath + "?page=1#r2"}}), threadPath+"?page=1&reported=1#r2")
	redirected(t, "unmute", pageForm(t, other, "/@form_fan/mute", url.Values{"on": {"0"}, "next": {threadPath}}), threadPath)
	if body := string(other.Do("GET", threadPath+"?reported=1", nil).Body); strings.Contains(body, `data-testid="muted-reply"`) || !strings.Contains(body, `data-testid="reported"`) {
		t.Error("after unmuting, the posts are still collapsed, or the report is not acknowledged")
	}
	body = string(owner.Do("GET", "/moderation", nil).Body)
	if !strings.Contains(body, "Thank you so much!") || !strings.Contains(body, "Looks like spam") || !strings.Contains(body, "@form_other") {
		t.Fatalf("the queue lacks the report:\n%s", body)
	}
	report := between(body, `action="/moderation/reports/`, `"`)
	redirected(t, "resolve", pageForm(t, owner, "/moderation/reports/"+report, url.Values{"action": {"resolve"}, "note": {"Warned them"}}), "/moderation")
	if body := string(owner.Do("GET", "/moderation?status=resolved", nil).Body); !strings.Contains(body, "Warned them") {
		t.Error("the resolved tab lacks the decision")
	}

	// Deleted posts: readers see that they were, moderators still read them.
	redirected(t, "delete a reply", pageForm(t, fan, threadPath+"/replies/2/delete", nil), threadPath+"?page=1#r2")
	if body := string(other.Do("GET", threadPath, nil).Body); strings.Contains(body, "Thank you so much!") || !strings.Contains(body, `data-testid="reply-deleted"`) {
		t.Error("a reader still sees the deleted reply")
	}
	if body := string(owner.Do("GET", threadPath, nil).Body); !strings.Contains(body, "Thank you so much!") || !strings.Contains(body, `data-testid="deleted-mark"`) {
		t.Error("a moderator does not see the deleted reply with its label")
	}
	redirected(t, "delete the thread", pageForm(t, fan, threadPath+"/delete", url.Values{"group_id": {group}}), groupPath)
	if body := string(other.Do("GET", threadPath, nil).Body); !strings.Contains(body, `data-testid="deleted-notice"`) || strings.Contains(body, "Made after the pattern.") {
		t.Error("a reader still sees the deleted thread")
	}

	// Notifications: the owner was told of the join requests and of the
	// fan's reply; opening one marks it read and goes to it.
	body = string(owner.Do("GET", "/notifications", nil).Body)
	for _, want := range []string{`data-type="join_request"`, "asked to join your group", `data-testid="mark-all-read"`, `data-read="false"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the owner's notifications lack %s:\n%s", want, body)
		}
	}
	body = string(fan.Do("GET", "/notifications?lang=zh-CN", nil).Body)
	for _, want := range []string{"回复了你", "批准了你的入组申请", "Lovely stitching."} {
		if !strings.Contains(body, want) {
			t.Errorf("the fan's notifications lack %s", want)
		}
	}
	var box struct {
		Items []struct{ ID, Type, URL string }
	}
	fan.Do("GET", "/api/v1/notifications", nil).JSON(t, &box)
	var reply struct{ ID, URL string }
	for _, n := range box.Items {
		if n.Type == "reply" {
			reply.ID, reply.URL = n.ID, n.URL
		}
	}
	if reply.ID == "" {
		t.Fatalf("no reply notification: %+v", box.Items)
	}
	redirected(t, "open a notification", pageForm(t, fan, "/notifications/"+reply.ID+"/open", url.Values{"next": {reply.URL}}), reply.URL)
	redirected(t, "a notification never sends off the site", pageForm(t, fan, "/notifications/"+reply.ID+"/open", url.Values{"next": {"//evil.example/"}}), "/")
	redirected(t, "mark all read", pageForm(t, fan, "/notifications/read", nil), "/notifications")
	if body := string(fan.Do("GET", "/notifications", nil).Body); strings.Contains(body, `data-read="false"`) || !strings.Contains(body, `data-testid="unread-count" aria-live="polite">0<`) {
		t.Errorf("after marking all read, something is unread:\n%s", body)
	}

	// Leaving, and the owner who cannot.
	redirected(t, "leave", pageForm(t, fan, groupPath+"/leave", nil), groupPath)
	if r := pageForm(t, owner, groupPath+"/leave", nil); r.Status != http.StatusConflict {
		t.Fatalf("the owner leaving: %d", r.Status)
	}
}
