package community

import (
	"context"
	"fmt"
	"slices"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// ThreadCard is a thread as lists show it, straight from the index.
type ThreadCard struct {
	ID             string    `bson:"id"`
	Title          string    `bson:"title"`
	URL            string    `bson:"url"`
	GroupID        string    `bson:"group_id"`
	GroupName      string    `bson:"group_name"`
	AuthorHandle   string    `bson:"author_handle"`
	AuthorName     string    `bson:"author_name"`
	Excerpt        string    `bson:"excerpt"`
	Replies        int       `bson:"replies"`
	Reactions      int       `bson:"reactions"`
	Pinned         bool      `bson:"pinned"`
	Locked         bool      `bson:"locked"`
	State          string    `bson:"state"`
	LastActivityAt time.Time `bson:"last_activity_at"`
	CreatedAt      time.Time `bson:"created_at"`
	// Highlights are matched fields with <mark> around the matches, escaped
	// by the search adapter (search results only).
	Highlights map[string]string `bson:"-"`
	pos        int               // its place in the search's results, for cursors
}

// Hidden and Deleted tell a moderator why a thread on a list is out of
// everyone else's sight.
func (c ThreadCard) Hidden() bool  { return c.State == stateHidden }
func (c ThreadCard) Deleted() bool { return c.State == stateDeleted }

// Position is the card's place among all the search's results, counting
// those withheld from this viewer: a list continues after it.
func (c ThreadCard) Position() int { return c.pos }

// ThreadList is one page of thread cards.
type ThreadList struct {
	Items      []ThreadCard
	NextCursor *string
	Total      int
}

func threadCard(h search.Hit) ThreadCard {
	d := h.Document
	str := func(k string) string { v, _ := d[k].(string); return v }
	num := func(k string) float64 { v, _ := search.Number(d[k]); return v }
	at := func(k string) time.Time { return search.Time(num(k)) }
	locked, _ := d["locked"].(bool)
	return ThreadCard{ID: h.ID, Title: str("title"), URL: "/threads/" + h.ID, GroupID: str("group_id"),
		GroupName: str("group_name"), AuthorHandle: str("author_handle"), AuthorName: str("author_name"),
		Excerpt: str("excerpt"), Replies: int(num("replies")), Reactions: int(num("reactions")),
		Pinned: num("pinned") > 0, Locked: locked, State: str("state"),
		LastActivityAt: at("last_activity_at"), CreatedAt: at("created_at"), Highlights: h.Highlights}
}

var threadSorts = map[string][]search.Sort{
	"active": {{Field: "pinned", Desc: true}, {Field: "last_activity_at", Desc: true}},
	"new":    {{Field: "pinned", Desc: true}, {Field: "created_at", Desc: true}},
}

// GroupPage is a group's front page: the group, what the viewer may do in
// it and, when they may read it, one page of its threads (see
// GroupThreads). Two reads by _id and one search.
func (s *Service) GroupPage(ctx context.Context, viewer *account.User, id, sortBy, cursor string, limit int) (*GroupView, error) {
	v, err := s.sortedGroup(ctx, viewer, id, sortBy)
	if err != nil {
		return nil, err
	}
	if v.Access.Read {
		if v.Threads, err = s.groupThreads(ctx, v, cursor, limit); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// GroupThreads lists a group's threads, pinned first, then by last
// activity (sort "active", the default) or creation ("new"). Moderators
// also see hidden and deleted threads; a group viewer may not read is
// not found.
func (s *Service) GroupThreads(ctx context.Context, viewer *account.User, id, sortBy, cursor string, limit int) (*ThreadList, error) {
	v, err := s.sortedGroup(ctx, viewer, id, sortBy)
	if err != nil {
		return nil, err
	}
	if err := v.Access.readable("group"); err != nil {
		return nil, err
	}
	return s.groupThreads(ctx, v, cursor, limit)
}

// sortedGroup is the viewer's view of a group whose threads are to be
// listed in the order sortBy names ("" is "active").
func (s *Service) sortedGroup(ctx context.Context, viewer *account.User, id, sortBy string) (*GroupView, error) {
	if sortBy == "" {
		sortBy = "active"
	}
	if _, ok := threadSorts[sortBy]; !ok {
		return nil, problem.InvalidField("sort", "sort_unknown")
	}
	v, err := s.Group(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	v.Sort = sortBy
	return v, nil
}

// groupThreads is one search for a page of the group's threads in the
// view's order.
func (s *Service) groupThreads(ctx context.Context, v *GroupView, cursor string, limit int) (*ThreadList, error) {
	q, err := listQuery(cursor, limit)
	if err != nil {
		return nil, err
	}
	q.Sort = threadSorts[v.Sort]
	q.Filters = []search.Filter{{Field: "group_id", Values: []any{v.Group.ID}}}
	if !v.Access.Moderate {
		q.Filters = append(q.Filters, search.Filter{Field: "state", Values: []any{stateVisible}})
	}
	res, err := s.index.Search(ctx, ThreadsKind, q)
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("list threads of %s: %w", v.Group.ID, err))
	}
	return threadList(res.Hits, q, res.Total), nil
}

func threadList(hits []search.Hit, q search.Query, total int) *ThreadList {
	l := &ThreadList{Items: make([]ThreadCard, 0, len(hits)), Total: total,
		NextCursor: search.NextCursor(q.Offset, q.Limit, len(hits), total)}
	for _, h := range hits {
		l.Items = append(l.Items, threadCard(h))
	}
	return l
}

// audience is the filter that keeps a viewer's thread queries to what
// they may read: public groups' threads and those of the private groups
// they joined. Admins read everything (nil).
func audience(viewer *account.User, joined []string) *search.Filter {
	if viewer != nil && viewer.HasRole(account.RoleAdmin) {
		return nil
	}
	values := []any{"public"}
	for _, g := range joined {
		values = append(values, "group:"+g)
	}
	return &search.Filter{Field: "audience", Values: values}
}

// joinedBy returns the groups viewer joined (none for visitors).
func (s *Service) joinedBy(ctx context.Context, viewer *account.User) ([]string, error) {
	if viewer == nil {
		return nil, nil
	}
	return s.Joined(ctx, viewer.ID)
}

// visibleHits drops hits from private groups the viewer has not joined.
// The index already filters by audience; this second check, a read by _id
// of each group on the page, covers a group made private whose threads are
// still being re-indexed.
func (s *Service) visibleHits(ctx context.Context, viewer *account.User, joined []string, hits []search.Hit) ([]search.Hit, error) {
	if len(hits) == 0 || viewer != nil && viewer.HasRole(account.RoleAdmin) {
		return hits, nil
	}
	var ids []string
	for _, h := range hits {
		if g, _ := h.Document["group_id"].(string); !slices.Contains(ids, g) && !slices.Contains(joined, g) {
			ids = append(ids, g)
		}
	}
	if len(ids) == 0 {
		return hits, nil
	}
	private := map[string]bool{}
	for _, id := range ids {
		g, err := s.group(ctx, id)
		if problem.KindOf(err) == problem.KindNotFound {
			private[id] = true // a group gone: show none of its threads
			continue
		}
		if err != nil {
			return nil, err
		}
		private[id] = g.Private()
	}
	out := hits[:0:0]
	for _, h := range hits {
		if g, _ := h.Document["group_id"].(string); !private[g] {
			out = append(out, h)
		}
	}
	return out, nil
}

// SearchThreads finds threads viewer may read whose text matches, most
// relevant first (or newest with sort "new").
func (s *Service) SearchThreads(ctx context.Context, viewer *account.User, text, sortBy, cursor string, limit int) (*ThreadList, error) {
	q, err := listQuery(cursor, limit)
	if err != nil {
		return nil, err
	}
	switch sortBy {
	case "", "relevance":
	case "newest", "new":
		q.Sort = []search.Sort{{Field: "created_at", Desc: true}}
	case "active":
		q.Sort = []search.Sort{{Field: "last_activity_at", Desc: true}}
	default:
		return nil, problem.InvalidField("sort", "sort_unknown")
	}
	q.Text = text
	q.Highlight = []string{"title"}
	joined, err := s.joinedBy(ctx, viewer)
	if err != nil {
		return nil, err
	}
	return s.listThreads(ctx, viewer, q, joined)
}

// listThreads runs q over the visible threads viewer, who joined the
// groups joined, may read.
func (s *Service) listThreads(ctx context.Context, viewer *account.User, q search.Query, joined []string) (*ThreadList, error) {
	q.Filters = append(q.Filters, search.Filter{Field: "state", Values: []any{stateVisible}})
	if a := audience(viewer, joined); a != nil {
		q.Filters = append(q.Filters, *a)
	}
	res, err := s.index.Search(ctx, ThreadsKind, q)
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("search threads: %w", err))
	}
	hits, err := s.visibleHits(ctx, viewer, joined, res.Hits)
	if err != nil {
		return nil, err
	}
	pos := make(map[string]int, len(res.Hits))
	for i, h := range res.Hits {
		pos[h.ID] = q.Offset + i
	}
	l := threadList(hits, q, res.Total)
	for i := range l.Items {
		l.Items[i].pos = pos[l.Items[i].ID]
	}
	l.NextCursor = search.NextCursor(q.Offset, q.Limit, len(res.Hits), res.Total)
	return l, nil
}

// FeedThreads lists the newest visible threads in the groups u joined and
// the public groups of the makers u follows.
func (s *Service) FeedThreads(ctx context.Context, u *account.User, makerIDs []string, offset, limit int) (*ThreadList, error) {
	joined, err := s.Joined(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	keys := make([]any, 0, len(joined)+len(makerIDs))
	for _, g := range joined {
		keys = append(keys, "group:"+g)
	}
	for _, m := range makerIDs {
		keys = append(keys, "maker:"+m)
	}
	if len(keys) == 0 {
		return &ThreadList{Items: []ThreadCard{}}, nil
	}
	q := search.Query{Offset: offset, Limit: limit, Sort: []search.Sort{{Field: "created_at", Desc: true}},
		Filters: []search.Filter{{Field: "feed", Values: keys}}}
	return s.listThreads(ctx, u, q, joined)
}

// ActiveThreads lists the public threads with the latest activity, for
// the discover page.
func (s *Service) ActiveThreads(ctx context.Context, n int) ([]ThreadCard, error) {
	l, err := s.listThreads(ctx, nil, search.Query{Limit: n, Sort: []search.Sort{{Field: "last_activity_at", Desc: true}}}, nil)
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}
