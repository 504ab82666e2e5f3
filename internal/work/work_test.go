package work_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"

	"guildhall/internal/account"
	"guildhall/internal/problem"
	"guildhall/internal/work"
	"guildhall/internal/work/worktest"
)

func ptr[T any](v T) *T { return &v }

// fields are the bad fields err names, field -> message key.
func fields(tb testing.TB, err error) map[string]string {
	tb.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.KindInvalid {
		tb.Fatalf("want invalid fields, got %v", err)
	}
	return p.Fields
}

func TestService_Create(t *testing.T) {
	env := worktest.MustOpen(t)
	ctx := context.Background()
	potter := env.Maker(t, "potter")

	t.Run("EveryBadFieldNamed", func(t *testing.T) {
		tags := make([]string, 21)
		for i := range tags {
			tags[i] = fmt.Sprint("tag", i)
		}
		in := work.Input{
			Title:        ptr("   "),
			Description:  ptr(strings.Repeat("x", 10_001)),
			Price:        &work.Money{Amount: -1, Currency: "XYZ"},
			Stock:        ptr(-1),
			LeadTimeDays: ptr(366),
			Materials:    &[]string{strings.Repeat("麻", 31)},
			Tags:         &tags,
			Category:     ptr("spaceships"),
			MediaIDs:     &[]string{"m1", "m1"},
			Variants: &[]work.VariantInput{{Name: "", Price: work.Money{Amount: 100, Currency: "USD"}},
				{Name: "M", Price: work.Money{Amount: 100_000_000_01}}},
			Status: ptr("for_sale"),
		}
		_, err := env.Works.Create(ctx, potter, in)
		want := map[string]string{
			"title": "required", "description": "too_long", "price.amount": "out_of_range",
			"price.currency": "currency_unknown", "stock": "out_of_range", "lead_time_days": "out_of_range",
			"materials": "too_long", "tags": "too_many", "category": "category_unknown", "media_ids": "duplicates",
			"variants.0.name": "required", "variants.0.price": "currency_mismatch",
			"variants.1.price.amount": "out_of_range", "status": "status_unknown",
			// The second option has no currency: it takes the price's, which is unknown.
			"variants.1.price.currency": "currency_unknown",
		}
		if got := fields(t, err); !maps.Equal(got, want) {
			t.Fatalf("fields\n got %v\nwant %v", got, want)
		}
	})

	t.Run("RequiredOnCreate", func(t *testing.T) {
		_, err := env.Works.Create(ctx, potter, work.Input{})
		want := map[string]string{"title": "required", "price": "required", "category": "required"}
		if got := fields(t, err); !maps.Equal(got, want) {
			t.Fatalf("fields %v, want %v", got, want)
		}
	})

	t.Run("NoStudio", func(t *testing.T) {
		_, err := env.Works.Create(ctx, env.User(t, "fan"), work.Input{Title: ptr("Bowl")})
		if p, ok := problem.As(err); !ok || p.Code != "open_a_studio_first" {
			t.Fatalf("a work without a studio: %v", err)
		}
	})

	t.Run("PatchWithBadFieldsChangesNothing", func(t *testing.T) {
		w := env.Work(t, potter, "Celadon bowl", 12900, true)
		_, err := env.Works.Update(ctx, potter, w.ID, work.Input{Title: ptr("Bowl, renamed"), Stock: ptr(-5)})
		if got := fields(t, err); !maps.Equal(got, map[string]string{"stock": "out_of_range"}) {
			t.Fatalf("fields %v", got)
		}
		if now, _ := env.Works.Get(ctx, nil, w.ID); now.Title != "Celadon bowl" {
			t.Fatalf("a refused change was stored: %q", now.Title)
		}
	})
}

// favourites is the work's count as stored.
func favourites(tb testing.TB, env *worktest.Env, id string) int {
	tb.Helper()
	w, err := env.Works.Get(context.Background(), nil, id)
	if err != nil {
		tb.Fatal(err)
	}
	return w.Counts.Favorites
}

// together runs fn for each user at once.
func together(users []*account.User, fn func(u *account.User)) {
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func() { defer wg.Done(); fn(u) }()
	}
	wg.Wait()
}

func TestService_Favourite(t *testing.T) {
	env := worktest.MustOpen(t)
	ctx := context.Background()
	potter := env.Maker(t, "potter")
	bowl := env.Work(t, potter, "Celadon bowl", 12900, true)
	fans := []*account.User{env.User(t, "ana"), env.User(t, "ben"), env.User(t, "cai")}

	t.Run("Idempotent", func(t *testing.T) {
		ana := fans[0]
		for range 2 {
			if err := env.Works.Favourite(ctx, ana, bowl.ID); err != nil {
				t.Fatal(err)
			}
		}
		if on, _ := env.Works.Favourited(ctx, ana, bowl.ID); !on || favourites(t, env, bowl.ID) != 1 {
			t.Fatalf("favourited twice: %v, count %d", on, favourites(t, env, bowl.ID))
		}
		for range 2 {
			if err := env.Works.Unfavourite(ctx, ana, bowl.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n := favourites(t, env, bowl.ID); n != 0 {
			t.Fatalf("unfavourited twice: count %d", n)
		}
	})

	t.Run("RacingRepeats", func(t *testing.T) {
		// Each fan presses the button four times at once: one favourite each.
		var repeats []*account.User
		for _, u := range fans {
			repeats = append(repeats, u, u, u, u)
		}
		together(repeats, func(u *account.User) {
			if err := env.Works.Favourite(ctx, u, bowl.ID); err != nil {
				t.Errorf("favourite of %s: %v", u.Handle, err)
			}
		})
		if n := favourites(t, env, bowl.ID); n != len(fans) {
			t.Fatalf("count %d after %d fans favourited, each four times at once", n, len(fans))
		}
		together(repeats, func(u *account.User) {
			if err := env.Works.Unfavourite(ctx, u, bowl.ID); err != nil {
				t.Errorf("unfavourite of %s: %v", u.Handle, err)
			}
		})
		if n := favourites(t, env, bowl.ID); n != 0 {
			t.Fatalf("count %d after every fan took it back", n)
		}
	})

	t.Run("Draft", func(t *testing.T) {
		draft := env.Work(t, potter, "Unfinished jar", 9900, false)
		if err := env.Works.Favourite(ctx, fans[0], draft.ID); problem.KindOf(err) != problem.KindNotFound {
			t.Fatalf("favourite a draft: %v", err)
		}
	})
}
