package discovery

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/community"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// FeedItem is a work or a thread in someone's feed.
type FeedItem struct {
	Type   string // "work" or "thread"
	Work   *work.Card
	Thread *community.ThreadCard
	At     time.Time
}

// FeedList is one page of the feed.
type FeedList struct {
	Items      []FeedItem
	NextCursor *string
}

// feedCursor is how far the feed has gone in each of its two lists.
type feedCursor struct{ works, threads int }

func (c feedCursor) encode() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "f:%d:%d", c.works, c.threads))
}

func decodeFeedCursor(s string) (feedCursor, error) {
	var c feedCursor
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, problem.InvalidField("cursor", "cursor_invalid")
	}
	if _, err := fmt.Sscanf(string(b), "f:%d:%d", &c.works, &c.threads); err != nil ||
		c.works < 0 || c.threads < 0 || c.works > search.MaxOffset || c.threads > search.MaxOffset {
		return c, problem.InvalidField("cursor", "cursor_invalid")
	}
	return c, nil
}

// Feed merges, newest first, the works of the makers u follows with the
// threads of the groups u joined and of those makers' public groups. Each
// list is read from where the cursor left it, a page deep, so the merge
// is exact: two reads by _id (the follows and the groups) and two searches.
func (s *Service) Feed(ctx context.Context, u *account.User, cursor string, limit int) (*FeedList, error) {
	switch {
	case limit == 0:
		limit = search.DefaultLimit
	case limit < 1 || limit > 100:
		return nil, problem.InvalidField("limit", "out_of_range")
	}
	at, err := decodeFeedCursor(cursor)
	if err != nil {
		return nil, err
	}
	makers, err := s.makers.Following(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	works, err := s.works.FeedOf(ctx, makers, at.works, limit)
	if err != nil {
		return nil, err
	}
	threads, err := s.threads.FeedThreads(ctx, u, makers, at.threads, limit)
	if err != nil {
		return nil, err
	}
	p := &FeedList{Items: make([]FeedItem, 0, limit)}
	w, t := 0, 0
	for len(p.Items) < limit && (w < len(works.Items) || t < len(threads.Items)) {
		takeWork := t >= len(threads.Items) ||
			w < len(works.Items) && works.Items[w].PublishedAt.After(threads.Items[t].CreatedAt)
		if takeWork {
			p.Items = append(p.Items, FeedItem{Type: "work", Work: &works.Items[w], At: works.Items[w].PublishedAt})
			w++
		} else {
			p.Items = append(p.Items, FeedItem{Type: "thread", Thread: &threads.Items[t], At: threads.Items[t].CreatedAt})
			t++
		}
	}
	moreWorks := w < len(works.Items) || works.NextCursor != nil
	moreThreads := t < len(threads.Items) || threads.NextCursor != nil
	if moreWorks || moreThreads {
		next := feedCursor{works: at.works + w, threads: at.threads}
		if t > 0 {
			// Past the last thread shown, and past any the viewer may not
			// see that came before it.
			next.threads = threads.Items[t-1].Position() + 1
		}
		c := next.encode()
		p.NextCursor = &c
	}
	return p, nil
}
