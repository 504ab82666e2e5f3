package work

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/platform/mongodb"
)

// Favourite marks a published work as u's favourite. The edge's _id is
// "<user>:<work>": repeating it changes nothing, and only the request that
// created the edge moves the counter.
func (s *Service) Favourite(ctx context.Context, u *account.User, id string) error {
	w, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	_, err = s.favourites.InsertOne(ctx, bson.M{"_id": u.ID + ":" + w.ID, "user": u.ID, "work": w.ID,
		"at": s.now().UTC().Truncate(time.Millisecond)})
	if mongodb.IsDuplicate(err) {
		return nil
	}
	if err != nil {
		return mongodb.Classify("favourite "+w.ID, err)
	}
	return s.bump(ctx, w.ID, "counts.favorites", 1)
}

// Unfavourite removes the edge; only the request that removed it counts.
func (s *Service) Unfavourite(ctx context.Context, u *account.User, id string) error {
	res, err := s.favourites.DeleteOne(ctx, bson.M{"_id": u.ID + ":" + id})
	if err != nil {
		return mongodb.Classify("unfavourite "+id, err)
	}
	if res.DeletedCount == 0 {
		return nil
	}
	return s.bump(ctx, id, "counts.favorites", -1)
}

// Favourited reports whether u favourited the work: one read by _id.
func (s *Service) Favourited(ctx context.Context, u *account.User, id string) (bool, error) {
	if u == nil {
		return false, nil
	}
	err := s.favourites.FindOne(ctx, bson.M{"_id": u.ID + ":" + id}).Err()
	if mongodb.IsNotFound(err) {
		return false, nil
	}
	return err == nil, mongodb.Classify("read favourite", err)
}
