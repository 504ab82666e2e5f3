package community

import (
	"context"
	"sync"
	"testing"

	"guildhall/internal/account"
	"guildhall/internal/moderation"
	"guildhall/internal/work/worktest"
)

// fixture is the community service on the real parts (see worktest),
// with what it tells notifications and moderation recorded.
type fixture struct {
	*worktest.Env
	s    *Service
	mods *moderationLog
}

// mustOpen starts a fresh fixture for one test.
func mustOpen(tb testing.TB) *fixture {
	tb.Helper()
	env := worktest.MustOpen(tb)
	env.EnsureSchemas(tb, ThreadsSchema, MembersSchema)
	f := &fixture{Env: env, mods: &moderationLog{}}
	f.s = New(env.DB.Database, Deps{Accounts: env.Accounts, Makers: env.Makers, Works: env.Works, Media: env.Media,
		Index: env.Index, Queue: env.Queue, Notifier: env.Notes, Moderation: f.mods, Limiter: env.Limiter,
		Markdown: env.Markdown}, Options{Logger: env.Log})
	return f
}

// moderationLog records moderators' actions and flagged posts.
type moderationLog struct {
	mu      sync.Mutex
	entries []moderation.Entry
	flagged []moderation.Target
}

func (l *moderationLog) Record(_ context.Context, e moderation.Entry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
	return nil
}

func (l *moderationLog) Flag(_ context.Context, t moderation.Target, _ string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flagged = append(l.flagged, t)
	return nil
}

// actions lists the actions recorded, in order.
func (l *moderationLog) actions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.entries))
	for _, e := range l.entries {
		out = append(out, e.Action)
	}
	return out
}

// group makes a group of owner (a maker) with visibility and join policy.
func (f *fixture) group(tb testing.TB, owner *account.User, visibility, join string) *Group {
	tb.Helper()
	name := "Kiln club"
	g, err := f.s.CreateGroup(context.Background(), owner, GroupInput{Name: &name, Visibility: &visibility, JoinPolicy: &join})
	if err != nil {
		tb.Fatalf("create group: %v", err)
	}
	return g
}

// circle is a maker's group with one member: potter owns it, fan joined.
func (f *fixture) circle(tb testing.TB, visibility, join string) (owner, fan *account.User, g *Group) {
	tb.Helper()
	owner, fan = f.Maker(tb, "potter"), f.User(tb, "fan")
	g = f.group(tb, owner, visibility, join)
	f.member(tb, g, fan, owner)
	return owner, fan, g
}

// member makes u an active member of g (joining, and approved by
// approver when g needs approval).
func (f *fixture) member(tb testing.TB, g *Group, u, approver *account.User) {
	tb.Helper()
	ctx := context.Background()
	m, err := f.s.Join(ctx, u, g.ID)
	if err != nil {
		tb.Fatalf("%s joins: %v", u.Handle, err)
	}
	if m.Status == StatusPending {
		f.setMember(tb, approver, g, u, nil, ptr(StatusActive))
	}
}

// moderator makes u a moderator of g, appointed by its owner.
func (f *fixture) moderator(tb testing.TB, g *Group, u, owner *account.User) {
	tb.Helper()
	f.member(tb, g, u, owner)
	f.setMember(tb, owner, g, u, ptr(RoleModerator), nil)
}

func (f *fixture) setMember(tb testing.TB, actor *account.User, g *Group, u *account.User, role, status *string) *Membership {
	tb.Helper()
	m, err := f.s.SetMember(context.Background(), actor, g.ID, u.Handle, MemberChange{Role: role, Status: status})
	if err != nil {
		tb.Fatalf("%s changes %s: %v", actor.Handle, u.Handle, err)
	}
	return m
}

// thread starts a thread by author in g.
func (f *fixture) thread(tb testing.TB, author *account.User, g *Group) *Thread {
	tb.Helper()
	title, body := "Glazes for stoneware", "Which celadon do you use?"
	t, err := f.s.CreateThread(context.Background(), author, g.ID, ThreadInput{Title: &title, Body: &body})
	if err != nil {
		tb.Fatalf("start thread: %v", err)
	}
	return t
}

// reply posts a reply by u and returns its number.
func (f *fixture) reply(tb testing.TB, u *account.User, threadID, body string) int {
	tb.Helper()
	_, r, err := f.s.AddReply(context.Background(), u, threadID, ReplyInput{Body: body})
	if err != nil {
		tb.Fatalf("reply: %v", err)
	}
	return r.N
}

// counts reads g's counters as stored.
func (f *fixture) counts(tb testing.TB, g *Group) GroupCounts {
	tb.Helper()
	now, err := f.s.group(context.Background(), g.ID)
	if err != nil {
		tb.Fatalf("read group: %v", err)
	}
	return now.Counts
}

func ptr[T any](v T) *T { return &v }
