package moderation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"guildhall/internal/moderation"
	"guildhall/internal/problem"
)

// recordActions writes a moderator's day in g1 and one action in g2, an
// hour apart, out of order, so only sorting can list them newest first.
func recordActions(t *testing.T, f *fixture) time.Time {
	t.Helper()
	day := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, e := range []moderation.Entry{
		{GroupID: g1, ActorID: "mod1", ActorHandle: "mod1", Action: "lock", TargetType: "thread", TargetID: "t2", At: day.Add(2 * time.Hour)},
		{GroupID: g1, ActorID: "mod1", ActorHandle: "mod1", Action: "pin", TargetType: "thread", TargetID: "t1", At: day},
		{GroupID: g2, ActorID: "mod2", ActorHandle: "mod2", Action: "hide", TargetType: "reply", TargetID: "r1", At: day.Add(90 * time.Minute)},
		{GroupID: g1, ActorID: "mod1", ActorHandle: "mod1", Action: "ban", TargetType: "user", TargetID: "bob", Note: "spam ring", At: day.Add(3 * time.Hour)},
		{GroupID: g1, ActorID: "mod1", ActorHandle: "mod1", Action: "hide", TargetType: "reply", TargetID: "r2", At: day.Add(time.Hour)},
	} {
		if err := f.s.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	return day
}

func actionsOf(entries []moderation.Entry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Action+":"+e.TargetID)
	}
	return out
}

func TestTheAuditTrailListsActionsNewestFirst(t *testing.T) {
	f := newFixture(t)
	day := recordActions(t, f)
	entries := f.audit(t, mod1, g1)
	if got, want := actionsOf(entries), []string{"ban:bob", "lock:t2", "hide:r2", "pin:t1"}; !slices.Equal(got, want) {
		t.Fatalf("g1's trail %v, want %v", got, want)
	}
	ban := entries[0]
	if ban.GroupID != g1 || ban.ActorID != "mod1" || ban.ActorHandle != "mod1" || ban.TargetType != "user" ||
		ban.Note != "spam ring" || !ban.At.Equal(day.Add(3*time.Hour)) || ban.ID == "" {
		t.Fatalf("entry read back: %+v", ban)
	}
	p, err := f.s.Audit(context.Background(), mod1, g1, "", 3)
	if err != nil || len(p.Items) != 3 || p.NextCursor == nil || p.Total != 4 {
		t.Fatalf("first page of 3: %+v %v", p, err)
	}
	next, err := f.s.Audit(context.Background(), mod1, g1, *p.NextCursor, 3)
	if err != nil || !slices.Equal(actionsOf(next.Items), []string{"pin:t1"}) || next.NextCursor != nil {
		t.Fatalf("second page: %+v %v", next, err)
	}
}

func TestAnAdminReadsEveryAuditTrail(t *testing.T) {
	f := newFixture(t)
	recordActions(t, f)
	if got := actionsOf(f.audit(t, admin, "")); len(got) != 5 || got[0] != "ban:bob" || got[4] != "pin:t1" {
		t.Fatalf("everything: %v", got)
	}
	if got := actionsOf(f.audit(t, admin, g2)); !slices.Equal(got, []string{"hide:r1"}) {
		t.Fatalf("g2: %v", got)
	}
}

func TestAModeratorReadsOnlyTheirGroupsAuditTrail(t *testing.T) {
	f := newFixture(t)
	recordActions(t, f)
	ctx := context.Background()
	if _, err := f.s.Audit(ctx, mod1, g2, "", 0); kindOf(err) != problem.KindForbidden {
		t.Fatalf("mod1 reading g2's trail: %v", err)
	}
	if _, err := f.s.Audit(ctx, mod1, "", "", 0); kindOf(err) != problem.KindInvalid || fieldOf(err, "group_id") == "" {
		t.Fatalf("mod1 reading every trail: %v", err)
	}
	if _, err := f.s.Audit(ctx, alice, g1, "", 0); kindOf(err) != problem.KindForbidden {
		t.Fatalf("a member reading g1's trail: %v", err)
	}
	if _, err := f.s.Audit(ctx, nil, g1, "", 0); kindOf(err) != problem.KindUnauthorized {
		t.Fatalf("signed out: %v", err)
	}
}

func TestAnAuditEntryNeedsAnActorAndAnAction(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.s.Record(ctx, moderation.Entry{GroupID: g1, Action: "pin"}); err == nil {
		t.Fatal("an entry without an actor was recorded")
	}
	if err := f.s.Record(ctx, moderation.Entry{GroupID: g1, ActorID: "mod1"}); err == nil {
		t.Fatal("an entry without an action was recorded")
	}
	before := time.Now().Add(-time.Second)
	if err := f.s.Record(ctx, moderation.Entry{GroupID: g1, ActorID: "mod1", Action: "pin", ID: "chosen"}); err != nil {
		t.Fatal(err)
	}
	entries := f.audit(t, admin, "")
	if len(entries) != 1 || entries[0].ID == "chosen" || entries[0].At.Before(before) {
		t.Fatalf("entries: %+v", entries)
	}
}
