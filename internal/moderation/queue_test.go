package moderation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/moderation"
	"guildhall/internal/problem"
)

// seedReports files one report on a thread of g1, one of g2 and one on a
// work, a few milliseconds apart so "newest first" has one answer.
func seedReports(t *testing.T, f *fixture) {
	t.Helper()
	for _, target := range []moderation.Target{f.thread("a", g1), f.thread("b", g2), f.work("w")} {
		f.report(t, alice, target, moderation.ReasonSpam)
		time.Sleep(3 * time.Millisecond)
	}
}

func TestAModeratorSeesOnlyTheirGroupsReports(t *testing.T) {
	f := newFixture(t)
	seedReports(t, f)
	if got := ids(f.queued(t, mod1, "")); !slices.Equal(got, []string{"thread:a"}) {
		t.Fatalf("mod1 sees %v", got)
	}
	if got := ids(f.queued(t, mod2, moderation.StatusOpen)); !slices.Equal(got, []string{"thread:b"}) {
		t.Fatalf("mod2 sees %v", got)
	}
}

func TestAnAdminSeesEveryReport(t *testing.T) {
	f := newFixture(t)
	seedReports(t, f)
	if got := ids(f.queued(t, admin, "")); !slices.Equal(got, []string{"work:w", "thread:b", "thread:a"}) {
		t.Fatalf("admin sees %v, want every report newest first", got)
	}
}

func TestStrangersCannotSeeTheQueue(t *testing.T) {
	f := newFixture(t)
	seedReports(t, f)
	ctx := context.Background()
	for _, u := range []*account.User{stranger, alice} {
		_, err := f.s.Queue(ctx, u, "", "", 0)
		if p, ok := problem.As(err); !ok || p.Kind != problem.KindForbidden || p.Code != "not_a_moderator" {
			t.Fatalf("%s reading the queue: %v", u.Handle, err)
		}
	}
	if _, err := f.s.Queue(ctx, nil, "", "", 0); kindOf(err) != problem.KindUnauthorized {
		t.Fatalf("signed out: %v", err)
	}
}

func TestTheQueueListsEachStatusApart(t *testing.T) {
	f := newFixture(t)
	seedReports(t, f)
	ctx := context.Background()
	if _, err := f.s.Decide(ctx, admin, "work:w", moderation.DecisionResolve, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Decide(ctx, mod1, "thread:a", moderation.DecisionDismiss, ""); err != nil {
		t.Fatal(err)
	}
	for status, want := range map[string][]string{
		moderation.StatusOpen:      {"thread:b"},
		moderation.StatusResolved:  {"work:w"},
		moderation.StatusDismissed: {"thread:a"},
	} {
		if got := ids(f.queued(t, admin, status)); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", status, got, want)
		}
	}
	_, err := f.s.Queue(ctx, admin, "closed", "", 0)
	if kindOf(err) != problem.KindInvalid || fieldOf(err, "status") == "" {
		t.Fatalf("an unknown status: %v", err)
	}
}

func TestTheQueuePagesWithACursor(t *testing.T) {
	f := newFixture(t)
	var want []string
	for _, id := range []string{"t1", "t2", "t3", "t4", "t5"} {
		f.report(t, alice, f.thread(id, g1), moderation.ReasonSpam)
		want = append([]string{"thread:" + id}, want...)
		time.Sleep(3 * time.Millisecond)
	}
	ctx := context.Background()
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("the cursor never ends")
		}
		p, err := f.s.Queue(ctx, mod1, "", cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 5 {
			t.Fatalf("total %d", p.Total)
		}
		got = append(got, ids(p.Items)...)
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages gave %v, want %v", got, want)
	}
	for _, tc := range []struct {
		cursor string
		limit  int
		field  string
	}{{"", 101, "limit"}, {"", -1, "limit"}, {"bogus!", 0, "cursor"}} {
		if _, err := f.s.Queue(ctx, mod1, "", tc.cursor, tc.limit); fieldOf(err, tc.field) == "" {
			t.Errorf("cursor %q limit %d: %v, want a 422 naming %s", tc.cursor, tc.limit, err, tc.field)
		}
	}
}
