package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"guildhall/internal/testrig"
)

// Text no person types is refused, field named, in every text field a
// JSON body or a form carries; newlines and tabs stay welcome in bodies.
func TestEveryTextFieldRefusesControlsBidiOverridesAndBrokenUTF8(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "hygiene_maker")
	group := createGroup(t, maker, map[string]any{"name": "Clean kiln", "description": "x"})
	thread := startThread(t, maker, group, "A thread", "A body")
	numbered(t).run(maker, []scenario{
		{Name: "a NUL in a display name (sign-up)", Method: "POST", Path: "/api/v1/auth/signup", Body: `{"email":"n@example.com","password":"a long enough password","handle":"nul_user","display_name":"Nul\u0000"}`, Status: 422, Expected: []string{`"display_name":"This contains characters that are not allowed."`}},
		{Name: "a right-to-left override in a bio", Method: "PATCH", Path: "/api/v1/me", Body: `{"bio":"invoice\u202Efdp.exe"}`, Status: 422, Expected: []string{`"bio":`}},
		{Name: "broken UTF-8 in a work's title", Method: "POST", Path: "/api/v1/works", Body: "{\"title\":\"cup \xff\",\"price\":{\"amount\":1},\"category\":\"other\"}", Status: 422, Expected: []string{`"title":"This is not valid UTF-8 text."`}},
		{Name: "a C1 control in a tag", Method: "POST", Path: "/api/v1/works", Body: `{"title":"cup","price":{"amount":1},"category":"other","tags":["ok","bad\u0085"]}`, Status: 422, Expected: []string{`"tags":`}},
		{Name: "an isolate in a variant's name", Method: "POST", Path: "/api/v1/works", Body: `{"title":"cup","price":{"amount":1},"category":"other","variants":[{"name":"ok","price":{"amount":1}},{"name":"x\u2067","price":{"amount":1}}]}`, Status: 422, Expected: []string{`"variants.1.name":`}},
		{Name: "an escape sequence in a thread's title", Method: "POST", Path: "/api/v1/groups/" + group + "/threads", Body: `{"title":"\u001b[31mred","body":"b"}`, Status: 422, Expected: []string{`"title":`}},
		{Name: "a backspace in a reply", Method: "POST", Path: "/api/v1/threads/" + thread + "/replies", Body: `{"body":"a\bb"}`, Status: 422, Expected: []string{`"body":`}},
		{Name: "a bidi override in a group's description", Method: "PATCH", Path: "/api/v1/groups/" + group, Body: `{"description":"\u202Dx"}`, Status: 422, Expected: []string{`"description":`}},
		{Name: "a bad key is named too", Method: "PATCH", Path: "/api/v1/me", Body: "{\"bi\xffo\":\"x\"}", Status: 422},
		{Name: "newlines and tabs in a reply are kept", Method: "POST", Path: "/api/v1/threads/" + thread + "/replies", Body: `{"body":"line one\n\tline two\r\nthree"}`, Status: 201, Expected: []string{`line one\n\tline two`}},
		{Name: "Chinese, emoji and marks are text", Method: "PATCH", Path: "/api/v1/me", Body: `{"bio":"做皮具十年 🍵 naïve \u200e"}`, Status: 200},
	})
	form := func(path string, v url.Values) *testrig.Response {
		r := pageForm(t, maker, path, v)
		return r
	}
	if r := form("/settings", url.Values{"display_name": {"Name\x00"}, "bio": {""}}); r.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), "display_name") {
		t.Fatalf("a NUL in a settings form: %d %s", r.Status, r.Body)
	}
	if r := form("/threads/"+thread+"/replies", url.Values{"body": {"hi \u202e"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bidi override in a reply form: %d", r.Status)
	}
	if r := form("/threads/"+thread+"/replies", url.Values{"body": {"line one\n\tline two"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("a reply form with newlines and a tab: %d %s", r.Status, r.Body)
	}
	r := pageUpload(t, maker, "/groups/"+group+"/threads/new", map[string]string{"title": "t\u2066", "body": "b"}, "images", nil)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "title") {
		t.Fatalf("an isolate in a multipart thread form: %d %s", r.Status, r.Body)
	}
}
