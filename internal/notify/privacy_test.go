package notify_test

import (
	"context"
	"strings"
	"testing"

	"guildhall/internal/notify"
)

func TestPrivateGroupPreviewsAreWithheldFromThoseWhoLostAccess(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.access.readable["bob"] = map[string]bool{"kept": true}
	send := func(key, group string, private bool) {
		n := reply("t-"+key, "r-"+key)
		n.GroupID, n.Private, n.Title, n.Excerpt = group, private, "secret title "+key, "secret text "+key
		if err := r.svc.Notify(ctx, "bob", key, n); err != nil {
			t.Fatal(err)
		}
	}
	send("public", "open", false)
	send("kept", "kept", true)
	send("left", "left", true)
	send("left-again", "left", true)

	p := r.page(t, "bob")
	for _, n := range p.Items {
		switch n.GroupID {
		case "open", "kept":
			if n.Hidden || n.Title == "" || n.Excerpt == "" || n.URL == "" || n.ThreadID == "" {
				t.Errorf("preview of a readable group withheld: %+v", n)
			}
		case "left":
			if !n.Hidden || n.Title != "" || n.Excerpt != "" || n.ThreadID != "" || n.ReplyID != "" || n.URL != "" {
				t.Errorf("preview of a group bob left leaked: %+v", n)
			}
			if n.Actor != alice || n.Type != notify.TypeReply || n.ID == "" {
				t.Errorf("a withheld item should still say who and what: %+v", n)
			}
		}
	}
	if len(r.access.calls) != 1 || strings.Join(r.access.calls[0], ",") != "left,kept" {
		t.Fatalf("access calls %v, want one call for [left kept]", r.access.calls)
	}
	// Getting access back shows the previews again: nothing was erased.
	r.access.readable["bob"]["left"] = true
	for _, n := range r.page(t, "bob").Items {
		if n.Hidden || n.Title == "" {
			t.Fatalf("preview still withheld after access came back: %+v", n)
		}
	}
}

func TestAPageWithoutPrivateItemsDoesNotAskForAccess(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 3)
	r.page(t, "bob")
	if len(r.access.calls) != 0 {
		t.Fatalf("access asked %v for a page with no private group", r.access.calls)
	}
}
