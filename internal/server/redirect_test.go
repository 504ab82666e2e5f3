package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"guildhall/internal/testrig"
)

// csrfForm posts form as a signed-out browser does: with the CSRF token its
// cookie jar was given on the first page it opened.
func csrfForm(t *testing.T, rig *testrig.Rig, c *testrig.Client, path string, form url.Values) *testrig.Response {
	t.Helper()
	if c.Do("GET", "/signin", nil).Status != http.StatusOK {
		t.Fatal("the sign-in page did not open")
	}
	u, _ := url.Parse(rig.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "guildhall_csrf" {
			form.Set("_csrf", ck.Value)
		}
	}
	return pageForm(t, c, path, form)
}

func TestSignInAndTheLanguageSwitchRedirectOnlyWithinTheSite(t *testing.T) {
	rig := testrig.MustStart(t)
	rig.Client(t).SignUp("wanderer")
	for _, next := range []string{"/%09/evil.example/x", "/\t/evil.example/x", "/\\evil.example", "\\/evil.example",
		"/%2f%2fevil.example", "https:evil.example", "//evil.example", "/%0a/evil.example"} {
		t.Run("sign-in with next "+next, func(t *testing.T) {
			c := rig.Client(t)
			r := csrfForm(t, rig, c, "/signin", url.Values{"email": {"wanderer@example.com"},
				"password": {"a long enough password"}, "next": {next}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
				t.Fatalf("status %d, Location %q; want 303 to /", r.Status, r.Header.Get("Location"))
			}
		})
		t.Run("language switch with next "+next, func(t *testing.T) {
			c := rig.Client(t)
			r := csrfForm(t, rig, c, "/language", url.Values{"lang": {"en"}, "next": {next}})
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
				t.Fatalf("status %d, Location %q; want 303 to /", r.Status, r.Header.Get("Location"))
			}
		})
	}
	c := rig.Client(t)
	r := csrfForm(t, rig, c, "/signin", url.Values{"email": {"wanderer@example.com"},
		"password": {"a long enough password"}, "next": {"/feed?tab=new"}})
	if r.Header.Get("Location") != "/feed?tab=new" {
		t.Fatalf("a path of the site was not kept: %q", r.Header.Get("Location"))
	}
}
