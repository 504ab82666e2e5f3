// Package notify is a user's notifications: stored in buckets of 50 under
// the recipient's id (the Bucket pattern, every access by _id), with an
// in-process broker that wakes the recipient's live streams.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/markdown"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Types of notification.
const (
	TypeFollow       = "follow"
	TypeReply        = "reply"
	TypeMention      = "mention"
	TypeReaction     = "reaction"
	TypeJoinRequest  = "join_request"
	TypeJoinApproved = "join_approved"

	// Order events, each to the party that did not cause it.
	TypeOrderPlaced    = "order_placed"
	TypeOrderPaid      = "order_paid"
	TypeOrderShipped   = "order_shipped"
	TypeOrderDelivered = "order_delivered"
	TypeOrderCancelled = "order_cancelled"
)

var knownTypes = map[string]bool{TypeFollow: true, TypeReply: true, TypeMention: true, TypeReaction: true,
	TypeJoinRequest: true, TypeJoinApproved: true, TypeOrderPlaced: true, TypeOrderPaid: true,
	TypeOrderShipped: true, TypeOrderDelivered: true, TypeOrderCancelled: true}

// ExcerptRunes bounds the preview text a notification carries.
const ExcerptRunes = 140

// Actor is who did the thing, copied in when it happened (Extended
// Reference) so the list needs no lookup of users.
type Actor struct {
	ID        string `bson:"id"`
	Handle    string `bson:"handle"`
	Name      string `bson:"name"`
	AvatarURL string `bson:"avatar_url"`
}

// Notification is one item in a user's box.
type Notification struct {
	ID      string `bson:"-"` // "<seq>" within the recipient's box, assigned by Notify
	Type    string `bson:"type"`
	Actor   Actor  `bson:"actor"`
	GroupID string `bson:"group_id,omitempty"` // the group the subject lives in, "" if none
	// Private: the group was private when this was sent, so previews are
	// shown only while the recipient can still read the group.
	Private   bool      `bson:"private,omitempty"`
	ThreadID  string    `bson:"thread_id,omitempty"`
	ReplyID   string    `bson:"reply_id,omitempty"`
	OrderID   string    `bson:"order_id,omitempty"`
	Title     string    `bson:"title,omitempty"`   // preview: thread title or group name
	Excerpt   string    `bson:"excerpt,omitempty"` // preview: plain text, up to ExcerptRunes
	URL       string    `bson:"url,omitempty"`     // where clicking it goes
	Read      bool      `bson:"-"`                 // from the inbox's read state, set by List
	Hidden    bool      `bson:"-"`                 // preview withheld by List (see Private)
	CreatedAt time.Time `bson:"created_at"`
}

// Counter keeps the unread count on the user's own document, so every page
// can show the bell without reading the box. Implemented by account.
type Counter interface {
	AddUnread(ctx context.Context, userID string, delta int) error // never below zero
	ClearUnread(ctx context.Context, userID string) error
}

// Access tells which of groupIDs userID may currently read (an active
// member of a private group), in one MongoDB command for the whole list.
// Implemented by community.
type Access interface {
	CanRead(ctx context.Context, userID string, groupIDs []string) (map[string]bool, error)
}

// Indexes: none; every read and write goes by _id.
var Indexes []mongodb.Index

// Service delivers, lists and marks notifications.
type Service struct {
	inboxes, buckets, keys *mongo.Collection
	counter                Counter
	access                 Access
	broker                 broker
	log                    *slog.Logger
	now                    func() time.Time
}

// Deps are what notifications build on.
type Deps struct {
	Counter Counter
	Access  Access
}

// Options configure the service.
type Options struct {
	Logger *slog.Logger
}

// New returns the notification service.
func New(db *mongo.Database, d Deps, o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{inboxes: db.Collection(InboxesCollection), buckets: db.Collection(Collection),
		keys: db.Collection(KeysCollection), counter: d.Counter, access: d.Access,
		broker: broker{subs: map[string]map[*subscriber]struct{}{}}, log: o.Logger, now: time.Now}
}

