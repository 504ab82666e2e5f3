package work_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"guildhall/internal/platform/search"
	"guildhall/internal/work"
	"guildhall/internal/work/worktest"
)

// clock is a time the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestService_Similar(t *testing.T) {
	env := worktest.MustOpen(t)
	potter, glazer := env.Maker(t, "potter"), env.Maker(t, "glazer")
	bowl := env.Work(t, potter, "Celadon bowl", 12_900, true)
	cup := env.Work(t, glazer, "Celadon cup", 8_800, true)
	clk := &clock{t: time.Now()}
	// The same works and index, seen through a service with its own clock and a counted index.
	works := work.New(env.DB.Database, work.Deps{Makers: env.Makers, Media: env.Media, Index: search.Recorded(env.Index),
		Queue: env.Queue, Markdown: env.Markdown}, work.Options{Now: clk.now})
	similar := func(t *testing.T, w *work.Work) ([]work.Card, int) {
		t.Helper()
		var rec search.Recorder
		cards, err := works.Similar(search.WithRecorder(context.Background(), &rec), w, 6)
		if err != nil {
			t.Fatal(err)
		}
		return cards, rec.Queries()
	}

	t.Run("SearchedOnceAMinute", func(t *testing.T) {
		first, searches := similar(t, bowl)
		if searches != 1 || len(first) != 1 || first[0].ID != cup.ID {
			t.Fatalf("first view: %d searches, cards %v; want one search finding the cup", searches, first)
		}
		if again, searches := similar(t, bowl); searches != 0 || len(again) != 1 {
			t.Fatalf("second view within the minute: %d searches, %d cards; want none and the same card", searches, len(again))
		}
		clk.add(time.Minute)
		if _, searches := similar(t, bowl); searches != 1 {
			t.Fatalf("a minute later: %d searches, want the list searched again", searches)
		}
	})

	t.Run("AnEditedWorkIsSearchedAgain", func(t *testing.T) {
		similar(t, cup)
		edited := *cup
		edited.UpdatedAt = cup.UpdatedAt.Add(time.Second) // as Update leaves it, on this instance or another
		if _, searches := similar(t, &edited); searches != 1 {
			t.Fatalf("after an edit: %d searches, want the edited work's own list", searches)
		}
	})
}
