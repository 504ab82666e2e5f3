package community

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
)

// oldReplyBucketsCollection is where buckets of replies were kept before
// they were named for what they are.
const oldReplyBucketsCollection = "reply_pages"

// migrateBatch is how many old buckets are read at a time: the cursor is
// closed before they are moved, since embedded FerretDB slows down reads
// by _id while a cursor over the collection is open.
const migrateBatch = 100

// Migrate brings what this feature stores to the shape this version
// reads. It runs at every start: on an empty store, after a crash half-way
// and a second time it finds nothing left to do.
func (s *Service) Migrate(ctx context.Context) error {
	return s.moveReplyBuckets(ctx)
}

// oldReplyBucket is a bucket as reply_pages kept it; its replies are
// carried over untouched.
type oldReplyBucket struct {
	ID      string              `bson:"_id"`
	Thread  string              `bson:"thread"`
	Page    int                 `bson:"page"`
	Replies map[string]bson.Raw `bson:"replies"`
}

// moveReplyBuckets moves each bucket of reply_pages into reply_buckets
// under the same _id, then deletes it. A reply the new bucket holds
// already wins: it was moved before, or written since by this version. So
// a move repeated after a crash between its two writes changes nothing,
// and buckets an instance of the previous version wrote during a rolling
// upgrade are moved at the next start.
func (s *Service) moveReplyBuckets(ctx context.Context) error {
	old := s.buckets.Database().Collection(oldReplyBucketsCollection)
	for {
		var batch []oldReplyBucket
		cur, err := old.Find(ctx, bson.M{}, options.Find().SetLimit(migrateBatch))
		if err == nil {
			err = cur.All(ctx, &batch)
		}
		if err != nil {
			return mongodb.Classify("read old reply buckets", err)
		}
		for _, b := range batch {
			if err := s.moveReplyBucket(ctx, old, b); err != nil {
				return err
			}
		}
		if len(batch) < migrateBatch {
			return nil
		}
	}
}

// moveReplyBucket merges one old bucket into its new namesake and deletes it.
func (s *Service) moveReplyBucket(ctx context.Context, old *mongo.Collection, b oldReplyBucket) error {
	var now struct {
		Replies map[string]bson.Raw `bson:"replies"`
	}
	err := s.buckets.FindOne(ctx, bson.M{"_id": b.ID}).Decode(&now)
	if err != nil && !mongodb.IsNotFound(err) {
		return mongodb.Classify("read reply bucket "+b.ID, err)
	}
	set := bson.M{}
	for key, r := range b.Replies {
		if _, there := now.Replies[key]; !there {
			set["replies."+key] = r
		}
	}
	if len(set) > 0 { // an empty bucket reads as a missing one
		if err := s.setInBucket(ctx, b.Thread, b.Page, set); err != nil {
			return mongodb.Classify("move reply bucket "+b.ID, err)
		}
	}
	if _, err := old.DeleteOne(ctx, bson.M{"_id": b.ID}); err != nil {
		return mongodb.Classify("delete old reply bucket "+b.ID, err)
	}
	return nil
}
