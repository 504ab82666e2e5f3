package community

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/markdown"
	"guildhall/internal/notify"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/problem"
)

// A like is an edge, _id "<thread>:<user>:<target>" ("t" for the thread,
// "r<n>" for reply n), whose insert decides whether it is new. The user's
// likes in one thread are also listed in one document, _id
// "<thread>:<user>", so the thread page learns them all in one read.
type reactionsDoc struct {
	Targets []string `bson:"targets"`
}

func reactionsID(threadID, userID string) string { return threadID + ":" + userID }

// liked returns what userID liked in the thread.
func (s *Service) liked(ctx context.Context, threadID, userID string) (map[string]bool, error) {
	var d reactionsDoc
	err := s.reactions.FindOne(ctx, bson.M{"_id": reactionsID(threadID, userID)}).Decode(&d)
	if err != nil && !mongodb.IsNotFound(err) {
		return nil, mongodb.Classify("read reactions", err)
	}
	out := make(map[string]bool, len(d.Targets))
	for _, t := range d.Targets {
		out[t] = true
	}
	return out, nil
}

// React likes the thread (replyID "") or one of its replies. Liking twice
// changes nothing: only the write that added the like moves the count.
func (s *Service) React(ctx context.Context, u *account.User, threadID, replyID string) error {
	t, r, target, err := s.reactionTarget(ctx, u, threadID, replyID)
	if err != nil {
		return err
	}
	// The edge's insert decides, race-free, whether this like is new.
	_, err = s.reactionEdges.InsertOne(ctx, bson.M{"_id": reactionsID(t.ID, u.ID) + ":" + target, "at": s.clock()})
	if mongodb.IsDuplicate(err) {
		return s.listReaction(ctx, t.ID, u.ID, target, true) // mends a list a crash left behind
	}
	if err != nil {
		return mongodb.Classify("react in "+t.ID, err)
	}
	if err := s.listReaction(ctx, t.ID, u.ID, target, true); err != nil {
		return err
	}
	if err := s.countReaction(ctx, t, r, 1); err != nil {
		return err
	}
	n := notify.Notification{Type: notify.TypeReaction, Actor: actorOf(u), GroupID: t.GroupID,
		Private: s.privateNow(ctx, t.GroupID), ThreadID: t.ID, Title: t.Title, URL: t.Path()}
	author, key := t.Author.ID, "reaction:"+t.ID+":"+u.ID
	if r != nil {
		author, key = r.Author.ID, "reaction:"+replyTargetID(t.ID, r.N)+":"+u.ID
		n.ReplyID, n.URL, n.Excerpt = itoa(r.N), ReplyURL(t.ID, r.N), markdown.Excerpt(s.md.Text(r.Body), excerptRunes)
	}
	s.notify(ctx, author, key, n)
	return nil
}

// Unreact takes a like back; only the write that removed it counts.
func (s *Service) Unreact(ctx context.Context, u *account.User, threadID, replyID string) error {
	t, r, target, err := s.reactionTarget(ctx, u, threadID, replyID)
	if err != nil {
		return err
	}
	res, err := s.reactionEdges.DeleteOne(ctx, bson.M{"_id": reactionsID(t.ID, u.ID) + ":" + target})
	if err != nil {
		return mongodb.Classify("unreact in "+t.ID, err)
	}
	if err := s.listReaction(ctx, t.ID, u.ID, target, false); err != nil {
		return err
	}
	if res.DeletedCount == 0 {
		return nil
	}
	return s.countReaction(ctx, t, r, -1)
}

// listReaction keeps the user's list of likes in the thread, which the
// thread page reads in one go, in step with the edges.
func (s *Service) listReaction(ctx context.Context, threadID, userID, target string, on bool) error {
	update := bson.M{"$addToSet": bson.M{"targets": target}}
	if !on {
		update = bson.M{"$pullAll": bson.M{"targets": []string{target}}}
	}
	_, err := s.reactions.UpdateOne(ctx, bson.M{"_id": reactionsID(threadID, userID)}, update, options.UpdateOne().SetUpsert(true))
	return mongodb.Classify("list reactions in "+threadID, err)
}

func (s *Service) reactionTarget(ctx context.Context, u *account.User, threadID, replyID string) (*Thread, *Reply, string, error) {
	t, a, err := s.threadFor(ctx, u, threadID)
	if err != nil {
		return nil, nil, "", err
	}
	if err := a.postable("thread"); err != nil {
		return nil, nil, "", err
	}
	if t.Deleted {
		return nil, nil, "", errThreadDeleted
	}
	if replyID == "" {
		return t, nil, threadReactionTarget, nil
	}
	n, err := parseReplyID(replyID)
	if err != nil {
		return nil, nil, "", err
	}
	r, err := s.reply(ctx, t.ID, n)
	if err != nil {
		return nil, nil, "", err
	}
	if r.Deleted {
		return nil, nil, "", problem.Conflict("reply_deleted", "", "reply_deleted")
	}
	return t, r, replyKey(n), nil
}

// countReaction moves the like count of the thread or the reply. Only
// the request whose edge insert or delete took effect calls it, so the
// count needs no guard.
func (s *Service) countReaction(ctx context.Context, t *Thread, r *Reply, delta int) error {
	if r != nil {
		_, err := s.buckets.UpdateOne(ctx, bson.M{"_id": bucketID(t.ID, PageOf(r.N))},
			bson.M{"$inc": bson.M{"replies." + replyKey(r.N) + ".reactions": delta}})
		return mongodb.Classify("count reaction", err)
	}
	return s.queue.Signal(ctx, ThreadsKind, t.ID, func(ctx context.Context) error {
		err := s.threads.FindOneAndUpdate(ctx, bson.M{"_id": t.ID}, bson.M{"$inc": bson.M{"counts.reactions": delta}},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(t)
		if err != nil && !mongodb.IsNotFound(err) {
			return mongodb.Classify("count reaction", err)
		}
		return nil
	})
}