// Notify delivers n to recipientID. key makes it idempotent: a second
// Notify with the same (recipient, key) does nothing and returns nil, so
// "mention:<thread>:<reply>" never notifies twice for an edited reply and
// "follow:<follower>" does not spam on unfollow/refollow. Notifying
// yourself does nothing.
//
// The writes go in this order, with no transaction:
//
//  1. insert the key notification_keys._id = "<recipient>:<key>";
//  2. $inc the inbox's seq and read back the new seq;
//  3. upsert the bucket with $set items.n<seq>;
//  4. counter.AddUnread(+1);
//  5. wake the recipient's streams.
//
// The key goes first because it is the only step that can say "already
// done" race-free: the 20 callers that race on one key all try the insert,
// one wins, and the others return before they allocate a seq, so a
// duplicate never reaches the box or the bell. The cost is the failure
// mode: a crash after 1 leaves a key without a notification, and that one
// notification is lost (a retry sees the key and stops). We accept that: a
// missed bell is mild, a repeated one is what the key exists to prevent,
// and a key that recorded progress, so a retry could finish the delivery,
// would cost a further write on every delivery. When step 2 or 3 fails
// with an error (rather than a crash) the key is removed again, best
// effort, so the caller may retry; if the failed write did land (a
// timeout), that retry delivers it a second time. What a crash leaves:
//
//   - after 1: the key only; nothing shown, nothing counted.
//   - after 2: a seq with no item. List skips the gap (a page may hold one
//     fewer), but the seq counts in List's Unread until the next
//     MarkAllRead; the bell was not moved.
//   - after 3: the item is in the box, unread, but the bell on the user
//     document is one short until the next MarkAllRead clears it.
//   - after 4: everything is written; a stream open on this instance
//     learns of it at its next periodic re-read.
func (s *Service) Notify(ctx context.Context, recipientID, key string, n Notification) error {
	if recipientID == "" || key == "" {
		return fmt.Errorf("notify: recipient %q and key %q are required", recipientID, key)
	}
	if !knownTypes[n.Type] {
		return problem.InvalidField("type", "type_unknown")
	}
	if n.Actor.ID == recipientID {
		return nil
	}
	at := s.now().UTC().Truncate(time.Millisecond)
	keyID := recipientID + ":" + key
	_, err := s.keys.InsertOne(ctx, bson.M{"_id": keyID, "at": at})
	if mongodb.IsDuplicate(err) {
		return nil
	}
	if err != nil {
		return mongodb.Classify("record notification key "+keyID, err)
	}
	seq, err := s.nextSeq(ctx, recipientID)
	if err != nil {
		s.forgetKey(ctx, keyID)
		return err
	}
	n.ID, n.Read, n.Hidden = "", false, false
	n.Excerpt = markdown.Excerpt(n.Excerpt, ExcerptRunes)
	if n.CreatedAt.IsZero() {
		n.CreatedAt = at
	}
	n.CreatedAt = n.CreatedAt.UTC().Truncate(time.Millisecond)
	if err := s.putItem(ctx, recipientID, seq, n); err != nil {
		s.forgetKey(ctx, keyID)
		return err
	}
	// The notification is delivered: a failing counter must not make the
	// caller think otherwise (a retry would stop at the key anyway).
	if err := s.counter.AddUnread(ctx, recipientID, 1); err != nil {
		s.log.WarnContext(ctx, "notify: unread counter not moved", "user", recipientID, "seq", seq, "err", err)
	}
	s.broker.signal(recipientID)
	return nil
}

// forgetKey removes a key whose notification failed to arrive, so a retry
// can deliver it. It runs even when ctx was cancelled; if it fails too, the
// notification is lost as after a crash.
func (s *Service) forgetKey(ctx context.Context, keyID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := s.keys.DeleteOne(ctx, bson.M{"_id": keyID}); err != nil {
		s.log.WarnContext(ctx, "notify: key of a failed notification not removed", "key", keyID, "err", err)
	}
}

// parseID reads a notification id ("<seq>", canonical decimal, from 1).
func parseID(id string) (int64, bool) {
	seq, err := strconv.ParseInt(id, 10, 64)
	if err != nil || seq < 1 || strconv.FormatInt(seq, 10) != id {
		return 0, false
	}
	return seq, true
}
