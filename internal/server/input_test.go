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
	run(t, maker, []scenario{
		{"a NUL in a display name (sign-up)", "POST", "/api/v1/auth/signup",
			`{"email":"n@example.com","password":"a long enough password","handle":"nul_user","display_name":"Nul\u0000"}`,
			422, []string{`"display_name":"This contains characters that are not allowed."`}, nil},
		{"a right-to-left override in a bio", "PATCH", "/api/v1/me", `{"bio":"invoice\u202Efdp.exe"}`, 422, []string{`"bio":`}, nil},
		{"broken UTF-8 in a work's title", "POST", "/api/v1/works", "{\"title\":\"cup \xff\",\"price\":{\"amount\":1},\"category\":\"other\"}",
			422, []string{`"title":"This is not valid UTF-8 text."`}, nil},
		{"a C1 control in a tag", "POST", "/api/v1/works", `{"title":"cup","price":{"amount":1},"category":"other","tags":["ok","bad\u0085"]}`,
			422, []string{`"tags":`}, nil},
		{"an isolate in a variant's name", "POST", "/api/v1/works",
			`{"title":"cup","price":{"amount":1},"category":"other","variants":[{"name":"ok","price":{"amount":1}},{"name":"x\u2067","price":{"amount":1}}]}`,
			422, []string{`"variants.1.name":`}, nil},
		{"an escape sequence in a thread's title", "POST", "/api/v1/groups/" + group + "/threads", `{"title":"\u001b[31mred","body":"b"}`,
			422, []string{`"title":`}, nil},
		{"a backspace in a reply", "POST", "/api/v1/threads/" + thread + "/replies", `{"body":"a\bb"}`, 422, []string{`"body":`}, nil},
		{"a bidi override in a group's description", "PATCH", "/api/v1/groups/" + group, `{"description":"\u202Dx"}`, 422, []string{`"description":`}, nil},
		{"a bad key is named too", "PATCH", "/api/v1/me", "{\"bi\xffo\":\"x\"}", 422, nil, nil},
		{"newlines and tabs in a reply are kept", "POST", "/api/v1/threads/" + thread + "/replies", `{"body":"line one\n\tline two\r\nthree"}`,
			201, []string{`line one\n\tline two`}, nil},
		{"Chinese, emoji and marks are text", "PATCH", "/api/v1/me", `{"bio":"做皮具十年 🍵 naïve \u200e"}`, 200, nil, nil},
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
