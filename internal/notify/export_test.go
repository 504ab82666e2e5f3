package notify

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// FillBox stores n notifications in recipientID's box as Notify would,
// a whole bucket per write: the command-count test needs a big box, and
// 1,000 Notify calls take minutes under -race on FerretDB (each rewrites
// its growing bucket). TestNotificationsListNewestFirstAcrossBuckets
// covers the same layout written by Notify itself.
func FillBox(ctx context.Context, s *Service, recipientID string, n int64, item func(seq int64) Notification) error {
	at := time.Now().UTC().Truncate(time.Millisecond)
	for first := int64(1); first <= n; first += BucketSize {
		items := bson.M{}
		for seq := first; seq < first+BucketSize && seq <= n; seq++ {
			it := item(seq)
			it.CreatedAt = at
			items[itemKey(seq)] = it
		}
		b := bucketOf(first)
		if _, err := s.buckets.InsertOne(ctx, bson.M{"_id": bucketID(recipientID, b), "user": recipientID, "bucket": b, "items": items}); err != nil {
			return err
		}
	}
	_, err := s.inboxes.UpdateOne(ctx, bson.M{"_id": recipientID}, bson.M{"$set": bson.M{"seq": n}}, options.UpdateOne().SetUpsert(true))
	return err
}
