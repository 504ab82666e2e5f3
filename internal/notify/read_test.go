package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"guildhall/internal/notify"
)

func readState(p *notify.NotificationList) map[string]bool {
	out := map[string]bool{}
	for _, n := range p.Items {
		out[n.ID] = n.Read
	}
	return out
}

func TestMarkingOneReadMovesTheCounterOnce(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 3)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if err := r.svc.MarkRead(ctx, "bob", []string{"2"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Repeats in one call, and ids the box never had, are not errors.
	if err := r.svc.MarkRead(ctx, "bob", []string{"2", "2", "999"}); err != nil {
		t.Fatal(err)
	}
	p := r.page(t, "bob")
	if got := readState(p); !got["2"] || got["1"] || got["3"] {
		t.Fatalf("read state %v, want only 2 read", got)
	}
	if p.Unread != 2 || r.counter.of("bob") != 2 {
		t.Fatalf("unread %d, bell %d; want 2", p.Unread, r.counter.of("bob"))
	}
	if err := r.svc.MarkRead(ctx, "bob", []string{"1", "3"}); err != nil {
		t.Fatal(err)
	}
	if p := r.page(t, "bob"); p.Unread != 0 || r.counter.of("bob") != 0 {
		t.Fatalf("after marking the rest: unread %d, bell %d; want 0", p.Unread, r.counter.of("bob"))
	}
}

func TestMarkingReadTouchesOnlyYourOwnBox(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 1)
	r.deliver(t, "carol", 1)
	if err := r.svc.MarkRead(context.Background(), "carol", []string{"1"}); err != nil {
		t.Fatal(err)
	}
	if p := r.page(t, "bob"); p.Items[0].Read || p.Unread != 1 || r.counter.of("bob") != 1 {
		t.Fatalf("carol's mark reached bob's box: %+v", p)
	}
}

func TestMarkAllReadKeepsLaterNotificationsUnread(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 60) // two buckets
	ctx := context.Background()
	if err := r.svc.MarkRead(ctx, "bob", []string{"7"}); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.MarkAllRead(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Notify(ctx, "bob", "later", reply("t", "later")); err != nil {
		t.Fatal(err)
	}
	all := r.all(t, "bob", notify.MaxLimit)
	if len(all) != 61 || all[0].ID != "61" || all[0].Read {
		t.Fatalf("newest = %+v of %d, want 61 unread", all[0], len(all))
	}
	for _, n := range all[1:] {
		if !n.Read {
			t.Fatalf("notification %s, delivered before MarkAllRead, is unread", n.ID)
		}
	}
	if p := r.page(t, "bob"); p.Unread != 1 || r.counter.of("bob") != 1 {
		t.Fatalf("unread %d, bell %d; want 1", p.Unread, r.counter.of("bob"))
	}
	// Marking one that MarkAllRead already covered must not count it out
	// a second time.
	if err := r.svc.MarkRead(ctx, "bob", []string{"3"}); err != nil {
		t.Fatal(err)
	}
	if p := r.page(t, "bob"); p.Unread != 1 || r.counter.of("bob") != 1 {
		t.Fatalf("after re-marking an old one: unread %d, bell %d; want 1", p.Unread, r.counter.of("bob"))
	}
	if err := r.svc.MarkRead(ctx, "bob", []string{"61"}); err != nil {
		t.Fatal(err)
	}
	if p := r.page(t, "bob"); p.Unread != 0 || r.counter.of("bob") != 0 {
		t.Fatalf("after marking the last: unread %d, bell %d; want 0", p.Unread, r.counter.of("bob"))
	}
}

func TestMarkAllReadWhileNotificationsArriveLosesNone(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 5)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := r.svc.Notify(ctx, "bob", "race:"+string(rune('a'+i)), reply("t", "x")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Go(func() {
		if err := r.svc.MarkAllRead(ctx, "bob"); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	all := r.all(t, "bob", notify.MaxLimit)
	unread := 0
	for _, n := range all {
		if !n.Read {
			unread++
		}
	}
	// However the race went, the inbox's count is the items shown unread.
	if len(all) != 25 || r.page(t, "bob").Unread != unread {
		t.Fatalf("%d items, %d shown unread, inbox says %d", len(all), unread, r.page(t, "bob").Unread)
	}
}

func TestMarkAllReadOnAnEmptyBoxClearsTheBell(t *testing.T) {
	r := newRig(t)
	_ = r.counter.AddUnread(context.Background(), "bob", 3) // a drifted bell
	if err := r.svc.MarkAllRead(context.Background(), "bob"); err != nil {
		t.Fatal(err)
	}
	if r.counter.of("bob") != 0 {
		t.Fatalf("bell = %d, want 0", r.counter.of("bob"))
	}
}

func TestMarkingAnIDBeforeItArrivesDoesNotMakeItArriveRead(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 2)
	ctx := context.Background()
	if err := r.svc.MarkRead(ctx, "bob", []string{"3"}); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Notify(ctx, "bob", "third", reply("t", "3")); err != nil {
		t.Fatal(err)
	}
	if p := r.page(t, "bob"); p.Items[0].ID != "3" || p.Items[0].Read || p.Unread != 3 || r.counter.of("bob") != 3 {
		t.Fatalf("newest %+v, unread %d, bell %d; want 3 unread", p.Items[0], p.Unread, r.counter.of("bob"))
	}
}

func TestReadingInOrderKeepsTheReadStateShort(t *testing.T) {
	r := newRig(t)
	r.deliver(t, "bob", 5)
	ctx := context.Background()
	state := func() (int64, []int64) {
		var in struct {
			ReadUpto  int64   `bson:"read_upto"`
			ReadAbove []int64 `bson:"read_above"`
		}
		if err := r.db.Collection(notify.InboxesCollection).FindOne(ctx, map[string]string{"_id": "bob"}).Decode(&in); err != nil {
			t.Fatal(err)
		}
		return in.ReadUpto, in.ReadAbove
	}
	for _, step := range []struct {
		id    string
		upto  int64
		above string
	}{{"3", 0, "[3]"}, {"1", 1, "[3]"}, {"2", 3, "[]"}, {"5", 3, "[5]"}} {
		if err := r.svc.MarkRead(ctx, "bob", []string{step.id}); err != nil {
			t.Fatal(err)
		}
		upto, above := state()
		if upto != step.upto || fmt.Sprint(above) != step.above {
			t.Fatalf("after marking %s: read_upto %d, read_above %v; want %d, %s", step.id, upto, above, step.upto, step.above)
		}
	}
	if got := readState(r.page(t, "bob")); fmt.Sprint(got) != "map[1:true 2:true 3:true 4:false 5:true]" {
		t.Fatalf("read state %v", got)
	}
	if r.counter.of("bob") != 1 || r.page(t, "bob").Unread != 1 {
		t.Fatalf("bell %d, want 1", r.counter.of("bob"))
	}
}
