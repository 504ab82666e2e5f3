package maker

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// Follow makes followerID follow the maker with handle. Repeating it
// changes nothing: the edge's _id is "<follower>:<maker>", so only the
// request whose insert creates it moves the counter.
func (s *Service) Follow(ctx context.Context, followerID, handle string) error {
	st, err := s.ByHandle(ctx, handle)
	if err != nil {
		return err
	}
	if st.ID == followerID {
		return problem.InvalidField("handle", "cannot_follow_self")
	}
	_, err = s.follows.InsertOne(ctx, bson.M{"_id": followerID + ":" + st.ID, "follower": followerID, "maker": st.ID,
		"at": s.now().UTC().Truncate(time.Millisecond)})
	if mongodb.IsDuplicate(err) {
		return nil
	}
	if err != nil {
		return mongodb.Classify("follow "+st.ID, err)
	}
	return s.countFollowers(ctx, st.ID, 1)
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
