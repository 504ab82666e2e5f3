package community

import (
	"context"
	"slices"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// asBeforeTheRename moves the thread's buckets back to where and how the
// previous version kept them: reply_pages, numbered by "page".
func (f *fixture) asBeforeTheRename(tb testing.TB, threadID string, buckets ...int) {
	tb.Helper()
	ctx := context.Background()
	for _, b := range buckets {
		var doc bson.M
		if err := f.newBuckets().FindOne(ctx, bson.M{"_id": bucketID(threadID, b)}).Decode(&doc); err != nil {
			tb.Fatal(err)
		}
		doc["page"] = doc["n"]
		delete(doc, "n")
		if _, err := f.oldBuckets().InsertOne(ctx, doc); err != nil {
			tb.Fatal(err)
		}
		if _, err := f.newBuckets().DeleteOne(ctx, bson.M{"_id": doc["_id"]}); err != nil {
			tb.Fatal(err)
		}
	}
}

func (f *fixture) oldBuckets() *mongo.Collection {
	return f.DB.Database.Collection(oldReplyBucketsCollection)
}

func (f *fixture) newBuckets() *mongo.Collection {
	return f.DB.Database.Collection(ReplyBucketsCollection)
}

// bodies are the replies of one page of the thread as a reader sees them.
func (f *fixture) bodies(tb testing.TB, threadID, page string) []string {
	tb.Helper()
	v, err := f.s.ThreadPage(context.Background(), nil, threadID, page)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, r := range v.Replies {
		out = append(out, r.Body)
	}
	return out
}

func (f *fixture) count(tb testing.TB, c *mongo.Collection) int64 {
	tb.Helper()
	n, err := c.CountDocuments(context.Background(), bson.M{})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestService_Migrate(t *testing.T) {
	ctx := context.Background()

	t.Run("EmptyStore", func(t *testing.T) {
		f := mustOpen(t)
		for range 2 {
			if err := f.s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.count(t, f.newBuckets()); n != 0 {
			t.Fatalf("a migration of nothing made %d buckets", n)
		}
	})

	t.Run("MovesOldBuckets", func(t *testing.T) {
		f := mustOpen(t)
		owner := f.Maker(t, "potter")
		th := f.thread(t, owner, f.group(t, owner, visibilityPublic, joinOpen))
		var want []string
		for i := range RepliesPerPage + 2 {
			want = append(want, "reply "+itoa(i+1))
			f.reply(t, owner, th.ID, want[i])
		}
		f.asBeforeTheRename(t, th.ID, 1, 2)
		if got := f.bodies(t, th.ID, "2"); len(got) != 0 {
			t.Fatalf("before the migration the second page shows %v", got)
		}
		for range 2 { // a second start finds nothing to do
			if err := f.s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got := slices.Concat(f.bodies(t, th.ID, "1"), f.bodies(t, th.ID, "2"))
			if !slices.Equal(got, want) {
				t.Fatalf("after the migration the pages show %v", got)
			}
			if old := f.count(t, f.oldBuckets()); old != 0 {
				t.Fatalf("%d buckets left in reply_pages", old)
			}
		}
		// Replies go on where they left off, in the moved bucket.
		if n := f.reply(t, owner, th.ID, "after"); n != RepliesPerPage+3 {
			t.Fatalf("the next reply is number %d", n)
		}
		if got := f.bodies(t, th.ID, "2"); len(got) != 3 || got[2] != "after" {
			t.Fatalf("second page %v", got)
		}
	})

	t.Run("AfterACrashHalfWay", func(t *testing.T) {
		f := mustOpen(t)
		owner := f.Maker(t, "potter")
		th := f.thread(t, owner, f.group(t, owner, visibilityPublic, joinOpen))
		f.reply(t, owner, th.ID, "one")
		f.reply(t, owner, th.ID, "two")
		f.asBeforeTheRename(t, th.ID, 1)
		// A move copied the bucket and crashed before deleting the old
		// one; since then, reply 1 was edited in the new bucket.
		var old replyBucket
		if err := f.oldBuckets().FindOne(ctx, bson.M{"_id": bucketID(th.ID, 1)}).Decode(&old); err != nil {
			t.Fatal(err)
		}
		first := old.Replies[replyKey(1)]
		first.Body = "one, edited"
		if _, err := f.newBuckets().InsertOne(ctx, replyBucket{ID: old.ID, Thread: th.ID, N: 1,
			Replies: map[string]Reply{replyKey(1): first}}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := f.bodies(t, th.ID, "1"); !slices.Equal(got, []string{"one, edited", "two"}) {
			t.Fatalf("merged bucket shows %v", got)
		}
		if old := f.count(t, f.oldBuckets()); old != 0 {
			t.Fatalf("%d buckets left in reply_pages", old)
		}
	})
}
