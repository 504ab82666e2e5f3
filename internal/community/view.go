package community

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"

	"guildhall/internal/account"
	"guildhall/internal/markdown"
	"guildhall/internal/moderation"
	"guildhall/internal/problem"
)

// ReplyView is a reply as one viewer sees it.
type ReplyView struct {
	Reply
	ID    string
	Liked bool
	Muted bool // the viewer muted its author: collapsed, not removed
	// Withheld is true when the reply was deleted and the viewer is not a
	// moderator: the page says so instead of showing the text.
	Withheld bool
}

// ThreadView is a thread's page for one viewer.
type ThreadView struct {
	Thread   *Thread
	Access   Access
	Replies  []ReplyView
	Page     int
	Pages    int
	Liked    bool
	Muted    bool
	Withheld bool // deleted, and the viewer is not a moderator
}

// ThreadPage assembles a thread's page (page "" is the first, "last" the
// last): the thread, the viewer's membership (and the group only when the
// membership does not decide), the viewer's likes and one bucket of
// replies, each one read by _id, whatever the number of replies.
func (s *Service) ThreadPage(ctx context.Context, viewer *account.User, id, page string) (*ThreadView, error) {
	v, liked, err := s.threadView(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	switch page {
	case "":
		v.Page = 1
	case "last":
		v.Page = v.Pages
	default:
		n, err := strconv.Atoi(page)
		if err != nil || n < 1 {
			return nil, problem.InvalidField("page", "page_invalid")
		}
		if n > v.Pages {
			return nil, problem.NotFound("page")
		}
		v.Page = n
	}
	t, a := v.Thread, v.Access
	rb, err := s.readBucket(ctx, t.ID, v.Page)
	if err != nil {
		return nil, err
	}
	var muted []string
	if viewer != nil {
		muted = viewer.Muted
	}
	v.Replies = make([]ReplyView, 0, len(rb.Replies))
	for _, r := range rb.Replies {
		if r.Quote != nil && !a.Moderate && slices.Contains(t.DeletedReplies, r.Quote.N) {
			q := *r.Quote // a quote of a deleted reply keeps no text
			q.Excerpt, r.Quote = "", &q
		}
		v.Replies = append(v.Replies, ReplyView{Reply: r, ID: itoa(r.N), Liked: liked[replyKey(r.N)],
			Muted: slices.Contains(muted, r.Author.ID), Withheld: r.Deleted && !a.Moderate})
	}
	sort.Slice(v.Replies, func(i, j int) bool { return v.Replies[i].N < v.Replies[j].N })
	return v, nil
}

// Thread returns a thread as viewer sees it, without its replies.
func (s *Service) Thread(ctx context.Context, viewer *account.User, id string) (*ThreadView, error) {
	v, _, err := s.threadView(ctx, viewer, id)
	return v, err
}

// threadView reads a thread as viewer sees it, and what viewer liked in it.
func (s *Service) threadView(ctx context.Context, viewer *account.User, id string) (*ThreadView, map[string]bool, error) {
	t, a, err := s.threadFor(ctx, viewer, id)
	if err != nil {
		return nil, nil, err
	}
	v := &ThreadView{Thread: t, Access: a, Pages: t.Pages(), Withheld: t.Deleted && !a.Moderate}
	if viewer != nil {
		v.Muted = slices.Contains(viewer.Muted, t.Author.ID)
	}
	liked := map[string]bool{}
	if a.Post {
		if liked, err = s.liked(ctx, t.ID, viewer.ID); err != nil {
			return nil, nil, err
		}
	}
	v.Liked = liked[threadReactionTarget]
	return v, liked, nil
}

// Target describes a thread or a reply ("<thread>:<n>") for a report by
// viewer; what viewer may not read is not found.
func (s *Service) Target(ctx context.Context, viewer *account.User, typ, id string) (moderation.Target, error) {
	threadID, n := id, 0
	if typ == moderation.TargetReply {
		i := strings.LastIndex(id, ":")
		if i < 0 {
			return moderation.Target{}, problem.NotFound("reply")
		}
		var err error
		threadID = id[:i]
		if n, err = parseReplyID(id[i+1:]); err != nil {
			return moderation.Target{}, err
		}
	}
	t, _, err := s.threadFor(ctx, viewer, threadID)
	if err != nil {
		return moderation.Target{}, err
	}
	if n == 0 {
		return moderation.Target{Type: typ, ID: t.ID, GroupID: t.GroupID, AuthorID: t.Author.ID,
			Preview: markdown.Excerpt(t.Title, excerptRunes), URL: t.Path()}, nil
	}
	r, err := s.reply(ctx, t.ID, n)
	if err != nil {
		return moderation.Target{}, err
	}
	return moderation.Target{Type: typ, ID: id, GroupID: t.GroupID, AuthorID: r.Author.ID,
		Preview: markdown.Excerpt(s.md.Text(r.Body), excerptRunes), URL: ReplyURL(t.ID, n)}, nil
}
