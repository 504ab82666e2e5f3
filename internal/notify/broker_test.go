package notify_test

import (
	"context"
	"testing"
	"time"
)

// received reports whether ch holds a signal now. Notify and MarkRead
// signal before they return, so no waiting is needed to see one.
func received(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestANotificationWakesItsRecipientsStreamUntilCancelled(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	bob, cancel := r.svc.Subscribe("bob")
	carol, cancelCarol := r.svc.Subscribe("carol")
	defer cancelCarol()

	// A stream waiting in another goroutine is woken.
	woken := make(chan struct{})
	go func() {
		<-bob
		close(woken)
	}()
	r.deliver(t, "bob", 1)
	select {
	case <-woken:
	case <-time.After(10 * time.Second):
		t.Fatal("the subscriber was not signalled")
	}
	if received(carol) {
		t.Fatal("carol was signalled for bob's notification")
	}

	// Signals coalesce: two deliveries unread leave one signal pending,
	// and neither Notify blocked on the full channel.
	for _, k := range []string{"a", "b"} {
		if err := r.svc.Notify(ctx, "bob", k, reply("t", k)); err != nil {
			t.Fatal(err)
		}
	}
	if !received(bob) || received(bob) {
		t.Fatal("want exactly one pending signal after two deliveries")
	}
	if err := r.svc.MarkRead(ctx, "bob", []string{"1"}); err != nil || !received(bob) {
		t.Fatalf("marking read should signal (%v)", err)
	}
	if err := r.svc.MarkAllRead(ctx, "bob"); err != nil || !received(bob) {
		t.Fatalf("marking all read should signal (%v)", err)
	}

	cancel()
	cancel() // twice is harmless
	if err := r.svc.Notify(ctx, "bob", "after", reply("t", "after")); err != nil {
		t.Fatal(err)
	}
	if received(bob) {
		t.Fatal("a cancelled subscription was signalled")
	}
}
