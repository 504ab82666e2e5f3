package ratelimit

import (
	"context"
	"sync"
	"testing"
	"time"

	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/problem"
)

func TestTheAttemptAfterTheLimitIsRefusedWithATimeToWait(t *testing.T) {
	l := New(mongodbtest.MustOpen(t).Database, true)
	ctx := context.Background()
	for i := range 3 {
		if err := l.Allow(ctx, "signin:ip:1.2.3.4", 3, time.Minute); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	err := l.Allow(ctx, "signin:ip:1.2.3.4", 3, time.Minute)
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.KindTooMany || p.RetryAfter <= 0 || p.RetryAfter > time.Minute+time.Second {
		t.Fatalf("4th attempt: want too many with retry-after in (0, 1m], got %v", err)
	}
	if err := l.Allow(ctx, "signin:ip:5.6.7.8", 3, time.Minute); err != nil {
		t.Fatalf("another key has its own count: %v", err)
	}
}

func TestConcurrentAttemptsAreCountedExactly(t *testing.T) {
	l := New(mongodbtest.MustOpen(t).Database, true)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.Allow(context.Background(), "k", 5, time.Hour) == nil {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != 5 {
		t.Fatalf("allowed %d of 20 with a limit of 5", allowed)
	}
}

func TestANewWindowStartsAfresh(t *testing.T) {
	l := New(mongodbtest.MustOpen(t).Database, true)
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	ctx := context.Background()
	_ = l.Allow(ctx, "k", 1, time.Minute)
	if l.Allow(ctx, "k", 1, time.Minute) == nil {
		t.Fatal("second attempt in the window should be refused")
	}
	now = now.Add(time.Minute)
	if err := l.Allow(ctx, "k", 1, time.Minute); err != nil {
		t.Fatalf("next window: %v", err)
	}
	if err := l.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	n, _ := l.coll.CountDocuments(ctx, map[string]any{})
	if n != 1 {
		t.Fatalf("sweep should leave only the live window, left %d", n)
	}
}

func TestADisabledLimiterAllowsEverything(t *testing.T) {
	l := New(mongodbtest.MustOpen(t).Database, false)
	for range 10 {
		if err := l.Allow(context.Background(), "k", 1, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
}
