package moderation_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/moderation"
	"guildhall/internal/problem"
)

func TestAReportLandsInTheQueueWithItsTarget(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	got := f.report(t, alice, th, moderation.ReasonSpam)
	if got.ID != "thread:t1" || got.Status != moderation.StatusOpen || got.Reporters != 1 {
		t.Fatalf("filed report: %+v", got)
	}
	r := f.only(t, moderation.StatusOpen)
	if r.ID != "thread:t1" || r.Target != th || r.Reason != moderation.ReasonSpam || r.Note != "from alice" ||
		r.ReporterID != "alice" || r.ReporterHandle != "alice" || r.Reporters != 1 {
		t.Fatalf("queued report: %+v", r)
	}
	if r.CreatedAt.IsZero() || !r.UpdatedAt.Equal(r.CreatedAt) {
		t.Fatalf("times: created %v updated %v", r.CreatedAt, r.UpdatedAt)
	}
	if a := actions(r); !slices.Equal(a, []string{"reported:alice"}) {
		t.Fatalf("history: %v", a)
	}
}

func TestASecondReporterJoinsTheOpenReport(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	f.report(t, alice, th, moderation.ReasonSpam)
	got := f.report(t, bob, th, moderation.ReasonHarassment)
	if got.ID != "thread:t1" || got.Reporters != 2 {
		t.Fatalf("bob's report: %+v", got)
	}
	r := f.only(t, moderation.StatusOpen)
	if r.Reporters != 2 || r.ReporterID != "alice" || r.Reason != moderation.ReasonSpam {
		t.Fatalf("the report is no longer alice's with two reporters: %+v", r)
	}
	if a := actions(r); !slices.Equal(a, []string{"reported:alice", "reported:bob"}) {
		t.Fatalf("history: %v", a)
	}
	if b := r.History[1]; b.Reason != moderation.ReasonHarassment || b.Note != "from bob" {
		t.Fatalf("bob's reason and note are lost: %+v", b)
	}
	if !r.UpdatedAt.After(r.CreatedAt) && !r.UpdatedAt.Equal(r.CreatedAt) {
		t.Fatalf("updated %v before created %v", r.UpdatedAt, r.CreatedAt)
	}
}

func TestTheReporterGetsBackOnlyTheirOwnWords(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	f.report(t, alice, th, moderation.ReasonSpam)
	got := f.report(t, bob, th, moderation.ReasonHarassment)
	if got.ReporterID != "bob" || got.Reason != moderation.ReasonHarassment || got.Note != "from bob" || len(got.History) != 0 {
		t.Fatalf("bob sees someone else's report or the history: %+v", got)
	}
}

func TestReportingTheSameThingTwiceChangesNothing(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	f.report(t, alice, th, moderation.ReasonSpam)
	before := f.only(t, moderation.StatusOpen)
	time.Sleep(5 * time.Millisecond) // a change would show in updated_at
	again := f.report(t, alice, th, moderation.ReasonSpam)
	if again.ID != before.ID || again.Reporters != 1 || again.Status != moderation.StatusOpen {
		t.Fatalf("second report: %+v", again)
	}
	after := f.only(t, moderation.StatusOpen)
	if after.Reporters != 1 || len(after.History) != 1 || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("the second report changed it: before %+v after %+v", before, after)
	}
}

func TestOnePersonReportingManyTimesAtOnceCountsOnce(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	f.report(t, bob, th, moderation.ReasonSpam)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			_, err := f.s.Report(context.Background(), alice, moderation.ReportInput{TargetType: th.Type, TargetID: th.ID,
				Reason: moderation.ReasonSpam})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r := f.stored(t, "thread:t1")
	if len(r.Reporters) != 2 || len(r.History) != 2 || r.History[1].ActorID != "alice" {
		t.Fatalf("alice counted more than once: %v, %+v", r.Reporters, r.History)
	}
}

