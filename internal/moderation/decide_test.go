package moderation_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"guildhall/internal/account"
	"guildhall/internal/moderation"
	"guildhall/internal/problem"
)

func decisionsIn(r moderation.Report) []moderation.Action {
	var out []moderation.Action
	for _, a := range r.History {
		if a.Action == moderation.ActionResolved || a.Action == moderation.ActionDismissed {
			out = append(out, a)
		}
	}
	return out
}

func (f *fixture) audit(t *testing.T, u *account.User, groupID string) []moderation.Entry {
	t.Helper()
	p, err := f.s.Audit(context.Background(), u, groupID, "", 100)
	if err != nil {
		t.Fatalf("audit trail of %q for %s: %v", groupID, u.Handle, err)
	}
	return p.Items
}

func TestTwoModeratorsDecidingAtOnceRecordOneDecision(t *testing.T) {
	f := newFixture(t)
	f.report(t, alice, f.thread("a", g1), moderation.ReasonSpam)
	type outcome struct {
		action string
		err    error
	}
	out := make(chan outcome, 20)
	var moderators []*account.User
	for i := range 20 {
		u := &account.User{ID: fmt.Sprintf("m%02d", i), Handle: fmt.Sprintf("m%02d", i)}
		f.mods[u.ID] = []string{g1}
		moderators = append(moderators, u)
	}
	var wg sync.WaitGroup
	for i, u := range moderators {
		action := moderation.DecisionResolve
		if i%2 == 1 {
			action = moderation.DecisionDismiss
		}
		wg.Go(func() {
			_, err := f.s.Decide(context.Background(), u, "thread:a", action, "by "+u.Handle)
			out <- outcome{action, err}
		})
	}
	wg.Wait()
	close(out)

	var r moderation.Report
	for _, status := range []string{moderation.StatusResolved, moderation.StatusDismissed} {
		if items := f.queued(t, admin, status); len(items) == 1 {
			r = items[0]
		}
	}
	if open := f.queued(t, admin, moderation.StatusOpen); len(open) != 0 || r.ID == "" {
		t.Fatalf("not decided: open %+v", open)
	}
	decided := decisionsIn(r)
	if len(decided) != 1 {
		t.Fatalf("%d decisions recorded: %+v", len(decided), decided)
	}
	won := map[string]string{moderation.ActionResolved: moderation.DecisionResolve, moderation.ActionDismissed: moderation.DecisionDismiss}[decided[0].Action]
	for o := range out {
		if o.action == won && o.err != nil {
			t.Errorf("%s after the report was %s: %v, want a no-op", o.action, r.Status, o.err)
		}
		if p, ok := problem.As(o.err); o.action != won && (!ok || p.Code != "report_decided" || p.Fields["action"] == "") {
			t.Errorf("%s after the report was %s: %v, want a report_decided conflict", o.action, r.Status, o.err)
		}
	}
	entries := f.audit(t, admin, g1)
	if len(entries) != 1 || entries[0].ActorID != decided[0].ActorID || entries[0].Note != decided[0].Note {
		t.Fatalf("audit trail %+v for decision %+v", entries, decided[0])
	}
}

func TestDecidingTwiceTheSameWayChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.report(t, alice, f.thread("a", g1), moderation.ReasonSpam)
	ctx := context.Background()
	first, err := f.s.Decide(ctx, mod1, "thread:a", moderation.DecisionResolve, "done")
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.s.Decide(ctx, admin, "thread:a", moderation.DecisionResolve, "me too")
	if err != nil {
		t.Fatalf("resolving a resolved report: %v", err)
	}
	if !again.UpdatedAt.Equal(first.UpdatedAt) || len(again.History) != len(first.History) {
		t.Fatalf("the second resolve changed the report: %+v", again)
	}
	if n := len(f.audit(t, admin, "")); n != 1 {
		t.Fatalf("%d audit entries for one decision", n)
	}
}

