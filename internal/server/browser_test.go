package server_test

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guildhall/internal/testrig"
	"guildhall/internal/testrig/browser"
)

// TestInABrowserAnAccountWorksInBothLanguages signs a visitor up, out and
// in and reads the pages in both languages in a real Chromium: the forms'
// CSRF tokens, cookies, 303 redirects and UTF-8 all go through a browser,
// not a Go HTTP client.
func TestInABrowserAnAccountWorksInBothLanguages(t *testing.T) {
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

// TestInABrowserAPublishedWorkIsFavourited walks a maker from sign-up through opening a studio to publishing a work
// with two images uploaded by the browser's own multipart form, then a
// second person finds the work on the maker page and favourites it through
// app.js's fetch path, and the favourite outlives a reload.
func TestInABrowserAPublishedWorkIsFavourited(t *testing.T) {
	rig := testrig.MustStart(t)
	b := &tab{t: t, ctx: browser.MustStart(t), base: rig.URL}

	const (
		makerHandle = "qingci_studio"
		makerName   = "林青瓷"
		studioName  = "青瓷工坊 Celadon Works"
		title       = "青瓷茶杯 Celadon cup"
		visitor     = "tea_drinker"

		gallery   = `[data-testid="gallery"]`
		favourite = `[data-testid="favorite"]`
		counter   = `[data-testid="favorites"]`
		signOut   = `[data-testid="signout"]`
	)

	// Two images of different colours, so the pipeline stores two media
	// (identical bytes would share one content-addressed id).
	dir := t.TempDir()
	var images []string
	for i, c := range []color.Color{color.RGBA{R: 0x8f, G: 0xbc, B: 0x8f, A: 0xff}, color.RGBA{R: 0xe8, G: 0xe0, B: 0xc8, A: 0xff}} {
		p := filepath.Join(dir, fmt.Sprintf("cup-%d.png", i+1))
		if err := os.WriteFile(p, testrig.PNG(t, 640, 480, c), 0o644); err != nil {
			t.Fatal(err)
		}
		images = append(images, p)
	}

	b.signUp("maker signs up", makerHandle, makerName)

	b.do("open the studio",
		b.click(`[data-testid="nav-studio"]`),
		b.visible(`[data-testid="open-studio"]`),
		b.click(`[data-testid="open-studio"]`),
		b.visible(`[data-testid="save-studio"]`),
	)
	b.at("studio settings", "/studio/settings")
	b.do("fill the studio",
		b.typeInto("#name", studioName),
		b.typeInto("#story", "龙泉的青瓷，手拉坯，柴烧。Wheel-thrown celadon from Longquan."),
		b.typeInto("#location", "浙江龙泉 Longquan"),
		b.click(`[data-testid="save-studio"]`),
		b.visible(`[data-testid="new-work"]`),
	)
	b.at("after saving the studio", "/studio")
	b.text("studio", "main h1", studioName)

	b.do("fill a new work",
		b.click(`[data-testid="new-work"]`),
		b.visible(`[data-testid="save-work"]`),
		b.typeInto("#title", title),
		b.typeInto("#description", "一只小茶杯，釉色如玉。A small tea cup with a jade-like glaze."),
		b.typeInto("#price", "168.00"),
		chromedp.SetValue(chromedp.CSS("#category"), "ceramics"),
		b.typeInto("#stock", "3"),
		b.typeInto("#materials", "stoneware, celadon glaze"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="images"]`), images),
		chromedp.SetValue(chromedp.CSS("#status"), "published"),
	)
	b.at("new work form", "/studio/works/new")
	if n := b.count("chosen files", `[data-testid="images"]`, ".files.length"); n != 2 {
		t.Fatalf("the file input holds %d files, want 2", n)
	}
	b.do("publish the work",
		b.click(`[data-testid="save-work"]`),
		b.visible(gallery),
	)
	// The slug keeps the Chinese: the address bar holds it percent-encoded,
	// the page's links hold it as is.
	workPath := strings.TrimPrefix(b.location("work page"), rig.URL)
	if !regexp.MustCompile(`^/works/[^/?#]+/[^/?#]*青瓷茶杯[^/?#]*$`).MatchString(workPath) {
		t.Fatalf("after publishing: at %s, want /works/<id>/<slug with the title>", workPath)
	}
	if n := b.count("gallery", gallery+" img", ".length"); n != 2 {
		t.Fatalf("the gallery holds %d images, want 2", n)
	}
	// The images are served, not just referenced: both decode in the page.
	b.do("gallery images load", chromedp.Poll[chromedp.Void](
		`Array.from(document.querySelectorAll('[data-testid="gallery"] img')).every(i => i.complete && i.naturalWidth > 0)`))
	b.text("work page", `[data-testid="work-title"]`, title)
	b.text("work page", `[data-testid="price"]`, "¥168.00")
	b.absent("own work", favourite) // a maker does not favourite their own work

	b.do("maker signs out",
		b.click(signOut),
		b.visible(`header nav a[href="/signin"]`),
	)
	b.signUp("visitor signs up", visitor, "喝茶的人")

	// The card's href is html/template's percent-encoding of the slug, so
	// it is found by the work's id.
	workID := strings.Split(workPath, "/")[2]
	card := `[data-testid="works-grid"] a[href^="/works/` + workID + `/"]`
	b.do("visitor opens the maker page",
		chromedp.Navigate(rig.URL+"/@"+makerHandle),
		b.visible(`[data-testid="studio-name"]`),
		b.visible(card),
	)
	b.text("maker page", `[data-testid="studio-name"]`, studioName)
	b.text("maker page", card+" .title", title)
	b.text("maker page", card+" .price", "¥168.00")
	b.do("visitor opens the work",
		b.click(card),
		b.visible(favourite),
	)
	b.at("work page from the card", workPath)
	b.text("before favouriting", counter, "0")
	b.text("before favouriting", favourite, "♡ Favourite")

	// A mark on window survives only if the page is not reloaded: the
	// favourite must go through app.js's fetch, not the form's POST.
	b.do("favourite",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`window.guildhallNoReload = true`)(ctx, tg)
			return err
		}),
		b.click(favourite),
		chromedp.Poll[chromedp.Void](`window.guildhallNoReload === true &&
			document.querySelector('[data-testid="favorites"]').textContent.trim() === '1' &&
			document.querySelector('[data-testid="favorite"]').textContent.trim() === '♥ Favourited' &&
			!document.querySelector('[data-testid="favorite"]').disabled`, chromedp.WithPollingTimeout(15*time.Second)),
	)
	b.at("after favouriting", workPath)

	b.do("reload", chromedp.Reload(), b.visible(favourite))
	if marked, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`window.guildhallNoReload === true`)); err != nil || marked {
		t.Fatalf("the page was not reloaded (mark %v, %v)", marked, err)
	}
	b.text("after reload", favourite, "♥ Favourited")
	b.text("after reload", counter, "1")

	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(png))
	}
	if err := os.WriteFile(filepath.Join(os.TempDir(), "guildhall-work.png"), png, 0o644); err != nil {
		t.Logf("keep screenshot: %v", err)
	}
}