func TestManyPeopleReportingAtOnceAreAllCounted(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		u := &account.User{ID: fmt.Sprintf("u%02d", i), Handle: fmt.Sprintf("u%02d", i)}
		wg.Go(func() {
			_, err := f.s.Report(context.Background(), u, moderation.ReportInput{TargetType: th.Type, TargetID: th.ID,
				Reason: moderation.ReasonSpam})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r := f.stored(t, "thread:t1")
	if len(r.Reporters) != 20 || len(r.History) != 20 || r.Status != moderation.StatusOpen {
		t.Fatalf("%d reporters and %d history lines, want 20 and 20", len(r.Reporters), len(r.History))
	}
}

func TestAResolvedReportReopensWhenReportedAgain(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	f.report(t, alice, th, moderation.ReasonSpam)
	f.report(t, bob, th, moderation.ReasonSpam)
	if _, err := f.s.Decide(context.Background(), mod1, "thread:t1", moderation.DecisionResolve, "removed the link"); err != nil {
		t.Fatal(err)
	}
	if len(f.queued(t, admin, moderation.StatusOpen)) != 0 {
		t.Fatal("a resolved report is still open")
	}
	th.Preview = "Thread t1, edited"
	f.targets.add(th)
	got := f.report(t, alice, th, moderation.ReasonProhibited)
	if got.Status != moderation.StatusOpen || got.Reporters != 1 {
		t.Fatalf("reopened report: %+v", got)
	}
	r := f.only(t, moderation.StatusOpen)
	if r.Reason != moderation.ReasonProhibited || r.ReporterID != "alice" || r.Reporters != 1 || r.Target.Preview != "Thread t1, edited" {
		t.Fatalf("the new round is not alice's: %+v", r)
	}
	want := []string{"reported:alice", "reported:bob", "resolved:mod1", "reopened:alice"}
	if a := actions(r); !slices.Equal(a, want) {
		t.Fatalf("history %v, want %v", a, want)
	}
	if len(f.queued(t, admin, moderation.StatusResolved)) != 0 {
		t.Fatal("the reopened report still lists as resolved")
	}
}

func TestADismissedReportReopensToo(t *testing.T) {
	f := newFixture(t)
	w := f.work("w1")
	f.report(t, alice, w, moderation.ReasonCounterfeit)
	if _, err := f.s.Decide(context.Background(), admin, "work:w1", moderation.DecisionDismiss, ""); err != nil {
		t.Fatal(err)
	}
	f.report(t, alice, w, moderation.ReasonCounterfeit) // the same person may report again after a decision
	r := f.only(t, moderation.StatusOpen)
	if a := actions(r); !slices.Equal(a, []string{"reported:alice", "dismissed:admin", "reopened:alice"}) {
		t.Fatalf("history: %v", a)
	}
}

func TestReportsOnInvisibleTargetsAreNotFound(t *testing.T) {
	f := newFixture(t)
	hidden := f.thread("hidden", secret)
	for _, tc := range []struct {
		name string
		u    *account.User
		in   moderation.ReportInput
	}{
		{"a private group's thread for a non-member", stranger, moderation.ReportInput{TargetType: "thread", TargetID: hidden.ID, Reason: "spam"}},
		{"a thread that does not exist", alice, moderation.ReportInput{TargetType: "thread", TargetID: "nope", Reason: "spam"}},
		{"a user that does not exist", alice, moderation.ReportInput{TargetType: "user", TargetID: "nobody", Reason: "spam"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.s.Report(context.Background(), tc.u, tc.in)
			if kindOf(err) != problem.KindNotFound {
				t.Fatalf("got %v, want not found", err)
			}
		})
	}
	if n := len(f.queued(t, admin, moderation.StatusOpen)); n != 0 {
		t.Fatalf("%d reports filed on things nobody could see", n)
	}
	// A member may report it, and it goes to that group's moderators.
	f.report(t, insider, hidden, moderation.ReasonSpam)
	if got := ids(f.queued(t, &account.User{ID: "mod-secret"}, "")); !slices.Equal(got, []string{"thread:hidden"}) {
		t.Fatalf("the private group's moderator sees %v", got)
	}
}

func TestBadReportInputNamesTheField(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	ok := moderation.ReportInput{TargetType: th.Type, TargetID: th.ID, Reason: moderation.ReasonSpam, Note: "spam link"}
	for _, tc := range []struct {
		name, field string
		change      func(in *moderation.ReportInput)
	}{
		{"no target type", "target_type", func(in *moderation.ReportInput) { in.TargetType = "" }},
		{"an unknown target type", "target_type", func(in *moderation.ReportInput) { in.TargetType = "group" }},
		{"no target id", "target_id", func(in *moderation.ReportInput) { in.TargetID = "" }},
		{"a blank target id", "target_id", func(in *moderation.ReportInput) { in.TargetID = "  " }},
		{"no reason", "reason", func(in *moderation.ReportInput) { in.Reason = "" }},
		{"an unknown reason", "reason", func(in *moderation.ReportInput) { in.Reason = "ugly" }},
		{"a reason in the wrong case", "reason", func(in *moderation.ReportInput) { in.Reason = "Spam" }},
		{"a note over 1000 characters", "note", func(in *moderation.ReportInput) { in.Note = strings.Repeat("长", 1001) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.change(&in)
			_, err := f.s.Report(context.Background(), alice, in)
			if kindOf(err) != problem.KindInvalid || fieldOf(err, tc.field) == "" {
				t.Fatalf("got %v, want 422 naming %s", err, tc.field)
			}
		})
	}
	in := ok
	in.Note = strings.Repeat("长", 1000)
	if _, err := f.s.Report(context.Background(), alice, in); err != nil {
		t.Fatalf("a note of exactly 1000 characters: %v", err)
	}
	if _, err := f.s.Report(context.Background(), nil, ok); kindOf(err) != problem.KindUnauthorized {
		t.Fatalf("reporting signed out: %v", err)
	}
}

func TestAFlaggedPostShowsInItsGroupsModeratorQueue(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	ctx := context.Background()
	if err := f.s.Flag(ctx, th, moderation.ReasonOffPlatform); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Flag(ctx, th, moderation.ReasonOffPlatform); err != nil {
		t.Fatalf("flagging again: %v", err)
	}
	items := f.queued(t, mod1, "")
	if len(items) != 1 {
		t.Fatalf("mod1's queue: %+v", items)
	}
	r := items[0]
	if r.Reason != moderation.ReasonOffPlatform || r.ReporterID != moderation.SystemReporter || r.Reporters != 1 ||
		r.Target.GroupID != g1 || len(r.History) != 1 {
		t.Fatalf("flagged report: %+v", r)
	}
	if items := f.queued(t, mod2, ""); len(items) != 0 {
		t.Fatalf("another group's moderator sees the flag: %+v", items)
	}
	// People reporting the same post join the system's report.
	f.report(t, alice, th, moderation.ReasonOffPlatform)
	if r := f.only(t, moderation.StatusOpen); r.Reporters != 2 {
		t.Fatalf("alice did not join the flag: %+v", r)
	}
	if err := f.s.Flag(ctx, moderation.Target{Type: "thread"}, "off_platform"); kindOf(err) != problem.KindInvalid {
		t.Fatalf("a flag without a target id: %v", err)
	}
}

func TestAReportFiledWhileSearchIsDownReachesTheQueue(t *testing.T) {
	f := newFixture(t)
	th := f.thread("t1", g1)
	f.index.down.Store(true)
	f.report(t, alice, th, moderation.ReasonSpam)
	f.index.down.Store(false)
	if n := len(f.queued(t, admin, "")); n != 0 {
		t.Fatalf("%d reports listed before the index caught up", n)
	}
	var stored struct {
		Status string `bson:"status"`
	}
	if err := f.db.Collection(moderation.ReportsCollection).FindOne(context.Background(), bson.M{"_id": "thread:t1"}).Decode(&stored); err != nil || stored.Status != "open" {
		t.Fatalf("the report is not in MongoDB: %v %+v", err, stored)
	}
	if _, err := f.queue.Drain(context.Background(), time.Now().Add(time.Minute), 100); err != nil {
		t.Fatal(err)
	}
	if r := f.only(t, moderation.StatusOpen); r.ID != "thread:t1" || r.Reporters != 1 {
		t.Fatalf("after the worker: %+v", r)
	}
}

func TestOneThingNamedTwoWaysIsOneReport(t *testing.T) {
	f := newFixture(t)
	f.targets.add(moderation.Target{Type: moderation.TargetUser, ID: "potter", AuthorID: "u-potter", Preview: "Potter"})
	f.targets.mu.Lock()
	f.targets.things["user:Potter"] = f.targets.things["user:potter"] // the account feature finds handles in any case
	f.targets.mu.Unlock()
	f.report(t, alice, moderation.Target{Type: moderation.TargetUser, ID: "Potter"}, moderation.ReasonSpam)
	f.report(t, bob, moderation.Target{Type: moderation.TargetUser, ID: "potter"}, moderation.ReasonSpam)
	if r := f.only(t, moderation.StatusOpen); r.ID != "user:potter" || r.Reporters != 2 {
		t.Fatalf("report: %+v", r)
	}
}
