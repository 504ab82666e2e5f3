// Package browser starts a headless Chromium for tests that drive the site
// as a visitor does, JavaScript, cookies and redirects included.
package browser

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Phone is the viewport: the site is built phone-first, so that is the
// layout a browser test should see.
const (
	PhoneWidth  = 390
	PhoneHeight = 844
)

// budget bounds a whole browser test, so a page that never shows what a
// test waits for fails the test instead of hanging the run.
const budget = 60 * time.Second

// MustStart starts a fresh headless Chromium with its own profile and
// returns a context for chromedp.Run; the browser stops when the test ends.
// A missing Chromium fails the test: a skipped browser test looks green
// while proving nothing.
func MustStart(tb testing.TB) context.Context {
	tb.Helper()
	bin := find()
	if bin == "" {
		tb.Fatalf("no Chromium: run ./scripts/test.sh, or apt-get install -y chromium")
	}
	// chromedp's defaults are Puppeteer's: headless, no first run, no
	// extensions, no translate bar (the Chinese pages would raise it).
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // tests run as root in containers, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(PhoneWidth, PhoneHeight),
		// Nothing but the site under test should reach the network.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// Tests pick the language with ?lang=; the browser's own is fixed so
		// a developer's locale cannot change what a test sees.
		chromedp.Flag("lang", "en-US"),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), budget)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(tb.Logf))
	// Start the browser now, so a Chromium that cannot start fails here
	// with its own error rather than at the test's first step. Headless
	// Chromium keeps windows at least 500 px wide, so the phone viewport is
	// emulated as well; mobile mode makes the page's meta viewport count.
	if err := chromedp.Do(browserCtx, chromedp.EmulateViewport(PhoneWidth, PhoneHeight, chromedp.EmulateMobile)); err != nil {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
		tb.Fatalf("start Chromium %s: %v", bin, err)
	}
	tb.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	return browserCtx
}

// find returns the Chromium to use, or "" if there is none.
func find() string {
	if p := os.Getenv("GUILDHALL_TEST_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