// tab drives one browser tab for a test, failing the test on the first
// step that does not happen.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (b *tab) do(step string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

func (b *tab) get(step string, a chromedp.Action[string]) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	return v
}

func (b *tab) text(step, sel, want string) {
	b.t.Helper()
	if got := b.get(step, chromedp.Text(chromedp.CSS(sel))); strings.TrimSpace(got) != want {
		b.t.Fatalf("%s: %s reads %q, want %q", step, sel, got, want)
	}
}

// count evaluates querySelector(All) on sel followed by prop, as a number.
func (b *tab) count(step, sel, prop string) int {
	b.t.Helper()
	q := `document.querySelector(` + jsString(sel) + `)`
	if prop == ".length" {
		q = `document.querySelectorAll(` + jsString(sel) + `)`
	}
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](q+prop))
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	return n
}

func (b *tab) absent(step, sel string) {
	b.t.Helper()
	if n := b.count(step, sel, ".length"); n != 0 {
		b.t.Fatalf("%s: %s is on the page, want it gone", step, sel)
	}
}

// location is the address the tab is at, percent-decoded.
func (b *tab) location(step string) string {
	b.t.Helper()
	loc := b.get(step, chromedp.Location())
	decoded, err := url.PathUnescape(loc)
	if err != nil {
		b.t.Fatalf("%s: at %s: %v", step, loc, err)
	}
	return decoded
}

