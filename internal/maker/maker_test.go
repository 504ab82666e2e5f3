package maker_test

import (
	"context"
	"maps"
	"strings"
	"sync"
	"testing"

	"guildhall/internal/account"
	"guildhall/internal/maker"
	"guildhall/internal/notify"
	"guildhall/internal/problem"
	"guildhall/internal/work"
	"guildhall/internal/work/worktest"
)

func TestService_PutStudio(t *testing.T) {
	env := worktest.MustOpen(t)
	ctx := context.Background()
	fan := env.User(t, "fan")

	t.Run("EveryBadFieldNamed", func(t *testing.T) {
		_, err := env.Makers.PutStudio(ctx, fan, maker.StudioInput{Name: " ", Story: strings.Repeat("x", 5001),
			Location: strings.Repeat("y", 81), Crafts: []string{strings.Repeat("陶", 31)},
			Policies: maker.Policies{Shipping: strings.Repeat("s", 2001), Returns: strings.Repeat("r", 2001), LeadTimeDays: 366}})
		p, ok := problem.As(err)
		want := map[string]string{"name": "required", "story": "too_long", "location": "too_long", "crafts": "too_long",
			"policies.shipping": "too_long", "policies.returns": "too_long", "policies.lead_time_days": "out_of_range"}
		if !ok || p.Kind != problem.KindInvalid || !maps.Equal(p.Fields, want) {
			t.Fatalf("fields\n got %v\nwant %v", err, want)
		}
		if now := env.Reread(t, fan); now.HasRole(account.RoleMaker) {
			t.Fatal("a refused studio made the user a maker")
		}
	})

	t.Run("OpeningMakesAMaker", func(t *testing.T) {
		st, err := env.Makers.PutStudio(ctx, fan, maker.StudioInput{Name: " Fan's kiln ", Crafts: []string{"陶瓷", " ", "glaze"}})
		if err != nil || st.Name != "Fan's kiln" || len(st.Crafts) != 2 {
			t.Fatalf("studio %+v %v", st, err)
		}
		if now := env.Reread(t, fan); !now.HasRole(account.RoleMaker) {
			t.Fatal("opening a studio did not make the user a maker")
		}
	})
}

// followers is the maker's count as stored.
func followers(tb testing.TB, env *worktest.Env, u *account.User) int {
	tb.Helper()
	st, err := env.Makers.ByID(context.Background(), u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Counts.Followers
}

func TestService_Follow(t *testing.T) {
	env := worktest.MustOpen(t)
	ctx := context.Background()
	potter, fan := env.Maker(t, "potter"), env.User(t, "fan")

	t.Run("Idempotent", func(t *testing.T) {
		for range 2 {
			if err := env.Makers.Follow(ctx, fan, potter.Handle); err != nil {
				t.Fatal(err)
			}
		}
		if n := followers(t, env, potter); n != 1 {
			t.Fatalf("followed twice: %d followers", n)
		}
		if notes := env.Notes.To(potter.ID); len(notes) != 1 || notes[0].Type != notify.TypeFollow {
			t.Fatalf("the maker is told: %v", env.Notes)
		}
		for range 2 {
			if err := env.Makers.Unfollow(ctx, fan.ID, potter.Handle); err != nil {
				t.Fatal(err)
			}
		}
		if n := followers(t, env, potter); n != 0 {
			t.Fatalf("unfollowed twice: %d followers", n)
		}
		if ids, _ := env.Makers.Following(ctx, fan.ID); len(ids) != 0 {
			t.Fatalf("still listed as following %v", ids)
		}
	})

	t.Run("RacingRepeats", func(t *testing.T) {
		var wg sync.WaitGroup
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := env.Makers.Follow(ctx, fan, potter.Handle); err != nil {
					t.Errorf("follow: %v", err)
				}
			}()
		}
		wg.Wait()
		if n := followers(t, env, potter); n != 1 {
			t.Fatalf("six follows at once: %d followers", n)
		}
		if ids, _ := env.Makers.Following(ctx, fan.ID); len(ids) != 1 || ids[0] != potter.ID {
			t.Fatalf("following %v", ids)
		}
	})

	t.Run("Yourself", func(t *testing.T) {
		err := env.Makers.Follow(ctx, potter, potter.Handle)
		if p, ok := problem.As(err); !ok || p.Fields["handle"] != "cannot_follow_self" {
			t.Fatalf("follow yourself: %v", err)
		}
	})
}

func TestService_MakerPage(t *testing.T) {
	env := worktest.MustOpen(t)
	ctx := context.Background()
	potter, fan := env.Maker(t, "potter"), env.User(t, "fan")
	env.Work(t, potter, "Celadon bowl", 12900, true)
	env.Work(t, potter, "Tea cup", 4500, true)
	env.Work(t, potter, "Unfinished jar", 9900, false)
	if err := env.Makers.Follow(ctx, fan, potter.Handle); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name           string
		viewer         *account.User
		following, own bool
	}{{"Visitor", nil, false, false}, {"Follower", fan, true, false}, {"Owner", potter, false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := env.Makers.MakerPage(ctx, tc.viewer, "Potter", work.ListQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if v.Studio.ID != potter.ID || v.Following != tc.following || v.Own != tc.own {
				t.Fatalf("studio %s, following %v, own %v", v.Studio.ID, v.Following, v.Own)
			}
			if v.Works.Total != 2 || v.Works.Items[0].Title != "Tea cup" { // newest first, no drafts
				t.Fatalf("works %+v", v.Works)
			}
		})
	}
	t.Run("UnknownHandle", func(t *testing.T) {
		if _, err := env.Makers.MakerPage(ctx, nil, "nobody", work.ListQuery{}); problem.KindOf(err) != problem.KindNotFound {
			t.Fatalf("unknown maker: %v", err)
		}
	})
}

func TestService_OwnStudio(t *testing.T) {
	env := worktest.MustOpen(t)
	ctx := context.Background()
	fan := env.User(t, "fan")
	v, err := env.Makers.OwnStudio(ctx, fan, work.ListQuery{})
	if err != nil || v.Studio != nil || v.Works != nil || !v.Own {
		t.Fatalf("before a studio: %+v %v", v, err)
	}
	potter := env.Maker(t, "potter")
	env.Work(t, potter, "Celadon bowl", 12900, true)
	env.Work(t, potter, "Unfinished jar", 9900, false)
	v, err = env.Makers.OwnStudio(ctx, potter, work.ListQuery{})
	if err != nil || v.Studio == nil || v.Works.Total != 2 {
		t.Fatalf("own studio with a draft: %+v %v", v, err)
	}
}
