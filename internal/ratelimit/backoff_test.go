package ratelimit

import (
	"context"
	"testing"
	"time"

	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/problem"
)

func TestBackoff_Delay(t *testing.T) {
	b := Backoff{Free: 3, First: 2 * time.Second, Max: time.Minute}
	want := []time.Duration{0, 0, 0, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	for n, w := range want {
		if got := b.Delay(n); got != w {
			t.Errorf("Delay(%d) = %s, want %s", n, got, w)
		}
	}
	if got := b.Delay(1 << 30); got != time.Minute {
		t.Errorf("a huge count waits %s, want the cap", got)
	}
}

func TestLimiter_Wait(t *testing.T) {
	l := New(mongodbtest.MustOpen(t).Database, true)
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	ctx := context.Background()
	b := Backoff{Free: 2, First: 2 * time.Second, Max: time.Minute}
	waits := func() time.Duration {
		t.Helper()
		err := l.Wait(ctx, "k", b)
		if err == nil {
			return 0
		}
		p, ok := problem.As(err)
		if !ok || p.Kind != problem.KindTooMany {
			t.Fatalf("want too many, got %v", err)
		}
		return p.RetryAfter
	}
	for range 2 {
		if w := waits(); w != 0 {
			t.Fatalf("a free failure made the key wait %s", w)
		}
		_ = l.Fail(ctx, "k")
	}
	if w := waits(); w != 3*time.Second { // 2 s, rounded up to whole seconds and one more
		t.Fatalf("after the free failures: wait %s, want 3s", w)
	}
	now = now.Add(2 * time.Second)
	if w := waits(); w != 0 {
		t.Fatalf("after waiting it out: wait %s", w)
	}
	_ = l.Fail(ctx, "k")
	if w := waits(); w != 5*time.Second {
		t.Fatalf("the next failure doubles the wait: %s, want 5s", w)
	}
	if err := l.Wait(ctx, "other", b); err != nil {
		t.Fatalf("another key is not slowed: %v", err)
	}
	_ = l.Forgive(ctx, "k")
	if w := waits(); w != 0 {
		t.Fatalf("a success clears the failures: wait %s", w)
	}
	now = now.Add(25 * time.Hour)
	_ = l.Fail(ctx, "k")
	if err := l.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
}
