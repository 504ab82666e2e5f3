package work

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/markdown"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
)

// Card is a work as lists show it, straight from the search index.
type Card struct {
	ID          string
	Title       string
	URL         string
	Image       string
	Price       Money
	InStock     bool
	MadeToOrder bool
	Status      string
	Favorites   int
	MakerHandle string
	MakerName   string
	// PublishedAt orders works among threads in the feed.
	PublishedAt time.Time
	// Highlights are matched fields with <mark> around the matches, already
	// HTML-escaped by the search adapter (only on search results).
	Highlights map[string]string
}

// TitleHTML is the title with search matches marked, safe to render.
func (c Card) TitleHTML() template.HTML {
	if h, ok := c.Highlights["title"]; ok {
		return template.HTML(h) // escaped by the adapter, with <mark> added
	}
	return template.HTML(html.EscapeString(c.Title))
}

// Results are one page of a list of works: its cards and the cursor of
// the next page.
type Results struct {
	Items      []Card
	NextCursor *string
	Total      int
}

// Sorts a list of works offers.
var sorts = map[string][]search.Sort{
	"newest":  {{Field: "published_at", Desc: true}},
	"popular": {{Field: "hot", Desc: true}},
	"updated": {{Field: "updated_at", Desc: true}},
}

// ListQuery is a page request.
type ListQuery struct {
	Sort   string
	Cursor string
	Limit  int
}

func (q ListQuery) search() (search.Query, error) {
	sort, ok := sorts[q.Sort]
	if q.Sort == "" {
		sort, ok = sorts["newest"], true
	}
	f := map[string]string{}
	if !ok {
		f["sort"] = "sort_unknown"
	}
	sq := search.Paging(q.Cursor, q.Limit, f)
	if len(f) > 0 {
		return search.Query{}, problem.Invalid(f)
	}
	sq.Sort = sort
	return sq, nil
}

// PublicFilter is the one place that keeps drafts and archived works out of
// every list shown to people other than their maker.
func PublicFilter() search.Filter {
	return search.Filter{Field: "status", Values: []any{StatusPublished}}
}

// ByMaker lists a maker's published works.
func (s *Service) ByMaker(ctx context.Context, makerID string, q ListQuery) (*Results, error) {
	sq, err := q.search()
	if err != nil {
		return nil, err
	}
	sq.Filters = []search.Filter{PublicFilter(), {Field: "maker_id", Values: []any{makerID}}}
	return s.list(ctx, sq)
}

// Studio lists all of u's own works, drafts and archived ones included,
// most recently changed first.
func (s *Service) Studio(ctx context.Context, u *account.User, q ListQuery) (*Results, error) {
	if q.Sort == "" {
		q.Sort = "updated"
	}
	sq, err := q.search()
	if err != nil {
		return nil, err
	}
	sq.Filters = []search.Filter{{Field: "maker_id", Values: []any{u.ID}}}
	return s.list(ctx, sq)
}

func (s *Service) list(ctx context.Context, q search.Query) (*Results, error) {
	res, err := s.index.Search(ctx, SearchKind, q)
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("list works: %w", err))
	}
	p := &Results{Items: make([]Card, 0, len(res.Hits)), Total: res.Total}
	for _, h := range res.Hits {
		p.Items = append(p.Items, CardFrom(h.Document))
	}
	p.NextCursor = search.NextCursor(q.Offset, q.Limit, len(res.Hits), res.Total)
	return p, nil
}

// CardFrom reads a card from a works index document.
func CardFrom(d search.Document) Card {
	str := func(k string) string { v, _ := d[k].(string); return v }
	num := func(k string) float64 { v, _ := search.Number(d[k]); return v }
	boolean := func(k string) bool { v, _ := d[k].(bool); return v }
	return Card{ID: str("id"), Title: str("title"), URL: "/works/" + str("id") + "/" + str("slug"),
		Image: str("image"), Price: Money{Amount: int64(num("price")), Currency: str("currency")},
		InStock: boolean("in_stock"), MadeToOrder: boolean("made_to_order"), Status: str("status"),
		Favorites: int(num("favorites")), MakerHandle: str("maker_handle"), MakerName: str("maker_name"),
		PublishedAt: search.Time(num("published_at"))}
}

// WorkView is what the work page shows.
type WorkView struct {
	Work       *Work
	Summary    string // the description as plain text, for link previews
	Favourited bool
	Own        bool
	Similar    []Card
	Lists      []ListRef // the viewer's collections, for "save" (published works only)
	RedirectTo string    // set when the slug in the URL is not the current one
}

