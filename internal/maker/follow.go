package maker

import (
	"context"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/notify"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Follow makes followerID follow the maker with handle. Repeating it
// changes nothing: the edge's _id is "<follower>:<maker>", so only the
// request whose insert creates it moves the counter.
func (s *Service) Follow(ctx context.Context, follower *account.User, handle string) error {
	followerID := follower.ID
	st, err := s.ByHandle(ctx, handle)
	if err != nil {
		return err
	}
	if st.ID == followerID {
		return problem.InvalidField("handle", "cannot_follow_self")
	}
	_, err = s.follows.InsertOne(ctx, bson.M{"_id": followerID + ":" + st.ID, "follower": followerID, "maker": st.ID,
		"at": s.now().UTC().Truncate(time.Millisecond)})
	created := err == nil
	if err != nil && !mongodb.IsDuplicate(err) {
		return mongodb.Classify("follow "+st.ID, err)
	}
	// The follower's list is kept even on a repeat, which mends a list
	// that a crash after the edge's insert left without this maker.
	if _, err := s.following.UpdateOne(ctx, bson.M{"_id": followerID}, bson.M{"$addToSet": bson.M{"makers": st.ID}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return mongodb.Classify("list follow "+st.ID, err)
	}
	if !created {
		return nil
	}
	if err := s.countFollowers(ctx, st.ID, 1); err != nil {
		return err
	}
	// Keyed by the follower, so unfollowing and following again does not
	// notify twice; a failure is logged, the follow stands.
	err = s.notifier.Notify(ctx, st.ID, "follow:"+followerID, notify.Notification{Type: notify.TypeFollow,
		Actor: notify.Actor{ID: follower.ID, Handle: follower.Handle, Name: follower.DisplayName, AvatarURL: follower.AvatarURL},
		URL:   "/@" + follower.Handle})
	if err != nil {
		s.log.WarnContext(ctx, "notify follow", "maker", st.ID, "err", err)
	}
	return nil
}

// Unfollow removes the edge; only the request that removed it counts.
func (s *Service) Unfollow(ctx context.Context, followerID, handle string) error {
	st, err := s.ByHandle(ctx, handle)
	if err != nil {
		return err
	}
	res, err := s.follows.DeleteOne(ctx, bson.M{"_id": followerID + ":" + st.ID})
	if err != nil {
		return mongodb.Classify("unfollow "+st.ID, err)
	}
	if _, err := s.following.UpdateOne(ctx, bson.M{"_id": followerID}, bson.M{"$pull": bson.M{"makers": st.ID}}); err != nil {
		return mongodb.Classify("unlist follow "+st.ID, err)
	}
	if res.DeletedCount == 0 {
		return nil
	}
	return s.countFollowers(ctx, st.ID, -1)
}

func (s *Service) countFollowers(ctx context.Context, makerID string, delta int) error {
	return s.bump(ctx, makerID, "counts.followers", delta)
}

// Follows reports whether followerID follows makerID: one read by _id.
func (s *Service) Follows(ctx context.Context, followerID, makerID string) (bool, error) {
	if followerID == "" {
		return false, nil
	}
	err := s.follows.FindOne(ctx, bson.M{"_id": followerID + ":" + makerID}).Err()
	if mongodb.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, mongodb.Classify("read follow", err)
	}
	return true, nil
}

// Following returns the ids of the makers followerID follows: one read by
// _id of the follower's list.
func (s *Service) Following(ctx context.Context, followerID string) ([]string, error) {
	var list struct {
		Makers []string `bson:"makers"`
	}
	err := s.following.FindOne(ctx, bson.M{"_id": followerID}).Decode(&list)
	if err != nil && !mongodb.IsNotFound(err) {
		return nil, mongodb.Classify("read following", err)
	}
	return list.Makers, nil
}
