package server_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"guildhall/internal/testrig"
	"guildhall/internal/testrig/browser"
)

// TestInABrowserAVisitorSignsUpSignsOutSignsInAndReadsThePagesInBothLanguages drives
// the pages in a real Chromium: the forms' CSRF tokens, cookies, 303
// redirects and UTF-8 all go through a browser, not a Go HTTP client.
func TestInABrowserAVisitorSignsUpSignsOutSignsInAndReadsThePagesInBothLanguages(t *testing.T) {
	rig := testrig.MustStart(t)
	ctx := browser.MustStart(t)

	const (
		email    = "chen.xiaobei@example.com"
		handle   = "chen_xb"
		name     = "陈小北" // non-ASCII on purpose: typed, stored and shown back
		password = "bamboo lantern river 42"
	)
	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	get := func(step string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return v
	}
	text := func(step, sel, want string) {
		t.Helper()
		if got := get(step, chromedp.Text(chromedp.CSS(sel))); strings.TrimSpace(got) != want {
			t.Fatalf("%s: %s reads %q, want %q", step, sel, got, want)
		}
	}
	value := func(step, sel, want string) {
		t.Helper()
		if got := get(step, chromedp.Value(chromedp.CSS(sel))); got != want {
			t.Fatalf("%s: %s holds %q, want %q", step, sel, got, want)
		}
	}
	absent := func(step, sel string) {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if n != 0 {
			t.Fatalf("%s: %s is on the page, want it gone", step, sel)
		}
	}
	at := func(step, path string) {
		t.Helper()
		if got := get(step, chromedp.Location()); got != rig.URL+path {
			t.Fatalf("%s: at %s, want %s", step, got, rig.URL+path)
		}
	}
	// typeInto replaces what a field holds with what a person types, key by
	// key. The field is emptied by script: chromedp v0.23.0's SetValue
	// cannot set "".
	typeInto := func(sel, s string) chromedp.Action[chromedp.Void] {
		empty := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).value = ""`)(ctx, tg)
			return err
		})
		return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), empty, chromedp.SendKeys(chromedp.CSS(sel), s))
	}
	click := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }
	visible := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(chromedp.CSS(sel)) }
	ready := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.WaitReady(chromedp.CSS(sel)) }
	const (
		signUpForm = `form[action="/signup"]`
		signInForm = `form[action="/signin"]`
		welcome    = `[data-testid="welcome"]`
		signOut    = `[data-testid="signout"]`
		navSignIn  = `header nav a[href="/signin"]`
	)

	// A bad email and a short password come back on the form, in place,
	// with what was typed still there.
	do("open the sign-up page",
		chromedp.Navigate(rig.URL+"/signup?lang=en"),
		visible(signUpForm),
		typeInto("#email", "not-an-email"),
		typeInto("#handle", handle),
		typeInto("#display_name", name),
		typeInto("#password", "short"),
		click(signUpForm+` button[type="submit"]`),
		visible(`[data-testid="error-email"]`),
	)
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`)); err != nil || w != browser.PhoneWidth {
		t.Fatalf("the page is %d px wide (%v), want a phone's %d", w, err, browser.PhoneWidth)
	}
	text("bad sign-up", `[data-testid="error-email"]`, "Enter a valid email address.")
	text("bad sign-up", `[data-testid="error-password"]`, "Use at least 10 characters.")
	absent("bad sign-up", `[data-testid="error-handle"]`)
	value("bad sign-up", "#handle", handle)
	value("bad sign-up", "#display_name", name)
	value("bad sign-up", "#email", "not-an-email")
	value("bad sign-up", "#password", "") // a password is never sent back

	do("sign up",
		typeInto("#email", email),
		typeInto("#password", password),
		click(signUpForm+` button[type="submit"]`),
		visible(welcome),
	)
	at("after sign-up", "/")
	text("after sign-up", welcome, "Welcome back, "+name+".")
	text("after sign-up", `[data-testid="nav-settings"]`, name)

	do("sign out",
		click(signOut),
		visible(navSignIn),
	)
	at("after sign-out", "/")
	absent("after sign-out", welcome)
	absent("after sign-out", signOut)

	do("sign in",
		chromedp.Navigate(rig.URL+"/signin"),
		visible(signInForm),
		typeInto("#email", email),
		typeInto("#password", password),
		click(signInForm+` button[type="submit"]`),
		visible(welcome),
	)
	at("after sign-in", "/")
	text("after sign-in", welcome, "Welcome back, "+name+".")

	do("switch to Chinese",
		click(`[data-testid="switch-lang"]`),
		ready(`html[lang="zh-CN"]`),
		visible(welcome),
	)
	text("in Chinese", welcome, "欢迎回来，"+name+"。")
	text("in Chinese", signOut, "退出")
	text("in Chinese", `[data-testid="switch-lang"]`, "English")

	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 means PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 1000 {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(png))
	}
	shot := filepath.Join(t.TempDir(), "home-zh-CN.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	// A copy outside the test's temp dir, to look at after the run.
	if err := os.WriteFile(filepath.Join(os.TempDir(), "guildhall-home.png"), png, 0o644); err != nil {
		t.Logf("keep screenshot: %v", err)
	}

	// The choice outlives the ?lang= link: a plain URL, signed in and then
	// signed out, is still in Chinese.
	do("open the home page again",
		chromedp.Navigate(rig.URL+"/"),
		visible(welcome),
	)
	do("still Chinese", ready(`html[lang="zh-CN"]`))
	text("still Chinese", welcome, "欢迎回来，"+name+"。")

	do("sign out in Chinese",
		click(signOut),
		visible(navSignIn),
		chromedp.Navigate(rig.URL+"/signin"),
		visible(signInForm),
	)
	do("signed out, still Chinese", ready(`html[lang="zh-CN"]`))
	text("signed out, still Chinese", "h1", "登录")
	text("signed out, still Chinese", navSignIn, "登录")
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
