package community

import (
	"context"
	"slices"
	"strings"

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

// ThreadInput is a new thread, or the change to one: authors edit title
// and body, moderators pin, lock and hide. Nil fields stay as they are.
type ThreadInput struct {
	Title    *string
	Body     *string
	WorkIDs  *[]string
	MediaIDs *[]string
	Pinned   *bool
	Locked   *bool
	Hidden   *bool
}

func (in ThreadInput) validate(create bool) error {
	f := map[string]string{}
	if create || in.Title != nil {
		problem.CheckLength(f, "title", deref(in.Title), 1, 140)
	}
	if create || in.Body != nil {
		problem.CheckLength(f, "body", deref(in.Body), 1, 20000)
	}
	if in.WorkIDs != nil && len(*in.WorkIDs) > maxWorksPerThread {
		f["work_ids"] = "too_many"
	}
	if in.MediaIDs != nil && len(*in.MediaIDs) > maxImagesPerThread {
		f["media_ids"] = "too_many"
	}
	if len(f) > 0 {
		return problem.Invalid(f)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (s *Service) projectThread(raw bson.Raw) (search.Document, bool, error) {
	var t Thread
	if err := bson.Unmarshal(raw, &t); err != nil {
		return nil, false, err
	}
	return s.threadDocument(&t), true, nil
}

// threadDocument is a thread's searchable form. audience and feed carry
// who may find it; a deleted thread keeps no text in the index.
func (s *Service) threadDocument(t *Thread) search.Document {
	audience, feed := "public", []string{"group:" + t.GroupID}
	if t.GroupPrivate() {
		audience = "group:" + t.GroupID
	} else {
		feed = append(feed, "maker:"+t.GroupOwnerID)
	}
	body := s.md.Text(t.Body)
	if t.Deleted {
		body = ""
	}
	pinned := 0
	if t.Pinned {
		pinned = 1
	}
	workIDs := make([]string, 0, len(t.Works))
	for _, w := range t.Works {
		workIDs = append(workIDs, w.ID)
	}
	return search.Document{"id": t.ID, "group_id": t.GroupID, "group_name": t.GroupName, "title": t.Title,
		"body": markdown.Excerpt(body, 5000), "excerpt": markdown.Excerpt(body, excerptRunes),
		"author_id": t.Author.ID, "author_handle": t.Author.Handle, "author_name": t.Author.Name,
		"audience": []string{audience}, "feed": feed, "state": t.state(), "pinned": pinned, "locked": t.Locked,
		"replies": t.Counts.Replies, "reactions": t.Counts.Reactions, "work_ids": workIDs,
		"last_activity_at": search.Seconds(t.LastActivityAt), "created_at": search.Seconds(t.CreatedAt)}
}

// MayStartThread explains, as CreateThread would, why u may not start a
// thread in the group: a form can then be refused before it is read.
func (s *Service) MayStartThread(ctx context.Context, u *account.User, groupID string) error {
	_, err := s.startable(ctx, u, groupID)
	return err
}

func (s *Service) startable(ctx context.Context, u *account.User, groupID string) (*Group, error) {
	g, err := s.group(ctx, groupID)
	if problem.KindOf(err) == problem.KindNotFound {
		return nil, problem.NotFound("group")
	}
	if err != nil {
		return nil, err
	}
	m, err := s.membership(ctx, groupID, u.ID)
	if err != nil {
		return nil, err
	}
	if err := accessOf(u, g, m).postable("group"); err != nil {
		return nil, err
	}
	return g, nil
}

// CreateThread starts a thread in a group; members may.
func (s *Service) CreateThread(ctx context.Context, u *account.User, groupID string, in ThreadInput) (*Thread, error) {
	g, err := s.startable(ctx, u, groupID)
	if err != nil {
		return nil, err
	}
	if in.Pinned != nil || in.Locked != nil || in.Hidden != nil {
		return nil, problem.InvalidField("pinned", "set_after_creation")
	}
	if err := in.validate(true); err != nil {
		return nil, err
	}
	if err := s.allowPost(ctx, u); err != nil {
		return nil, err
	}
	now := s.clock()
	t := &Thread{ID: mongodb.NewID(), GroupID: g.ID, GroupName: g.Name, GroupVisibility: g.Visibility,
		GroupOwnerID: g.Owner.ID, Author: personOf(u), Title: strings.TrimSpace(*in.Title), Body: *in.Body,
		Images: []Image{}, Works: []WorkRef{}, Flags: []string{}, LastActivityAt: now, CreatedAt: now, UpdatedAt: now}
	ms, err := s.prepareThread(ctx, u, t, in)
	if err != nil {
		return nil, err
	}
	err = s.queue.Write(ctx, ThreadsKind, t.ID, func(ctx context.Context) (search.Document, error) {
		if _, err := s.threads.InsertOne(ctx, t); err != nil {
			return nil, mongodb.Classify("insert thread", err)
		}
		return s.threadDocument(t), nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.count(ctx, g.ID, "threads", 1); err != nil {
		return nil, err
	}
	// A change to the group between our read and the insert would have
	// been carried to every thread but this one.
	if now, err := s.group(ctx, g.ID); err == nil && now.carriable() != g.carriable() {
		if err := s.carryToThread(ctx, now, t.ID); err != nil {
			return nil, err
		}
		t.GroupName, t.GroupVisibility = now.Name, now.Visibility
	}
	for _, w := range t.Works {
		if err := s.works.CountThreads(ctx, w.ID, 1); err != nil {
			s.log.WarnContext(ctx, "count thread of work", "work", w.ID, "err", err)
		}
	}
	// t's copy of the group was checked against the group just above.
	s.tellMentioned(ctx, u, t, nil, ms, t.GroupPrivate())
	s.flagIfOffPlatform(ctx, t, nil)
	return t, nil
}

// prepareThread renders the body with its mentions linked, links works
// and images, and flags a post that takes a deal off the platform.
func (s *Service) prepareThread(ctx context.Context, u *account.User, t *Thread, in ThreadInput) ([]mentioned, error) {
	ms, err := s.mentions(ctx, t.Body)
	if err != nil {
		return nil, err
	}
	if t.BodyHTML, err = s.md.HTML(linkMentions(t.Body, ms)); err != nil {
		return nil, err
	}
	t.Mentions = mentionIDs(ms)
	t.Flags = flagsOf(t.Title + "\n" + t.Body)
	if in.WorkIDs != nil {
		t.Works = t.Works[:0:0]
		for _, id := range *in.WorkIDs {
			w, err := s.works.Get(ctx, nil, id)
			if problem.KindOf(err) == problem.KindNotFound {
				return nil, problem.InvalidField("work_ids", "work_unknown")
			}
			if err != nil {
				return nil, err
			}
			ref := WorkRef{ID: w.ID, Title: w.Title, URL: w.Path(), Price: w.Price, Maker: w.Maker.Name}
			if img, ok := w.Cover(); ok {
				ref.Image = img.Thumb
			}
			t.Works = append(t.Works, ref)
		}
	}
	if in.MediaIDs != nil {
		media, err := s.media.Attach(ctx, u.ID, "media_ids", *in.MediaIDs)
		if err != nil {
			return nil, err
		}
		t.Images = t.Images[:0:0]
		for _, m := range media {
			t.Images = append(t.Images, Image{MediaID: m.ID, Thumb: m.URL("thumb"), Medium: m.URL("medium"), Large: m.URL("large")})
		}
	}
	return ms, nil
}

func flagsOf(text string) []string {
	if found, _ := moderation.OffPlatform(text); found {
		return []string{moderation.FlagOffPlatform}
	}
	return []string{}
}

// flagIfOffPlatform files the post for moderators when it newly carries
// the off-platform flag (reply nil: the thread itself).
func (s *Service) flagIfOffPlatform(ctx context.Context, t *Thread, r *Reply) {
	target := moderation.Target{Type: moderation.TargetThread, ID: t.ID, GroupID: t.GroupID, AuthorID: t.Author.ID,
		Preview: markdown.Excerpt(t.Title+" — "+s.md.Text(t.Body), excerptRunes), URL: t.Path()}
	flags := t.Flags
	if r != nil {
		target = moderation.Target{Type: moderation.TargetReply, ID: replyTargetID(t.ID, r.N), GroupID: t.GroupID,
			AuthorID: r.Author.ID, Preview: markdown.Excerpt(s.md.Text(r.Body), excerptRunes), URL: ReplyURL(t.ID, r.N)}
		flags = r.Flags
	}
	for _, f := range flags {
		if f == moderation.FlagOffPlatform {
			if err := s.moderation.Flag(ctx, target, moderation.FlagOffPlatform); err != nil {
				s.log.WarnContext(ctx, "flag post for moderators", "target", target.ID, "err", err)
			}
		}
	}
}

// tellMentioned notifies each user a post names, once per post even when
// it is edited, and only those who may read it.
// private says whether the group is private now (see privateNow).
func (s *Service) tellMentioned(ctx context.Context, author *account.User, t *Thread, r *Reply, ms []mentioned, private bool) {
	key, url, text := "mention:"+t.ID, t.Path(), s.md.Text(t.Body)
	replyID := ""
	if r != nil {
		replyID = itoa(r.N)
		key, url, text = "mention:"+replyTargetID(t.ID, r.N), ReplyURL(t.ID, r.N), s.md.Text(r.Body)
	}
	for _, m := range ms {
		if m.ID == author.ID {
			continue
		}
		if private {
			can, err := s.CanRead(ctx, m.ID, []string{t.GroupID})
			if err != nil || !can[t.GroupID] {
				continue
			}
		}
		s.notify(ctx, m.ID, key+":"+m.ID, notify.Notification{Type: notify.TypeMention, Actor: actorOf(author),
			GroupID: t.GroupID, Private: private, ThreadID: t.ID, ReplyID: replyID,
			Title: t.Title, Excerpt: markdown.Excerpt(text, excerptRunes), URL: url})
	}
}

// thread reads a thread by _id.
func (s *Service) thread(ctx context.Context, id string) (*Thread, error) {
	var t Thread
	if err := s.threads.FindOne(ctx, bson.M{"_id": id}).Decode(&t); err != nil {
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("thread")
		}
		return nil, mongodb.Classify("read thread "+id, err)
	}
	return &t, nil
}

// threadFor reads a thread and what viewer may do in its group; a thread
// viewer may not read, or a hidden one they may not moderate, is not found.
func (s *Service) threadFor(ctx context.Context, viewer *account.User, id string) (*Thread, Access, error) {
	t, err := s.thread(ctx, id)
	if err != nil {
		return nil, Access{}, err
	}
	a, _, err := s.accessTo(ctx, viewer, t.GroupID)
	if err != nil {
		return nil, Access{}, err
	}
	if err := a.readable("thread"); err != nil {
		return nil, Access{}, err
	}
	if t.Hidden && !a.Moderate {
		return nil, Access{}, problem.NotFound("thread")
	}
	return t, a, nil
}

// errThreadDeleted refuses a change to a deleted thread; its text is kept
// for moderators only.
var errThreadDeleted = problem.Conflict("thread_deleted", "", "thread_deleted")

// ThreadToEdit is u's thread for its edit form, held to the rules its edit
// is (see UpdateThread): the author's, not deleted, while they may post.
func (s *Service) ThreadToEdit(ctx context.Context, u *account.User, id string) (*Thread, error) {
	t, a, err := s.threadFor(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if t.Deleted {
		return nil, errThreadDeleted
	}
	if err := a.editable(u, t.Author.ID); err != nil {
		return nil, err
	}
	return t, nil
}

// UpdateThread applies an author's edit or a moderator's pin, lock or hide.
func (s *Service) UpdateThread(ctx context.Context, u *account.User, id string, in ThreadInput) (*Thread, Access, error) {
	t, a, err := s.threadFor(ctx, u, id)
	if err != nil {
		return nil, a, err
	}
	if err := in.validate(false); err != nil {
		return nil, a, err
	}
	if in.WorkIDs != nil || in.MediaIDs != nil {
		return nil, a, problem.InvalidField("work_ids", "set_at_creation")
	}
	editing := in.Title != nil || in.Body != nil
	moderating := in.Pinned != nil || in.Locked != nil || in.Hidden != nil
	if t.Deleted {
		return nil, a, errThreadDeleted
	}
	if editing {
		if err := a.editable(u, t.Author.ID); err != nil {
			return nil, a, err
		}
	}
	if moderating {
		if err := a.moderatable("thread"); err != nil {
			return nil, a, err
		}
	}
	set := bson.M{"updated_at": s.clock()}
	var ms []mentioned
	wasFlagged := slices.Contains(t.Flags, moderation.FlagOffPlatform)
	if editing {
		if in.Title != nil {
			t.Title = strings.TrimSpace(*in.Title)
		}
		if in.Body != nil {
			t.Body = *in.Body
		}
		if ms, err = s.prepareThread(ctx, u, t, ThreadInput{}); err != nil {
			return nil, a, err
		}
		now := s.clock()
		t.EditedAt = &now
		set["title"], set["body"], set["body_html"], set["mentions"], set["flags"], set["edited_at"] =
			t.Title, t.Body, t.BodyHTML, t.Mentions, t.Flags, now
	}
	for field, v := range map[string]*bool{"pinned": in.Pinned, "locked": in.Locked, "hidden": in.Hidden} {
		if v != nil {
			set[field] = *v
		}
	}
	err = s.queue.Write(ctx, ThreadsKind, id, func(ctx context.Context) (search.Document, error) {
		err := s.threads.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$set": set},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(t)
		if mongodb.IsNotFound(err) {
			return nil, problem.NotFound("thread")
		}
		if err != nil {
			return nil, mongodb.Classify("update thread "+id, err)
		}
		return s.threadDocument(t), nil
	})
	if err != nil {
		return nil, a, err
	}
	for field, v := range map[string]*bool{"pin": in.Pinned, "lock": in.Locked, "hide": in.Hidden} {
		if v != nil {
			action := field
			if !*v {
				action = "un" + field
			}
			s.audit(ctx, u, t.GroupID, action, moderation.TargetThread, t.ID, "")
		}
	}
	if in.Hidden != nil && *in.Hidden {
		s.publicChanged(ctx)
	}
	if editing {
		s.tellMentioned(ctx, u, t, nil, ms, len(ms) > 0 && s.privateNow(ctx, t.GroupID))
		if !wasFlagged { // an edit must not reopen a flag moderators dismissed
			s.flagIfOffPlatform(ctx, t, nil)
		}
	}
	return t, a, nil
}

// DeleteThread marks a thread deleted: its author or a moderator may. The
// text is kept for moderators; everyone else sees that it was deleted.
func (s *Service) DeleteThread(ctx context.Context, u *account.User, id string) error {
	t, a, err := s.threadFor(ctx, u, id)
	if err != nil {
		return err
	}
	if err := a.removable(u, t.Author.ID); err != nil {
		return err
	}
	if t.Deleted {
		return nil
	}
	mine := false // only the request that deleted it moves the works' counters
	err = s.queue.Write(ctx, ThreadsKind, id, func(ctx context.Context) (search.Document, error) {
		// The document as it was tells, atomically, whether this request
		// is the one that deleted it.
		err := s.threads.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"deleted": true, "updated_at": s.clock()}}).Decode(t)
		if err != nil {
			return nil, mongodb.Classify("delete thread "+id, err)
		}
		mine = !t.Deleted
		t.Deleted = true
		return s.threadDocument(t), nil
	})
	if err != nil || !mine {
		return err
	}
	if t.Author.ID != u.ID {
		s.audit(ctx, u, t.GroupID, "delete", moderation.TargetThread, t.ID, "")
	}
	if err := s.count(ctx, t.GroupID, "threads", -1); err != nil {
		return err
	}
	s.publicChanged(ctx)
	for _, w := range t.Works {
		if err := s.works.CountThreads(ctx, w.ID, -1); err != nil {
			s.log.WarnContext(ctx, "uncount thread of work", "work", w.ID, "err", err)
		}
	}
	return nil
}