// WorkPage assembles a work's page: one read for the work (it carries its
// maker's card), one for the viewer's favourite edge, one for the
// viewer's collections, one search for similar works.
func (s *Service) WorkPage(ctx context.Context, viewer *account.User, id, slug string) (*WorkView, error) {
	w, err := s.Get(ctx, viewer, id)
	if err != nil {
		return nil, err
	}
	if slug != w.Slug {
		return &WorkView{Work: w, RedirectTo: w.Path()}, nil
	}
	v := &WorkView{Work: w, Own: viewer != nil && viewer.ID == w.Maker.ID,
		Summary: markdown.Excerpt(s.md.Text(w.Description), 200)}
	if v.Favourited, err = s.Favourited(ctx, viewer, w.ID); err != nil {
		return nil, err
	}
	if w.Published() {
		if v.Similar, err = s.Similar(ctx, w, 6); err != nil {
			return nil, err
		}
		if v.Lists, err = s.lists.ListsOf(ctx, viewer); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// SitemapEntry is one page for search engines.
type SitemapEntry struct {
	Path     string
	Modified time.Time
}

// Sitemap lists the newest published works (one search; drafts and
// archived works are kept out by publicFilter like every public list).
func (s *Service) Sitemap(ctx context.Context, limit int) ([]SitemapEntry, error) {
	res, err := s.index.Search(ctx, SearchKind, search.Query{
		Filters: []search.Filter{PublicFilter()},
		Sort:    []search.Sort{{Field: "updated_at", Desc: true}},
		Limit:   limit,
	})
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("sitemap: %w", err))
	}
	out := make([]SitemapEntry, 0, len(res.Hits))
	for _, h := range res.Hits {
		c := CardFrom(h.Document)
		updated, _ := search.Number(h.Document["updated_at"])
		out = append(out, SitemapEntry{Path: c.URL, Modified: time.Unix(int64(updated), 0).UTC()})
	}
	return out, nil
}

// FeedOf lists the newest published works of the makers makerIDs from
// offset: one search.
func (s *Service) FeedOf(ctx context.Context, makerIDs []string, offset, limit int) (*Results, error) {
	if len(makerIDs) == 0 {
		return &Results{Items: []Card{}}, nil
	}
	ids := make([]any, len(makerIDs))
	for i, m := range makerIDs {
		ids[i] = m
	}
	return s.list(ctx, search.Query{Offset: offset, Limit: limit, Sort: sorts["newest"],
		Filters: []search.Filter{PublicFilter(), {Field: "maker_id", Values: ids}}})
}

// Similar finds up to n published works like w: the same category, ranked
// by how many tags and materials they share with it, other makers' works
// before w's maker's own. One search query, kept for a minute (see
// similarCache): the work page is the most visited, and the list changes
// slowly.
func (s *Service) Similar(ctx context.Context, w *Work, n int) ([]Card, error) {
	key := fmt.Sprintf("%s@%d/%d", w.ID, w.UpdatedAt.UnixNano(), n)
	if cards, ok := s.similar.get(key, s.now()); ok {
		return cards, nil
	}
	cards, err := s.searchSimilar(ctx, w, n)
	if err == nil {
		s.similar.put(key, cards, s.now())
	}
	return cards, err
}

func (s *Service) searchSimilar(ctx context.Context, w *Work, n int) ([]Card, error) {
	res, err := s.index.Search(ctx, SearchKind, search.Query{
		Filters: []search.Filter{PublicFilter(), {Field: "category", Values: []any{w.Category}}},
		Sort:    []search.Sort{{Field: "hot", Desc: true}}, Limit: 40})
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("similar works: %w", err))
	}
	words := map[string]bool{}
	for _, x := range append(append([]string{}, w.Tags...), w.Materials...) {
		words[strings.ToLower(x)] = true
	}
	type scored struct {
		card    Card
		overlap int
		same    bool
	}
	var found []scored
	for _, h := range res.Hits {
		if h.ID == w.ID {
			continue
		}
		overlap := 0
		for _, field := range []string{"tags", "materials"} {
			for _, x := range stringsOf(h.Document[field]) {
				if words[strings.ToLower(x)] {
					overlap++
				}
			}
		}
		found = append(found, scored{CardFrom(h.Document), overlap, stringsOf(h.Document["maker_id"])[0] == w.Maker.ID})
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].same != found[j].same {
			return !found[i].same
		}
		return found[i].overlap > found[j].overlap
	})
	out := make([]Card, 0, n)
	for _, f := range found[:min(n, len(found))] {
		out = append(out, f.card)
	}
	return out, nil
}

// stringsOf reads a string or a list of strings from an index document.
func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{""}
}
