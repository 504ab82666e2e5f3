package notify

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
)

// Collections owned by this feature.
const (
	// InboxesCollection: _id = recipient id, {seq, read_upto, read_above}.
	InboxesCollection = "inboxes"
	// Collection holds the buckets: _id = "<recipient>:<bucket>",
	// {user, bucket, items: {"n<seq>": notification}}.
	Collection = "notifications"
	// KeysCollection: _id = "<recipient>:<key>", one per delivery, so a
	// repeated Notify is a duplicate-key insert.
	KeysCollection = "notification_keys"
)

// BucketSize is how many notifications share a bucket document. A page of
// at most 100 therefore spans at most 3 buckets.
const BucketSize = 50

// inbox is the head of a box, and all of its read state.
//
//   - seq: notifications delivered so far (the last seq allocated).
//   - read_upto: every seq ≤ read_upto is read (MarkAllRead moves it).
//   - read_above: seqs above read_upto marked read one by one.
//
// Read state lives here rather than as a flag on each item because
// FerretDB v1.24 pushes a filter down to SQLite only when it is exactly
// {_id: <string>}: the conditional update {_id, "items.n17.read": false}
// scans every bucket of every user in Go (measured 1.9 s over 200 buckets,
// against 0.2 s by _id alone). Here, marking is one findOneAndUpdate by _id
// whose pre-image says atomically which seqs were unread, and the unread
// count is derived, so it can never disagree with what List shows.
type inbox struct {
	Seq       int64   `bson:"seq"`
	ReadUpto  int64   `bson:"read_upto"`
	ReadAbove []int64 `bson:"read_above"`
}

func (in inbox) read(seq int64) bool {
	return seq <= in.ReadUpto || slices.Contains(in.ReadAbove, seq)
}

// unread counts the seqs delivered and not read. A seq whose delivery was
// cut short by a crash counts until MarkAllRead (see Notify).
func (in inbox) unread() int {
	n := in.Seq - in.ReadUpto
	for _, k := range in.ReadAbove {
		if k > in.ReadUpto && k <= in.Seq {
			n--
		}
	}
	return int(max(n, 0))
}

// bucket is one document of up to BucketSize notifications, written once
// per item and never changed after. Items are a map keyed "n<seq>", not an
// array: concurrent deliveries each $set their own key and need no
// ordering (FerretDB ignores $push's $position and $slice), and an item is
// addressed by its seq alone. The "n" keeps the key from looking like an
// array index. layout_test.go holds FerretDB to the dotted-path semantics.
type bucket struct {
	Items map[string]Notification `bson:"items"`
}

func bucketOf(seq int64) int64 { return (seq - 1) / BucketSize }

func bucketID(recipientID string, b int64) string {
	return recipientID + ":" + strconv.FormatInt(b, 10)
}

func itemKey(seq int64) string { return "n" + strconv.FormatInt(seq, 10) }

// nextSeq allocates the next seq of recipientID's box, creating the box on
// the first delivery.
func (s *Service) nextSeq(ctx context.Context, recipientID string) (int64, error) {
	update := bson.M{"$inc": bson.M{"seq": 1}}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
	var in inbox
	err := s.inboxes.FindOneAndUpdate(ctx, bson.M{"_id": recipientID}, update, opts).Decode(&in)
	if mongodb.IsDuplicate(err) {
		// Two first deliveries raced to create the box; it exists now.
		err = s.inboxes.FindOneAndUpdate(ctx, bson.M{"_id": recipientID}, update, opts).Decode(&in)
	}
	if err != nil {
		return 0, mongodb.Classify("allocate notification seq "+recipientID, err)
	}
	return in.Seq, nil
}

// putItem writes notification seq into its bucket, creating the bucket.
func (s *Service) putItem(ctx context.Context, recipientID string, seq int64, n Notification) error {
	b := bucketOf(seq)
	id := bucketID(recipientID, b)
	update := bson.M{"$set": bson.M{"items." + itemKey(seq): n}, "$setOnInsert": bson.M{"user": recipientID, "bucket": b}}
	_, err := s.buckets.UpdateOne(ctx, bson.M{"_id": id}, update, options.UpdateOne().SetUpsert(true))
	if mongodb.IsDuplicate(err) {
		_, err = s.buckets.UpdateOne(ctx, bson.M{"_id": id}, update, options.UpdateOne().SetUpsert(true))
	}
	return mongodb.Classify("write notification "+id+"/"+itemKey(seq), err)
}

// readInbox returns the head of recipientID's box (zero when it has none).
func (s *Service) readInbox(ctx context.Context, recipientID string) (inbox, error) {
	var in inbox
	err := s.inboxes.FindOne(ctx, bson.M{"_id": recipientID}).Decode(&in)
	if err != nil && !mongodb.IsNotFound(err) {
		return inbox{}, mongodb.Classify("read inbox "+recipientID, err)
	}
	return in, nil
}

// Cursors are opaque: base64url of "n:<seq>", the newest seq of the next
// page. Positions by seq, not offset, so deliveries between pages do not
// shift what comes next.
const cursorPrefix = "n:"

func encodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(seq, 10)))
}

func decodeCursor(c string) (int64, bool) {
	if c == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, false
	}
	return parseID(strings.TrimPrefix(string(b), cursorPrefix))
}