func TestTheOtherDecisionOnADecidedReportConflicts(t *testing.T) {
	f := newFixture(t)
	f.report(t, alice, f.thread("a", g1), moderation.ReasonSpam)
	ctx := context.Background()
	if _, err := f.s.Decide(ctx, mod1, "thread:a", moderation.DecisionResolve, ""); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.Decide(ctx, mod1, "thread:a", moderation.DecisionDismiss, "")
	if p, ok := problem.As(err); !ok || p.Kind != problem.KindConflict || p.Code != "report_decided" || p.Fields["action"] == "" {
		t.Fatalf("dismissing a resolved report: %v", err)
	}
	if r := f.only(t, moderation.StatusResolved); len(decisionsIn(r)) != 1 {
		t.Fatalf("history: %v", actions(r))
	}
}

func TestOnlyTheGroupsModeratorsAndAdminsDecide(t *testing.T) {
	f := newFixture(t)
	seedReports(t, f) // thread:a in g1, thread:b in g2, work:w
	f.report(t, insider, f.thread("hidden", secret), moderation.ReasonSpam)
	modSecret := &account.User{ID: "mod-secret", Handle: "mod-secret"}
	for _, tc := range []struct {
		name     string
		u        *account.User
		report   string
		action   string
		note     string
		want     problem.Kind
		wantCode string
	}{
		{"another group's moderator", mod2, "thread:a", "resolve", "", problem.KindForbidden, "not_a_moderator"},
		{"a member who can see the thread", alice, "thread:a", "resolve", "", problem.KindForbidden, "not_a_moderator"},
		{"a group moderator on a work", mod1, "work:w", "resolve", "", problem.KindForbidden, "not_a_moderator"},
		{"a stranger on a private group's thread", stranger, "thread:hidden", "resolve", "", problem.KindNotFound, "not_found"},
		{"another group's moderator on a private group's thread", mod1, "thread:hidden", "dismiss", "", problem.KindNotFound, "not_found"},
		{"anyone on a report that does not exist", admin, "thread:nope", "resolve", "", problem.KindNotFound, "not_found"},
		{"an unknown action", admin, "thread:a", "delete", "", problem.KindInvalid, "invalid"},
		{"a note over 1000 characters", admin, "thread:a", "resolve", strings.Repeat("x", 1001), problem.KindInvalid, "invalid"},
		{"someone signed out", nil, "thread:a", "resolve", "", problem.KindUnauthorized, "unauthenticated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.Decide(context.Background(), tc.u, tc.report, tc.action, tc.note)
			p, ok := problem.As(err)
			if !ok || p.Kind != tc.want || p.Code != tc.wantCode {
				t.Fatalf("got %v, want %s", err, tc.wantCode)
			}
		})
	}
	for _, tc := range []struct {
		u      *account.User
		report string
	}{{mod1, "thread:a"}, {mod2, "thread:b"}, {modSecret, "thread:hidden"}, {admin, "work:w"}} {
		if _, err := f.s.Decide(context.Background(), tc.u, tc.report, moderation.DecisionResolve, ""); err != nil {
			t.Errorf("%s resolving %s: %v", tc.u.Handle, tc.report, err)
		}
	}
	if n := len(f.queued(t, admin, moderation.StatusOpen)); n != 0 {
		t.Fatalf("%d reports still open", n)
	}
}

func TestADecisionIsInTheReportAndTheAuditTrail(t *testing.T) {
	f := newFixture(t)
	f.report(t, alice, f.thread("a", g1), moderation.ReasonSpam)
	r, err := f.s.Decide(context.Background(), mod1, "thread:a", moderation.DecisionDismiss, "  not spam, a shop link to our own listing ")
	if err != nil {
		t.Fatal(err)
	}
	last := r.History[len(r.History)-1]
	if r.Status != moderation.StatusDismissed || last.Action != moderation.ActionDismissed || last.ActorID != "mod1" ||
		last.Note != "not spam, a shop link to our own listing" || !last.At.Equal(r.UpdatedAt) {
		t.Fatalf("decided report: %+v", r)
	}
	entries := f.audit(t, mod1, g1)
	if len(entries) != 1 {
		t.Fatalf("audit trail: %+v", entries)
	}
	e := entries[0]
	if e.Action != moderation.AuditDismissReport || e.GroupID != g1 || e.ActorID != "mod1" || e.ActorHandle != "mod1" ||
		e.TargetType != "thread" || e.TargetID != "a" || e.Note != last.Note || !e.At.Equal(r.UpdatedAt) || e.ID == "" {
		t.Fatalf("audit entry: %+v", e)
	}
}