func (b *tab) at(step, path string) {
	b.t.Helper()
	if got := b.location(step); got != b.base+path {
		b.t.Fatalf("%s: at %s, want %s", step, got, b.base+path)
	}
}

// typeInto empties a field by script (SetValue cannot set "") and types s
// into it key by key.
func (b *tab) typeInto(sel, s string) chromedp.Action[chromedp.Void] {
	empty := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).value = ""`)(ctx, tg)
		return err
	})
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), empty, chromedp.SendKeys(chromedp.CSS(sel), s))
}

func (b *tab) click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

func (b *tab) visible(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(sel))
}

// signUp creates an account through the sign-up page and lands home.
func (b *tab) signUp(step, handle, name string) {
	b.t.Helper()
	const form = `form[action="/signup"]`
	b.do(step,
		chromedp.Navigate(b.base+"/signup?lang=en"),
		b.visible(form),
		b.typeInto("#email", handle+"@example.com"),
		b.typeInto("#handle", handle),
		b.typeInto("#display_name", name),
		b.typeInto("#password", "bamboo lantern river 42"),
		b.click(form+` button[type="submit"]`),
		b.visible(`[data-testid="welcome"]`),
	)
	b.at(step, "/")
	b.text(step, `[data-testid="nav-settings"]`, name)
}

func TestInABrowserAChineseSearchNarrowsByAFacet(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "chaju")
	for _, w := range []map[string]any{
		{"title": "青瓷茶杯", "category": "ceramics", "materials": []string{"瓷"}, "price": map[string]any{"amount": 16800}, "status": "published"},
		{"title": "竹编茶盘", "category": "woodwork", "materials": []string{"竹"}, "price": map[string]any{"amount": 9800}, "status": "published"},
		{"title": "牛皮茶叶袋", "category": "leather", "price": map[string]any{"amount": 5800}, "status": "published"},
		{"title": "茶杯草稿", "category": "ceramics", "price": map[string]any{"amount": 1}, "status": "draft"},
	} {
		createWork(t, maker, w)
	}
	b := &tab{t: t, ctx: browser.MustStart(t), base: rig.URL}
	const grid = `[data-testid="works-grid"] li.card`
	b.do("search for 茶",
		chromedp.Navigate(rig.URL+"/search?lang=zh-CN"),
		b.visible(`[data-testid="search-q"]`),
		b.typeInto(`[data-testid="search-q"]`, "茶"),
		b.click(`[data-testid="search-submit"]`),
		b.visible(`[data-testid="search-total"]`),
	)
	b.text("three published works match", `[data-testid="search-total"]`, "共 3 个结果")
	if n := b.count("results", grid, ".length"); n != 3 {
		t.Fatalf("%d cards, want 3 (never the draft)", n)
	}
	b.do("narrow to ceramics",
		b.click(`[data-testid="facet-category-ceramics"]`),
		b.visible(`[data-testid="search-total"]`),
	)
	b.text("one ceramic work", `[data-testid="search-total"]`, "共 1 个结果")
	if !strings.Contains(b.location("narrowed"), "category=ceramics") {
		t.Fatalf("the facet did not narrow the address: %s", b.location("narrowed"))
	}
	b.do("open the result",
		b.click(grid+` a`),
		b.visible(`[data-testid="work-title"]`),
	)
	b.text("the work page", `[data-testid="work-title"]`, "青瓷茶杯")
	b.text("its price", `[data-testid="price"]`, "¥168.00")
}
