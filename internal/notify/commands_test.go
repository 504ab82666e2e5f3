package notify_test

import (
	"context"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/notify"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/mongodb/mongodbtest"
)

// memberAccess answers CanRead with one read by _id of the user's list of
// private groups (the Subset pattern), so the budgets below count the one
// command the community feature is to send.
type memberAccess struct{ lists *mongo.Collection }

func (a memberAccess) CanRead(ctx context.Context, userID string, groupIDs []string) (map[string]bool, error) {
	var list struct {
		Groups []string `bson:"groups"`
	}
	err := a.lists.FindOne(ctx, bson.M{"_id": userID}).Decode(&list)
	if err != nil && !mongodb.IsNotFound(err) {
		return nil, err
	}
	out := map[string]bool{}
	for _, g := range list.Groups {
		out[g] = true
	}
	return out, nil
}

// byIDAlone reports whether every filter of c is exactly {_id: <string>}:
// the one shape FerretDB v1.24 hands to SQLite's primary key. Anything
// more ({_id: {$in}}, {_id, field: cond}) it answers by scanning the whole
// collection, so Command.ByID, which accepts those, is not strict enough.
func byIDAlone(c mongodb.Command) bool {
	plain := func(v bson.RawValue) bool {
		doc, ok := v.DocumentOK()
		if !ok {
			return false
		}
		elems, _ := doc.Elements()
		if len(elems) != 1 || elems[0].Key() != "_id" {
			return false
		}
		_, ok = elems[0].Value().StringValueOK()
		return ok
	}
	switch c.Name {
	case "insert":
		return true
	case "find", "delete":
		return plain(c.Body.Lookup("filter"))
	case "findAndModify":
		return plain(c.Body.Lookup("query"))
	case "update":
		arr, ok := c.Body.Lookup("updates").ArrayOK()
		if !ok {
			return true // sent as a document sequence: not in the body
		}
		vals, _ := arr.Values()
		for _, v := range vals {
			if d, ok := v.DocumentOK(); !ok || !plain(d.Lookup("q")) {
				return false
			}
		}
		return true
	}
	return false
}

func TestListingABoxOfAThousandReadsOnlyTheBucketsOfThePageByID(t *testing.T) {
	db := mongodbtest.MustOpen(t)
	ctx := context.Background()
	lists := db.Database.Collection("member_lists")
	if _, err := lists.InsertOne(ctx, bson.M{"_id": "bob", "groups": bson.A{"g1"}}); err != nil {
		t.Fatal(err)
	}
	r := newRigOn(db.Database, memberAccess{lists})
	err := notify.FillBox(ctx, r.svc, "bob", 1000, func(seq int64) notify.Notification {
		n := reply("t", fmt.Sprint(seq))
		if seq%10 == 0 { // every tenth in a private group, half of them in g2, which bob is not in
			n.GroupID, n.Private = fmt.Sprintf("g%d", seq%20/10+1), true
		}
		return n
	})
	if err != nil {
		t.Fatal(err)
	}

	var rec mongodb.Recorder
	first, err := r.svc.List(mongodb.WithRecorder(ctx, &rec), "bob", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	// 1000..977: one bucket; with its private items, inbox + bucket + access.
	checkBudget(t, "the first page", rec.Commands(), 3)
	if len(first.Items) != notify.DefaultLimit || first.Items[0].ID != "1000" || first.Unread != 1000 {
		t.Fatalf("first page: %d items from %s, unread %d", len(first.Items), first.Items[0].ID, first.Unread)
	}

	rec.Reset()
	// 976..877 spans buckets 17, 18 and 19: the widest page there is.
	page, err := r.svc.List(mongodb.WithRecorder(ctx, &rec), "bob", *first.NextCursor, notify.MaxLimit)
	if err != nil {
		t.Fatal(err)
	}
	checkBudget(t, "the widest page", rec.Commands(), 5)
	if len(page.Items) != 100 || page.Items[0].ID != "976" || page.Items[99].ID != "877" {
		t.Fatalf("page holds %d items from %s to %s", len(page.Items), page.Items[0].ID, page.Items[len(page.Items)-1].ID)
	}
	hidden := 0
	for _, n := range page.Items {
		if n.Hidden != (n.GroupID == "g2") {
			t.Fatalf("item %s of group %q: hidden %v", n.ID, n.GroupID, n.Hidden)
		}
		if n.Hidden {
			hidden++
		}
	}
	if hidden != 5 {
		t.Fatalf("%d previews withheld, want 5", hidden)
	}
}

func checkBudget(t *testing.T, what string, cmds []mongodb.Command, budget int) {
	t.Helper()
	if len(cmds) > budget {
		t.Errorf("%s sent %d commands, want at most %d", what, len(cmds), budget)
	}
	for _, c := range cmds {
		if !byIDAlone(c) {
			t.Errorf("%s: %s on %s filters on more than _id: %s", what, c.Name, c.Collection, c.Body)
		}
	}
}

func TestEveryCommandFiltersOnIDAlone(t *testing.T) {
	r := newRig(t)
	var rec mongodb.Recorder
	ctx := mongodb.WithRecorder(context.Background(), &rec)
	step := func(what string, budget int, f func() error) {
		t.Helper()
		rec.Reset()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		checkBudget(t, what, rec.Commands(), budget)
	}
	for i := range 3 {
		step("Notify", 3, func() error { return r.svc.Notify(ctx, "bob", fmt.Sprint("k", i), reply("t", fmt.Sprint(i))) })
	}
	step("a repeated Notify", 1, func() error { return r.svc.Notify(ctx, "bob", "k0", reply("t", "0")) })
	step("List", 2, func() error { _, err := r.svc.List(ctx, "bob", "", 0); return err })
	step("MarkRead", 2, func() error { return r.svc.MarkRead(ctx, "bob", []string{"2", "3"}) })
	step("MarkRead of the oldest, folding the rest", 3, func() error { return r.svc.MarkRead(ctx, "bob", []string{"1"}) })
	step("MarkRead of what is read", 1, func() error { return r.svc.MarkRead(ctx, "bob", []string{"1", "2"}) })
	step("Notify", 3, func() error { return r.svc.Notify(ctx, "bob", "k3", reply("t", "3")) })
	step("MarkAllRead", 2, func() error { return r.svc.MarkAllRead(ctx, "bob") })
}
