package community

import (
	"context"
	"sync"
	"testing"

	"guildhall/internal/account"
	"guildhall/internal/notify"
	"guildhall/internal/problem"
)

// refused checks that err is a problem of kind with code.
func refused(tb testing.TB, what string, err error, kind problem.Kind, code string) {
	tb.Helper()
	if p, ok := problem.As(err); !ok || p.Kind != kind || p.Code != code {
		tb.Fatalf("%s: got %v, want %v %s", what, err, kind, code)
	}
}

// membershipOf reads u's membership of g as stored (nil without one).
func (f *fixture) membershipOf(tb testing.TB, g *Group, u *account.User) *Membership {
	tb.Helper()
	m, err := f.s.membership(context.Background(), g.ID, u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestService_SetMember(t *testing.T) {
	ctx := context.Background()

	t.Run("Approve", func(t *testing.T) {
		f := mustOpen(t)
		owner, mod, fan := f.Maker(t, "potter"), f.User(t, "mod"), f.User(t, "fan")
		g := f.group(t, owner, visibilityPrivate, joinApproval)
		f.moderator(t, g, mod, owner)
		if m, err := f.s.Join(ctx, fan, g.ID); err != nil || m.Status != StatusPending {
			t.Fatalf("ask to join: %+v %v", m, err)
		}
		if c := f.counts(t, g); c.Members != 2 || c.Pending != 1 {
			t.Fatalf("counts while pending: %+v", c)
		}
		m := f.setMember(t, mod, g, fan, nil, ptr(StatusActive))
		if !m.Active() || f.membershipOf(t, g, fan).Status != StatusActive {
			t.Fatalf("approved: %+v", m)
		}
		if c := f.counts(t, g); c.Members != 3 || c.Pending != 0 {
			t.Fatalf("counts once approved: %+v", c)
		}
		notes := f.Notes.To(fan.ID)
		if len(notes) != 1 || notes[0].Type != notify.TypeJoinApproved || !notes[0].Private {
			t.Fatalf("the fan is told: %v", f.Notes)
		}
		if joined, _ := f.s.Joined(ctx, fan.ID); len(joined) != 1 || joined[0] != g.ID {
			t.Fatalf("the fan's groups: %v", joined)
		}
	})

	t.Run("Ban", func(t *testing.T) {
		f := mustOpen(t)
		owner, fan, g := f.circle(t, visibilityPrivate, joinOpen)
		th := f.thread(t, owner, g)
		f.setMember(t, owner, g, fan, nil, ptr(StatusBanned))
		if c := f.counts(t, g); c.Members != 1 {
			t.Fatalf("members after the ban: %+v", c)
		}
		_, _, err := f.s.AddReply(ctx, fan, th.ID, ReplyInput{Body: "let me in"})
		refused(t, "a banned member replies to a private group's thread", err, problem.KindNotFound, "not_found")
		_, err = f.s.Join(ctx, fan, g.ID)
		refused(t, "a banned member joins again", err, problem.KindForbidden, "banned_from_group")
		refused(t, "a banned member leaves (and could come back)", f.s.Leave(ctx, fan, g.ID), problem.KindForbidden, "banned_from_group")
		if joined, _ := f.s.Joined(ctx, fan.ID); len(joined) != 0 {
			t.Fatalf("the banned fan still lists %v", joined)
		}
	})

	t.Run("Unban", func(t *testing.T) {
		f := mustOpen(t)
		owner, fan, g := f.circle(t, visibilityPublic, joinOpen)
		f.setMember(t, owner, g, fan, nil, ptr(StatusBanned))
		if err := f.s.RemoveMember(ctx, owner, g.ID, fan.Handle); err != nil {
			t.Fatal(err)
		}
		if m := f.membershipOf(t, g, fan); m != nil {
			t.Fatalf("the ban is still stored: %+v", m)
		}
		f.member(t, g, fan, owner)
		if c := f.counts(t, g); c.Members != 2 {
			t.Fatalf("members once back: %+v", c)
		}
		if acts := f.mods.actions(); acts[len(acts)-2] != "ban" || acts[len(acts)-1] != "lift_ban" {
			t.Fatalf("audit trail %v", acts)
		}
	})

	t.Run("PromoteAndDemote", func(t *testing.T) {
		f := mustOpen(t)
		owner, fan, g := f.circle(t, visibilityPublic, joinOpen)
		mod, admin := f.User(t, "mod"), f.Admin(t, "keeper")
		f.moderator(t, g, mod, owner)
		_, err := f.s.SetMember(ctx, mod, g.ID, fan.Handle, MemberChange{Role: ptr(RoleModerator)})
		refused(t, "a moderator promotes", err, problem.KindForbidden, "owner_only")
		_, err = f.s.SetMember(ctx, fan, g.ID, mod.Handle, MemberChange{Role: ptr(RoleMember)})
		refused(t, "a member demotes", err, problem.KindForbidden, "not_a_moderator")
		if m := f.setMember(t, admin, g, fan, ptr(RoleModerator), nil); m.Role != RoleModerator {
			t.Fatalf("an admin promotes: %+v", m)
		}
		_, err = f.s.SetMember(ctx, mod, g.ID, fan.Handle, MemberChange{Status: ptr(StatusBanned)})
		refused(t, "a moderator bans a moderator", err, problem.KindForbidden, "owner_only")
		if m := f.setMember(t, owner, g, fan, ptr(RoleMember), nil); m.Role != RoleMember {
			t.Fatalf("the owner demotes: %+v", m)
		}
		if mods, _ := f.s.Moderates(ctx, fan.ID); len(mods) != 0 {
			t.Fatalf("a demoted moderator still moderates %v", mods)
		}
		if c := f.counts(t, g); c.Members != 3 {
			t.Fatalf("roles moved the member count: %+v", c)
		}
	})

	t.Run("OwnerUntouchable", func(t *testing.T) {
		f := mustOpen(t)
		owner, admin := f.Maker(t, "potter"), f.Admin(t, "keeper")
		g := f.group(t, owner, visibilityPublic, joinOpen)
		for _, change := range []MemberChange{{Status: ptr(StatusBanned)}, {Role: ptr(RoleMember)}} {
			_, err := f.s.SetMember(ctx, admin, g.ID, owner.Handle, change)
			refused(t, "an admin changes the owner", err, problem.KindForbidden, "cannot_change_owner")
		}
		refused(t, "an admin removes the owner", f.s.RemoveMember(ctx, admin, g.ID, owner.Handle),
			problem.KindForbidden, "cannot_change_owner")
		refused(t, "the owner leaves", f.s.Leave(ctx, owner, g.ID), problem.KindConflict, "owner_cannot_leave")
	})

	t.Run("BanSomeoneWhoNeverJoined", func(t *testing.T) {
		f := mustOpen(t)
		owner, troll := f.Maker(t, "potter"), f.User(t, "troll")
		g := f.group(t, owner, visibilityPublic, joinOpen)
		_, err := f.s.SetMember(ctx, owner, g.ID, troll.Handle, MemberChange{Status: ptr(StatusActive)})
		refused(t, "approve someone who never asked", err, problem.KindNotFound, "not_found")
		if m := f.setMember(t, owner, g, troll, nil, ptr(StatusBanned)); m.Status != StatusBanned {
			t.Fatalf("ban a stranger: %+v", m)
		}
		_, err = f.s.Join(ctx, troll, g.ID)
		refused(t, "the banned stranger joins", err, problem.KindForbidden, "banned_from_group")
		if c := f.counts(t, g); c.Members != 1 || c.Pending != 0 {
			t.Fatalf("a ban of a stranger moved the counts: %+v", c)
		}
	})

	t.Run("TwoModeratorsRace", func(t *testing.T) {
		f := mustOpen(t)
		owner, mod1, mod2 := f.Maker(t, "potter"), f.User(t, "mod1"), f.User(t, "mod2")
		g := f.group(t, owner, visibilityPublic, joinApproval)
		f.moderator(t, g, mod1, owner)
		f.moderator(t, g, mod2, owner)
		fans := []*account.User{f.User(t, "fan1"), f.User(t, "fan2"), f.User(t, "fan3")}
		for _, fan := range fans {
			if _, err := f.s.Join(ctx, fan, g.ID); err != nil {
				t.Fatal(err)
			}
		}
		// Both moderators act on each fan at once: the counters move once
		// per transition that really happened.
		race := func(fan *account.User, status string) {
			var wg sync.WaitGroup
			for _, mod := range []*account.User{mod1, mod2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.s.SetMember(ctx, mod, g.ID, fan.Handle, MemberChange{Status: &status})
					if err != nil && problem.KindOf(err) != problem.KindConflict {
						t.Errorf("%s sets %s %s: %v", mod.Handle, fan.Handle, status, err)
					}
				}()
			}
			wg.Wait()
		}
		for _, fan := range fans {
			race(fan, StatusActive)
		}
		if c := f.counts(t, g); c.Members != 6 || c.Pending != 0 {
			t.Fatalf("after approving three fans twice at once: %+v", c)
		}
		race(fans[0], StatusBanned)
		if c := f.counts(t, g); c.Members != 5 || c.Pending != 0 {
			t.Fatalf("after banning one fan twice at once: %+v", c)
		}
	})
}
