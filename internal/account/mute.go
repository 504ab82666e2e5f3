package account

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// maxMuted bounds the list kept on the user's document.
const maxMuted = 1000

// Mute collapses the posts of the user with handle for u. Idempotent.
func (s *Service) Mute(ctx context.Context, u *User, handle string) error {
	id, err := s.IDByHandle(ctx, handle)
	if err != nil {
		return err
	}
	if id == u.ID {
		return problem.InvalidField("handle", "cannot_mute_self")
	}
	if len(u.Muted) >= maxMuted {
		return problem.Conflict("too_many_muted", "handle", "too_many_muted")
	}
	_, err = s.users.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$addToSet": bson.M{"muted": id}})
	return mongodb.Classify("mute "+handle, err)
}

// Unmute shows the user's posts to u again. Idempotent.
func (s *Service) Unmute(ctx context.Context, u *User, handle string) error {
	id, err := s.IDByHandle(ctx, handle)
	if err != nil {
		return err
	}
	_, err = s.users.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$pullAll": bson.M{"muted": []string{id}}})
	return mongodb.Classify("unmute "+handle, err)
}

// AddUnread moves userID's count of unread notifications, never below
// zero (a race with ClearUnread could otherwise drive it there).
func (s *Service) AddUnread(ctx context.Context, userID string, delta int) error {
	_, err := mongodb.IncAtLeastZero(ctx, s.users, userID, bson.M{"unread_notifications": delta}, "unread_notifications")
	return mongodb.Classify("count unread of "+userID, err)
}

// ClearUnread sets userID's count of unread notifications to zero.
func (s *Service) ClearUnread(ctx context.Context, userID string) error {
	_, err := s.users.UpdateOne(ctx, bson.M{"_id": userID}, bson.M{"$set": bson.M{"unread_notifications": 0}})
	return mongodb.Classify("clear unread of "+userID, err)
}

// Unread returns userID's count of unread notifications: one read.
func (s *Service) Unread(ctx context.Context, userID string) (int, error) {
	var u struct {
		Unread int `bson:"unread_notifications"`
	}
	err := s.users.FindOne(ctx, bson.M{"_id": userID}, options.FindOne().SetProjection(bson.M{"unread_notifications": 1})).Decode(&u)
	return u.Unread, mongodb.Classify("read unread of "+userID, err)
}

// AddCartCount moves userID's count of items in the cart, never below zero.
func (s *Service) AddCartCount(ctx context.Context, userID string, delta int) error {
	_, err := mongodb.IncAtLeastZero(ctx, s.users, userID, bson.M{"cart_count": delta}, "cart_count")
	return mongodb.Classify("count cart of "+userID, err)
}

// SetCartCount puts userID's count of items in the cart right, from the
// cart itself.
func (s *Service) SetCartCount(ctx context.Context, userID string, n int) error {
	_, err := s.users.UpdateOne(ctx, bson.M{"_id": userID}, bson.M{"$set": bson.M{"cart_count": n}})
	return mongodb.Classify("set cart count of "+userID, err)
}
