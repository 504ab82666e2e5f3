package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/notify"
	"guildhall/internal/platform/mongodb/mongodbtest"
)

// fakeCounter stands in for the account feature's bell counter.
type fakeCounter struct {
	mu     sync.Mutex
	unread map[string]int
}

func (c *fakeCounter) AddUnread(_ context.Context, userID string, delta int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unread[userID] = max(0, c.unread[userID]+delta)
	return nil
}

func (c *fakeCounter) ClearUnread(_ context.Context, userID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unread[userID] = 0
	return nil
}

func (c *fakeCounter) of(userID string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.unread[userID]
}

// fakeAccess stands in for the community feature: readable[user][group].
type fakeAccess struct {
	mu       sync.Mutex
	readable map[string]map[string]bool
	calls    [][]string
}

func (a *fakeAccess) CanRead(_ context.Context, userID string, groupIDs []string) (map[string]bool, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, append([]string(nil), groupIDs...))
	out := map[string]bool{}
	for _, g := range groupIDs {
		out[g] = a.readable[userID][g]
	}
	return out, nil
}

type rig struct {
	svc     *notify.Service
	counter *fakeCounter
	access  *fakeAccess
	db      *mongo.Database
}

func newRig(t *testing.T) *rig {
	t.Helper()
	db := mongodbtest.MustOpen(t)
	return newRigOn(db.Database, &fakeAccess{readable: map[string]map[string]bool{}})
}

func newRigOn(db *mongo.Database, access notify.Access) *rig {
	r := &rig{counter: &fakeCounter{unread: map[string]int{}}, db: db}
	r.access, _ = access.(*fakeAccess)
	r.svc = notify.New(db, notify.Deps{Counter: r.counter, Access: access}, notify.Options{Logger: slog.New(slog.DiscardHandler)})
	return r
}

var alice = notify.Actor{ID: "alice", Handle: "alice", Name: "Alice", AvatarURL: "/media/a.jpg"}

func reply(thread, replyID string) notify.Notification {
	return notify.Notification{Type: notify.TypeReply, Actor: alice, ThreadID: thread, ReplyID: replyID,
		Title: "Glazes for stoneware", Excerpt: "Try a celadon", URL: "/threads/" + thread + "#r" + replyID}
}

// deliver sends n notifications to user with distinct keys, in order.
func (r *rig) deliver(t *testing.T, user string, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		if err := r.svc.Notify(context.Background(), user, fmt.Sprintf("reply:t:%d", i), reply("t", fmt.Sprint(i))); err != nil {
			t.Fatalf("notify %d: %v", i, err)
		}
	}
}

// all lists the whole box by following cursors.
func (r *rig) all(t *testing.T, user string, limit int) []notify.Notification {
	t.Helper()
	var out []notify.Notification
	cursor := ""
	for range 1000 {
		p, err := r.svc.List(context.Background(), user, cursor, limit)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		out = append(out, p.Items...)
		if p.NextCursor == nil {
			return out
		}
		cursor = *p.NextCursor
	}
	t.Fatal("the cursors never ended")
	return nil
}

func (r *rig) page(t *testing.T, user string) *notify.NotificationList {
	t.Helper()
	p, err := r.svc.List(context.Background(), user, "", notify.MaxLimit)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	return p
}
