package community

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"guildhall/internal/account"
	"guildhall/internal/markdown"
	"guildhall/internal/moderation"
	"guildhall/internal/notify"
	"guildhall/internal/platform/mongodb"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

func itoa(n int) string { return strconv.Itoa(n) }

// PageOf is the page that reply n is on, and the bucket that holds it.
func PageOf(n int) int                       { return (n-1)/RepliesPerPage + 1 }
func bucketID(threadID string, b int) string { return threadID + ":" + itoa(b) }
func replyKey(n int) string                  { return "r" + itoa(n) }
func replyTargetID(threadID string, n int) string {
	return threadID + ":" + itoa(n)
}

// ReplyURL is where reply n of a thread is shown: its page, at its anchor.
func ReplyURL(threadID string, n int) string {
	return "/threads/" + threadID + "?page=" + itoa(PageOf(n)) + "#r" + itoa(n)
}

// ReplyInput is a new reply or an edit.
type ReplyInput struct {
	Body    string
	QuoteID string
}

// parseReplyID reads a reply id (its number in the thread).
func parseReplyID(id string) (int, error) {
	n, err := strconv.Atoi(id)
	if err != nil || n < 1 {
		return 0, problem.NotFound("reply")
	}
	return n, nil
}

// readBucket reads bucket b of a thread's replies; a missing one is empty.
func (s *Service) readBucket(ctx context.Context, threadID string, b int) (*replyBucket, error) {
	var rb replyBucket
	err := s.buckets.FindOne(ctx, bson.M{"_id": bucketID(threadID, b)}).Decode(&rb)
	if mongodb.IsNotFound(err) {
		return &replyBucket{ID: bucketID(threadID, b), Thread: threadID, N: b, Replies: map[string]Reply{}}, nil
	}
	if err != nil {
		return nil, mongodb.Classify("read replies of "+threadID, err)
	}
	return &rb, nil
}

func (s *Service) reply(ctx context.Context, threadID string, n int) (*Reply, error) {
	rb, err := s.readBucket(ctx, threadID, PageOf(n))
	if err != nil {
		return nil, err
	}
	r, ok := rb.Replies[replyKey(n)]
	if !ok {
		return nil, problem.NotFound("reply")
	}
	return &r, nil
}

