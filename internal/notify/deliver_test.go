package notify_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"guildhall/internal/notify"
)

func TestNotificationsListNewestFirstAcrossBuckets(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 120)
	ctx := context.Background()

	var sizes []int
	var ids []string
	cursor := ""
	for {
		p, err := r.svc.List(ctx, "bob", cursor, 50)
		if err != nil {
			t.Fatal(err)
		}
		if p.Unread != 120 {
			t.Fatalf("unread = %d, want 120", p.Unread)
		}
		sizes = append(sizes, len(p.Items))
		for _, n := range p.Items {
			ids = append(ids, n.ID)
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if fmt.Sprint(sizes) != "[50 50 20]" {
		t.Fatalf("page sizes %v, want [50 50 20]", sizes)
	}
	for i, id := range ids {
		if want := fmt.Sprint(120 - i); id != want {
			t.Fatalf("item %d has id %s, want %s (newest first, each once)", i, id, want)
		}
	}
	first := r.page(t, "bob").Items[0]
	if first.Type != notify.TypeReply || first.Actor != alice || first.ReplyID != "120" || first.Read || first.CreatedAt.IsZero() {
		t.Fatalf("newest item = %+v", first)
	}
	p, err := r.svc.List(ctx, "bob", "", 0)
	if err != nil || len(p.Items) != notify.DefaultLimit {
		t.Fatalf("default page: %d items, %v; want %d", len(p.Items), err, notify.DefaultLimit)
	}
	if got := r.counter.of("bob"); got != 120 {
		t.Fatalf("bell = %d, want 120", got)
	}
}

func TestAnEmptyBoxListsNothing(t *testing.T) {
	r := newRig(t)
	p := r.page(t, "nobody")
	if len(p.Items) != 0 || p.Items == nil || p.NextCursor != nil || p.Unread != 0 {
		t.Fatalf("empty box page = %+v", p)
	}
}

func TestTheSameKeyNotifiesOnce(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	n := notify.Notification{Type: notify.TypeFollow, Actor: alice, URL: "/makers/alice"}
	for range 2 {
		if err := r.svc.Notify(ctx, "bob", "follow:alice", n); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if err := r.svc.Notify(ctx, "carol", "mention:t1:r1", reply("t1", "r1")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, user := range []string{"bob", "carol"} {
		if got := len(r.page(t, user).Items); got != 1 {
			t.Errorf("%s has %d notifications, want 1", user, got)
		}
		if got := r.counter.of(user); got != 1 {
			t.Errorf("%s's bell = %d, want 1", user, got)
		}
	}
	// The key is the recipient's: someone else may get the same one.
	if err := r.svc.Notify(ctx, "dave", "follow:alice", n); err != nil || len(r.page(t, "dave").Items) != 1 {
		t.Fatalf("another recipient with the same key: %v", err)
	}
}

func TestConcurrentNotificationsAreAllKept(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if err := r.svc.Notify(ctx, "bob", fmt.Sprintf("reply:t:%d", i), reply("t", fmt.Sprint(i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	p := r.page(t, "bob")
	ids, replies := map[string]bool{}, map[string]bool{}
	for _, n := range p.Items {
		ids[n.ID] = true
		replies[n.ReplyID] = true
	}
	if len(p.Items) != 50 || len(ids) != 50 || len(replies) != 50 {
		t.Fatalf("%d items, %d distinct ids, %d distinct replies; want 50 of each", len(p.Items), len(ids), len(replies))
	}
	if p.Unread != 50 || r.counter.of("bob") != 50 {
		t.Fatalf("unread %d, bell %d; want 50", p.Unread, r.counter.of("bob"))
	}
}

func TestYouAreNeverNotifiedOfYourOwnActions(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	if err := r.svc.Notify(ctx, "alice", "reply:t:1", reply("t", "1")); err != nil {
		t.Fatal(err)
	}
	if p := r.page(t, "alice"); len(p.Items) != 0 || p.Unread != 0 || r.counter.of("alice") != 0 {
		t.Fatalf("alice was notified of her own reply: %+v, bell %d", p, r.counter.of("alice"))
	}
}

func TestExcerptsAreOneLineOfAtMost140Runes(t *testing.T) {
	r := newRig(t)
	n := reply("t", "1")
	n.Excerpt = "陶\n\n  " + strings.Repeat("釉", 300)
	if err := r.svc.Notify(context.Background(), "bob", "k", n); err != nil {
		t.Fatal(err)
	}
	got := r.page(t, "bob").Items[0].Excerpt
	if utf8.RuneCountInString(got) != notify.ExcerptRunes || !strings.HasPrefix(got, "陶 釉") || !strings.HasSuffix(got, "…") {
		t.Fatalf("excerpt %q (%d runes)", got, utf8.RuneCountInString(got))
	}
}

func TestAnUnknownTypeIsRefused(t *testing.T) {
	r := newRig(t)
	err := r.svc.Notify(context.Background(), "bob", "k", notify.Notification{Type: "poke", Actor: alice})
	if err == nil {
		t.Fatal("want an error for an unknown type")
	}
	if len(r.page(t, "bob").Items) != 0 {
		t.Fatal("an unknown type was delivered")
	}
}
