package curation

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/work"
	"guildhall/internal/work/worktest"
)

// fixture is curation on the real parts, subscribed to work changes as
// the app subscribes it.
type fixture struct {
	*worktest.Env
	s *Service
}

func mustOpen(tb testing.TB) *fixture {
	tb.Helper()
	env := worktest.MustOpen(tb)
	env.EnsureSchemas(tb, SearchSchema)
	f := &fixture{Env: env, s: New(env.DB.Database, Deps{Works: env.Works, Media: env.Media, Index: env.Index,
		Queue: env.Queue}, Options{Logger: env.Log})}
	env.Works.OnChange(f.s.RefreshWork)
	return f
}

// collection makes a collection of u holding ws.
func (f *fixture) collection(tb testing.TB, u *account.User, title, visibility string, ws ...*work.Work) *Collection {
	tb.Helper()
	ctx := context.Background()
	c, err := f.s.Create(ctx, u, Input{Title: &title, Visibility: &visibility})
	if err != nil {
		tb.Fatalf("create collection: %v", err)
	}
	for _, w := range ws {
		if c, err = f.s.AddItem(ctx, u, c.ID, w.ID, "a note on "+w.Title); err != nil {
			tb.Fatalf("add %s: %v", w.Title, err)
		}
	}
	return c
}

// item reads the collection as stored and returns its item for workID.
func (f *fixture) item(tb testing.TB, collectionID, workID string) (Item, bool) {
	tb.Helper()
	c, err := f.s.read(context.Background(), collectionID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, it := range c.Items {
		if it.WorkID == workID {
			return it, true
		}
	}
	return Item{}, false
}

// saves is the work's count of public collections holding it, as stored.
func (f *fixture) saves(tb testing.TB, w *work.Work, maker *account.User) int {
	tb.Helper()
	now, err := f.Works.Get(context.Background(), maker, w.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return now.Counts.Saves
}

func TestService_RefreshWork(t *testing.T) {
	ctx := context.Background()

	t.Run("NewTitleAndPrice", func(t *testing.T) {
		f := mustOpen(t)
		potter, ana, ben := f.Maker(t, "potter"), f.User(t, "ana"), f.User(t, "ben")
		bowl, cup := f.Work(t, potter, "Celadon bowl", 12900, true), f.Work(t, potter, "Tea cup", 4500, true)
		lists := []*Collection{f.collection(t, ana, "Blue things", Public, bowl, cup),
			f.collection(t, ben, "Maybe", Private, bowl)}
		title, price := "Celadon bowl, large", work.Money{Amount: 15900, Currency: "CNY"}
		if _, err := f.Works.Update(ctx, potter, bowl.ID, work.Input{Title: &title, Price: &price}); err != nil {
			t.Fatal(err)
		}
		for _, c := range lists {
			it, ok := f.item(t, c.ID, bowl.ID)
			if !ok || it.Title != title || it.Price != price || it.Note != "a note on Celadon bowl" {
				t.Fatalf("%s holds %+v", c.Title, it)
			}
		}
		if it, _ := f.item(t, lists[0].ID, cup.ID); it.Title != "Tea cup" || it.Price.Amount != 4500 {
			t.Fatalf("the other work changed too: %+v", it)
		}
	})

	for _, how := range []string{"Unpublished", "Deleted"} {
		t.Run(how, func(t *testing.T) {
			f := mustOpen(t)
			potter, ana, ben := f.Maker(t, "potter"), f.User(t, "ana"), f.User(t, "ben")
			bowl, cup := f.Work(t, potter, "Celadon bowl", 12900, true), f.Work(t, potter, "Tea cup", 4500, true)
			lists := []*Collection{f.collection(t, ana, "Blue things", Public, bowl, cup),
				f.collection(t, ben, "Also blue", Public, bowl), f.collection(t, ben, "Secret", Private, bowl)}
			if n := f.saves(t, bowl, potter); n != 2 {
				t.Fatalf("saves before: %d", n)
			}
			var err error
			if how == "Deleted" {
				err = f.Works.Delete(ctx, potter, bowl.ID)
			} else {
				_, err = f.Works.Update(ctx, potter, bowl.ID, work.Input{Status: ptr(work.StatusDraft)})
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range lists {
				if it, ok := f.item(t, c.ID, bowl.ID); ok {
					t.Fatalf("%s still holds %+v", c.Title, it)
				}
			}
			if _, ok := f.item(t, lists[0].ID, cup.ID); !ok {
				t.Fatal("the other work dropped out too")
			}
			if how == "Unpublished" {
				if n := f.saves(t, bowl, potter); n != 0 {
					t.Fatalf("saves after it dropped out of two public collections: %d", n)
				}
			}
			var link struct{ Collections []string }
			err = f.s.byWork.FindOne(ctx, bson.M{"_id": bowl.ID}).Decode(&link)
			if err != nil || len(link.Collections) != 0 {
				t.Fatalf("links left: %v %v", link.Collections, err)
			}
		})
	}

	t.Run("CollectionChangedMeanwhile", func(t *testing.T) {
		f := mustOpen(t)
		potter, ana := f.Maker(t, "potter"), f.User(t, "ana")
		bowl := f.Work(t, potter, "Celadon bowl", 12900, true)
		c := f.collection(t, ana, "Blue things", Public, bowl)
		// The work is renamed, and the owner renames the collection between the refresh's read and
		// its write (the clock is read in between).
		renamed, clock := false, f.s.now
		f.s.now = func() time.Time {
			if !renamed {
				renamed = true
				if _, err := f.s.Update(ctx, ana, c.ID, Input{Title: ptr("Blue and green")}); err != nil {
					t.Errorf("rename: %v", err)
				}
			}
			return clock()
		}
		changed := mustGet(t, f, bowl.ID)
		changed.Title = "Celadon bowl, large"
		if err := f.s.RefreshWork(ctx, changed, false); err != nil {
			t.Fatalf("refresh after a change meanwhile: %v", err)
		}
		if !renamed {
			t.Fatal("the rename never came between the read and the write")
		}
		now, err := f.s.read(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Title != "Blue and green" || len(now.Items) != 1 || now.Items[0].Title != changed.Title {
			t.Fatalf("collection %q holds %+v", now.Title, now.Items)
		}
	})
}

func mustGet(tb testing.TB, f *fixture, id string) *work.Work {
	tb.Helper()
	w, err := f.Works.Get(context.Background(), nil, id)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func ptr[T any](v T) *T { return &v }
