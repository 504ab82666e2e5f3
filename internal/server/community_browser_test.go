package server_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"guildhall/internal/testrig"
	"guildhall/internal/testrig/browser"
)

// TestInABrowserAFanHearsOfAReplyToTheirThread is the community's story in a real Chromium: a fan finds a maker's group
// from the maker's page, joins it, starts a thread through the form; the
// maker answers, the fan's bell rings without a reload (Server-Sent
// Events), and the notification leads to the reply.
func TestInABrowserAFanHearsOfAReplyToTheirThread(t *testing.T) {
	rig := testrig.MustStart(t)
	maker := openStudio(t, rig, "lantern_maker")
	group := createGroup(t, maker, map[string]any{"name": "灯笼工坊 Lantern circle",
		"description": "扎灯笼的朋友们。Friends who make lanterns.", "visibility": "public", "join_policy": "open"})
	b := &tab{t: t, ctx: browser.MustStart(t), base: rig.URL}

	const (
		title     = "第一盏灯笼 My first lantern"
		answer    = "竹骨要先泡水。Soak the bamboo first."
		bell      = `[data-testid="unread-count"]`
		groupLink = `[data-testid="groups"] a[data-testid="group-link"]`
	)
	b.signUp("the fan signs up", "lantern_fan", "小灯 Little lamp")
	b.text("a new account has nothing unread", bell, "0")

	b.do("the fan opens the maker's page and clicks the group",
		chromedp.Navigate(rig.URL+"/@lantern_maker"),
		b.visible(groupLink),
		b.click(groupLink),
		b.visible(`[data-testid="join"]`),
	)
	b.at("the group page", "/groups/"+group)
	b.text("the group page", `[data-testid="group-name"]`, "灯笼工坊 Lantern circle")
	b.absent("before joining", `[data-testid="new-thread-form"]`)

	b.do("join",
		b.click(`[data-testid="join"]`),
		b.visible(`[data-testid="member-badge"]`),
		b.visible(`[data-testid="new-thread-form"]`),
	)
	b.at("after joining", "/groups/"+group)
	b.text("after joining", `[data-testid="member-count"]`, "Members: 2")

	b.do("start a thread",
		b.typeInto("#title", title),
		b.typeInto("#body", "竹子买好了，接下来怎么做？Bamboo bought; what next?"),
		b.click(`[data-testid="post-thread"]`),
		b.visible(`[data-testid="thread-title"]`),
	)
	b.text("the new thread", `[data-testid="thread-title"]`, title)
	b.text("the new thread", `[data-testid="thread-author"] strong`, "小灯 Little lamp")
	threadPath := strings.TrimPrefix(b.location("the new thread"), rig.URL)
	thread, ok := strings.CutPrefix(threadPath, "/threads/")
	if !ok || thread == "" || strings.ContainsAny(thread, "/?#") {
		t.Fatalf("after posting: at %s, want /threads/<id>", threadPath)
	}

	// A mark on window survives only while the page is not reloaded: the
	// bell must move through the event stream.
	b.do("wait on the thread page", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`window.guildhallNoReload = true`)(ctx, tg)
		return err
	}))
	pagesReply(t, maker, thread, answer)
	b.do("the bell rings without a reload", chromedp.Poll[chromedp.Void](`window.guildhallNoReload === true &&
		document.querySelector('[data-testid="unread-count"]').textContent.trim() === '1'`, chromedp.WithPollingTimeout(20*time.Second)))
	b.absent("the reply is not on the page yet", `#r1`)

	const notification = `[data-testid="notification"][data-type="reply"]`
	b.do("open the notifications",
		b.click(`[data-testid="nav-notifications"]`),
		b.visible(notification),
	)
	b.at("the notifications", "/notifications")
	b.text("the notification", notification+` .what strong`, "User lantern_maker")
	b.text("the notification", notification+` .preview.title`, title)
	if n := b.count("the notification", notification+`[data-read="false"]`, ".length"); n != 1 {
		t.Fatalf("%d unread reply notifications before opening, want 1", n)
	}

	b.do("click the notification",
		b.click(notification+` [data-testid="open-notification"]`),
		b.visible(`#r1 [data-testid="reply-body"]`),
	)
	b.at("the reply", threadPath+"?page=1#r1")
	b.text("the reply", `#r1 [data-testid="reply-body"]`, answer)
	b.text("the notification is read", bell, "0")

	// The like button flips in place through the API, and the count with it.
	b.do("like the reply",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`window.guildhallNoReload = true`)(ctx, tg)
			return err
		}),
		b.click(`[data-testid="like-r1"]`),
		chromedp.Poll[chromedp.Void](`window.guildhallNoReload === true &&
			document.querySelector('[data-testid="likes-r1"]').textContent.trim() === '1' &&
			document.querySelector('[data-testid="like-r1"]').textContent.trim() === '♥ Liked'`, chromedp.WithPollingTimeout(15*time.Second)),
	)
	b.do("reload", chromedp.Reload(), b.visible(`#r1`))
	b.text("the like outlives a reload", `[data-testid="likes-r1"]`, "1")
	b.text("the like outlives a reload", `[data-testid="like-r1"]`, "♥ Liked")

	// A copy of the page to look at after the run.
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(os.TempDir(), "guildhall-thread.png"), png, 0o644); err != nil {
		t.Logf("keep screenshot: %v", err)
	}
}
