package moderation_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/account"
	"guildhall/internal/moderation"
	"guildhall/internal/platform/indexqueue"
	"guildhall/internal/platform/mongodb/mongodbtest"
	"guildhall/internal/platform/search"
	blevesearch "guildhall/internal/platform/search/bleve"
	"guildhall/internal/problem"
)

// Groups of the fixture: g1 and g2 are public, secret is private.
const (
	g1     = "g1"
	g2     = "g2"
	secret = "secret"
)

// People of the fixture.
var (
	admin    = &account.User{ID: "admin", Handle: "admin", Roles: []string{account.RoleAdmin}}
	mod1     = &account.User{ID: "mod1", Handle: "mod1"}       // moderates g1
	mod2     = &account.User{ID: "mod2", Handle: "mod2"}       // moderates g2
	insider  = &account.User{ID: "insider", Handle: "insider"} // a member of secret
	alice    = &account.User{ID: "alice", Handle: "alice"}
	bob      = &account.User{ID: "bob", Handle: "bob"}
	stranger = &account.User{ID: "stranger", Handle: "stranger"}
)

// fakeTargets stands in for the community, work and account features: a
// private group's posts exist only for its members.
type fakeTargets struct {
	mu      sync.Mutex
	things  map[string]moderation.Target
	members map[string][]string // private group -> members
}

func (f *fakeTargets) add(t moderation.Target) moderation.Target {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.things[t.Type+":"+t.ID] = t
	return t
}

func (f *fakeTargets) Target(ctx context.Context, viewer *account.User, typ, id string) (moderation.Target, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.things[typ+":"+id]
	if !ok {
		return moderation.Target{}, problem.NotFound(typ)
	}
	if members, private := f.members[t.GroupID]; private && (viewer == nil || !slices.Contains(members, viewer.ID)) {
		return moderation.Target{}, problem.NotFound(typ)
	}
	return t, nil
}

// fakeModerators stands in for the community feature's moderator roles.
type fakeModerators map[string][]string

func (f fakeModerators) Moderates(ctx context.Context, userID string) ([]string, error) {
	return f[userID], nil
}

// switchable is the real index with an off switch, to play a search outage.
type switchable struct {
	search.Index
	down atomic.Bool
}

var errSearchDown = errors.New("search is down")

func (x *switchable) Upsert(ctx context.Context, kind string, docs ...search.Document) error {
	if x.down.Load() {
		return errSearchDown
	}
	return x.Index.Upsert(ctx, kind, docs...)
}

type fixture struct {
	s       *moderation.Service
	queue   *indexqueue.Queue
	index   *switchable
	db      *mongo.Database
	targets *fakeTargets
	mods    fakeModerators
}

// newFixture runs the service on embedded FerretDB, a Bleve index in a
// temp dir and the real index queue.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := mongodbtest.MustOpen(t)
	bl, err := blevesearch.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bl.Close() })
	for _, schema := range moderation.SearchSchemas {
		if err := bl.EnsureSchema(context.Background(), schema); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.EnsureIndexes(context.Background(), moderation.Indexes); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	ix := &switchable{Index: bl}
	q := indexqueue.New(db.Database, ix, indexqueue.Options{PushTimeout: 5 * time.Second, Logger: log})
	targets := &fakeTargets{things: map[string]moderation.Target{}, members: map[string][]string{secret: {"insider", "mod-secret"}}}
	mods := fakeModerators{"mod1": {g1}, "mod2": {g2}, "mod-secret": {secret}}
	return &fixture{s: moderation.New(db.Database, moderation.Deps{Index: ix, Queue: q, Targets: targets, Moderators: mods}, moderation.Options{Logger: log}), queue: q, index: ix, db: db.Database,
		targets: targets, mods: mods}
}

// thread makes a thread in group.
func (f *fixture) thread(id, group string) moderation.Target {
	return f.targets.add(moderation.Target{Type: moderation.TargetThread, ID: id, GroupID: group, AuthorID: "author",
		Preview: "Thread " + id, URL: "/groups/" + group + "/threads/" + id})
}

// work makes a work (no group: admins handle its reports).
func (f *fixture) work(id string) moderation.Target {
	return f.targets.add(moderation.Target{Type: moderation.TargetWork, ID: id, AuthorID: "maker", Preview: "Work " + id,
		URL: "/works/" + id})
}

func (f *fixture) report(t *testing.T, u *account.User, target moderation.Target, reason string) *moderation.Report {
	t.Helper()
	r, err := f.s.Report(context.Background(), u, moderation.ReportInput{TargetType: target.Type, TargetID: target.ID,
		Reason: reason, Note: "from " + u.Handle})
	if err != nil {
		t.Fatalf("%s reports %s: %v", u.Handle, target.ID, err)
	}
	return r
}

func (f *fixture) queued(t *testing.T, u *account.User, status string) []moderation.Report {
	t.Helper()
	p, err := f.s.Queue(context.Background(), u, status, "", 100)
	if err != nil {
		t.Fatalf("queue of %s: %v", u.Handle, err)
	}
	if p.Total != len(p.Items) {
		t.Fatalf("queue of %s: total %d for %d items", u.Handle, p.Total, len(p.Items))
	}
	return p.Items
}

// only returns the one report in the admin's queue of status.
func (f *fixture) only(t *testing.T, status string) moderation.Report {
	t.Helper()
	items := f.queued(t, admin, status)
	if len(items) != 1 {
		t.Fatalf("%d %s reports, want 1: %+v", len(items), status, items)
	}
	return items[0]
}

// storedReport is a report as MongoDB holds it, for the tests of racing
// writers: the index may briefly hold an older copy when two writers push
// out of order (the index queue's last push wins), MongoDB is the truth.
type storedReport struct {
	Status    string              `bson:"status"`
	Reporters []string            `bson:"reporters"`
	History   []moderation.Action `bson:"history"`
}

func (f *fixture) stored(t *testing.T, id string) storedReport {
	t.Helper()
	var r storedReport
	if err := f.db.Collection(moderation.ReportsCollection).FindOne(context.Background(), bson.M{"_id": id}).Decode(&r); err != nil {
		t.Fatalf("read report %s: %v", id, err)
	}
	return r
}

func ids(reports []moderation.Report) []string {
	out := make([]string, 0, len(reports))
	for _, r := range reports {
		out = append(out, r.ID)
	}
	return out
}

func actions(r moderation.Report) []string {
	out := make([]string, 0, len(r.History))
	for _, a := range r.History {
		out = append(out, a.Action+":"+a.ActorHandle)
	}
	return out
}

func kindOf(err error) problem.Kind { return problem.KindOf(err) }

func fieldOf(err error, field string) string {
	p, ok := problem.As(err)
	if !ok {
		return ""
	}
	return p.Fields[field]
}