// AddReply posts a reply. Its number comes from one $inc on the thread, so
// concurrent replies never share a number or a slot; the bucket is written
// next and the thread's count last, so the count only counts replies that
// are stored. A crash after the $inc leaves an unused number, nothing else.
func (s *Service) AddReply(ctx context.Context, u *account.User, threadID string, in ReplyInput) (*Thread, *Reply, error) {
	t, a, err := s.threadFor(ctx, u, threadID)
	if err != nil {
		return nil, nil, err
	}
	if err := a.postable("thread"); err != nil {
		return nil, nil, err
	}
	switch {
	case t.Deleted:
		return nil, nil, errThreadDeleted
	case t.Locked && !a.Moderate:
		return nil, nil, &problem.Error{Kind: problem.KindLocked, Code: "thread_locked", Message: "thread_locked"}
	}
	f := map[string]string{}
	problem.CheckLength(f, "body", in.Body, 1, 10000)
	if len(f) > 0 {
		return nil, nil, problem.Invalid(f)
	}
	if err := s.allowPost(ctx, u); err != nil {
		return nil, nil, err
	}
	r := &Reply{Author: personOf(u), Body: in.Body, Reactions: 0, CreatedAt: s.clock()}
	var quoted *Reply
	if in.QuoteID != "" {
		n, err := parseReplyID(in.QuoteID)
		if err == nil {
			quoted, err = s.reply(ctx, t.ID, n)
		}
		if err != nil || quoted.Deleted {
			return nil, nil, problem.InvalidField("quote_id", "reply_unknown")
		}
		r.Quote = &Quote{N: quoted.N, Handle: quoted.Author.Handle, Excerpt: markdown.Excerpt(s.md.Text(quoted.Body), excerptRunes)}
	}
	ms, err := s.renderReply(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	var numbered Thread
	err = s.threads.FindOneAndUpdate(ctx, bson.M{"_id": t.ID}, bson.M{"$inc": bson.M{"seq": 1}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&numbered)
	if err != nil {
		return nil, nil, mongodb.Classify("number reply in "+t.ID, err)
	}
	if numbered.Deleted { // deleted meanwhile: the number goes unused
		return nil, nil, errThreadDeleted
	}
	r.N = numbered.Seq
	if err := s.storeReply(ctx, t.ID, r); err != nil {
		return nil, nil, err
	}
	err = s.queue.Write(ctx, ThreadsKind, t.ID, func(ctx context.Context) (search.Document, error) {
		err := s.threads.FindOneAndUpdate(ctx, bson.M{"_id": t.ID}, bson.M{
			"$inc": bson.M{"counts.replies": 1},
			"$max": bson.M{"last_activity_at": r.CreatedAt},
			"$set": bson.M{"last_reply_by": u.Handle},
		}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(t)
		if err != nil {
			return nil, mongodb.Classify("count reply in "+t.ID, err)
		}
		return s.threadDocument(t), nil
	})
	if err != nil {
		return nil, nil, err
	}
	s.tellOfReply(ctx, u, t, r, quoted, ms)
	s.flagIfOffPlatform(ctx, t, r)
	return t, r, nil
}

// storeReply puts r in its bucket.
func (s *Service) storeReply(ctx context.Context, threadID string, r *Reply) error {
	err := s.setInBucket(ctx, threadID, PageOf(r.N), bson.M{"replies." + replyKey(r.N): r})
	return mongodb.Classify(fmt.Sprintf("store reply %d of %s", r.N, threadID), err)
}

// setInBucket sets fields of bucket b, creating it if need be. Two first
// writes to a bucket race to create it; the loser's duplicate key is
// retried as an update.
func (s *Service) setInBucket(ctx context.Context, threadID string, b int, set bson.M) error {
	var err error
	for range 3 {
		_, err = s.buckets.UpdateOne(ctx, bson.M{"_id": bucketID(threadID, b)}, bson.M{
			"$set":         set,
			"$setOnInsert": bson.M{"thread": threadID, "n": b},
		}, options.UpdateOne().SetUpsert(true))
		if !mongodb.IsDuplicate(err) {
			break
		}
	}
	return err
}

// renderReply renders the body with its mentions linked and flags it.
func (s *Service) renderReply(ctx context.Context, r *Reply) ([]mentioned, error) {
	ms, err := s.mentions(ctx, r.Body)
	if err != nil {
		return nil, err
	}
	if r.BodyHTML, err = s.md.HTML(linkMentions(r.Body, ms)); err != nil {
		return nil, err
	}
	r.Mentions = mentionIDs(ms)
	r.Flags = flagsOf(r.Body)
	return ms, nil
}

// tellOfReply notifies the thread's author and the quoted author of a
// reply; someone also mentioned in it is told once, of the mention.
func (s *Service) tellOfReply(ctx context.Context, u *account.User, t *Thread, r *Reply, quoted *Reply, ms []mentioned) {
	private := s.privateNow(ctx, t.GroupID)
	s.tellMentioned(ctx, u, t, r, ms, private)
	told := mentionIDs(ms)
	recipients := []string{t.Author.ID}
	if quoted != nil {
		recipients = append(recipients, quoted.Author.ID)
	}
	for _, id := range recipients {
		if slices.Contains(told, id) {
			continue
		}
		told = append(told, id)
		s.notify(ctx, id, "reply:"+replyTargetID(t.ID, r.N)+":"+id, notify.Notification{Type: notify.TypeReply,
			Actor: actorOf(u), GroupID: t.GroupID, Private: private, ThreadID: t.ID,
			ReplyID: itoa(r.N), Title: t.Title, Excerpt: markdown.Excerpt(s.md.Text(r.Body), excerptRunes), URL: ReplyURL(t.ID, r.N)})
	}
}

// ReplyToEdit is u's reply for its edit form, with its thread, held to
// the rules its edit is (see EditReply).
func (s *Service) ReplyToEdit(ctx context.Context, u *account.User, threadID, replyID string) (*Thread, *Reply, error) {
	t, a, err := s.threadFor(ctx, u, threadID)
	if err != nil {
		return nil, nil, err
	}
	n, err := parseReplyID(replyID)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.reply(ctx, t.ID, n)
	if err != nil {
		return nil, nil, err
	}
	if err := a.editable(u, r.Author.ID); err != nil {
		return nil, nil, err
	}
	if r.Deleted {
		return nil, nil, problem.Conflict("reply_deleted", "", "reply_deleted")
	}
	return t, r, nil
}

// EditReply changes the body of u's own reply; it shows as edited.
func (s *Service) EditReply(ctx context.Context, u *account.User, threadID, replyID string, in ReplyInput) (*Reply, error) {
	t, r, err := s.ReplyToEdit(ctx, u, threadID, replyID)
	if err != nil {
		return nil, err
	}
	n := r.N
	f := map[string]string{}
	problem.CheckLength(f, "body", in.Body, 1, 10000)
	if len(f) > 0 {
		return nil, problem.Invalid(f)
	}
	r.Body = in.Body
	wasFlagged := slices.Contains(r.Flags, moderation.FlagOffPlatform)
	ms, err := s.renderReply(ctx, r)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	r.EditedAt = &now
	key := "replies." + replyKey(n)
	// A bare _id filter (the one embedded FerretDB serves by key); a delete
	// racing this edit still leaves the reply deleted, since only the body
	// fields are set here.
	_, err = s.buckets.UpdateOne(ctx, bson.M{"_id": bucketID(t.ID, PageOf(n))},
		bson.M{"$set": bson.M{key + ".body": r.Body, key + ".body_html": r.BodyHTML, key + ".mentions": r.Mentions,
			key + ".flags": r.Flags, key + ".edited_at": now}})
	if err != nil {
		return nil, mongodb.Classify("edit reply", err)
	}
	s.tellMentioned(ctx, u, t, r, ms, len(ms) > 0 && s.privateNow(ctx, t.GroupID))
	if !wasFlagged { // an edit must not reopen a flag moderators dismissed
		s.flagIfOffPlatform(ctx, t, r)
	}
	return r, nil
}

// DeleteReply marks a reply deleted: its author or a moderator may. The
// slot stays, so page numbers and links do not move.
func (s *Service) DeleteReply(ctx context.Context, u *account.User, threadID, replyID string) error {
	t, a, err := s.threadFor(ctx, u, threadID)
	if err != nil {
		return err
	}
	n, err := parseReplyID(replyID)
	if err != nil {
		return err
	}
	r, err := s.reply(ctx, t.ID, n)
	if err != nil {
		return err
	}
	if err := a.removable(u, r.Author.ID); err != nil {
		return err
	}
	key := "replies." + replyKey(n)
	if r.Deleted {
		return nil
	}
	_, err = s.buckets.UpdateOne(ctx, bson.M{"_id": bucketID(t.ID, PageOf(n))}, bson.M{"$set": bson.M{key + ".deleted": true}})
	if err != nil {
		return mongodb.Classify("delete reply", err)
	}
	if _, err := s.threads.UpdateOne(ctx, bson.M{"_id": t.ID}, bson.M{"$addToSet": bson.M{"deleted_replies": n}}); err != nil {
		return mongodb.Classify("list deleted reply", err)
	}
	if r.Author.ID != u.ID {
		s.audit(ctx, u, t.GroupID, "delete", moderation.TargetReply, replyTargetID(t.ID, n), "")
	}
	return nil
}
