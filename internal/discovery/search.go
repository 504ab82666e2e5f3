// Package discovery leads people to works and makers: search with filters
// and facets over the index, in Chinese and English.
package discovery

import (
	"context"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"guildhall/internal/account"
	"guildhall/internal/community"
	"guildhall/internal/curation"
	"guildhall/internal/maker"
	"guildhall/internal/platform/search"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// Threads finds discussion threads; the community feature decides who may
// read which.
type Threads interface {
	SearchThreads(ctx context.Context, viewer *account.User, text, sort, cursor string, limit int) (*community.ThreadList, error)
	FeedThreads(ctx context.Context, u *account.User, makerIDs []string, offset, limit int) (*community.ThreadList, error)
	ActiveThreads(ctx context.Context, n int) ([]community.ThreadCard, error)
}

// Service implements search, the feed and the discover page.
type Service struct {
	index     search.Index
	snapshots *mongo.Collection
	threads   Threads
	works     *work.Service
	makers    *maker.Service
}

// Deps are what discovery builds on.
type Deps struct {
	Index   search.Index
	Threads Threads
	Works   *work.Service
	Makers  *maker.Service
}

// New returns the discovery service.
func New(db *mongo.Database, d Deps) *Service {
	return &Service{index: d.Index, snapshots: db.Collection(SnapshotsCollection), threads: d.Threads, works: d.Works, makers: d.Makers}
}

// What a search looks for.
const (
	TypeWorks       = "works" // the default
	TypeMakers      = "makers"
	TypeCollections = "collections"
)

// Kind is what the search looks for, works unless the params say.
func (p Params) Kind() string {
	if p.Type == "" {
		return TypeWorks
	}
	return p.Type
}

// Params is a search as a person or a client asks for it. Prices are in
// minor units, like every amount in the API.
type Params struct {
	Q           string
	Type        string // works (default), makers, collections or threads
	Category    string
	Tags        []string
	Materials   []string
	Location    string
	PriceMin    *int64
	PriceMax    *int64
	InStock     *bool
	MadeToOrder *bool
	Sort        string
	Limit       int
	Cursor      string
	Viewer      *account.User // thread search shows private groups' threads to their members
}

// Result is one page of a search.
type Result struct {
	Type       string
	Items      []any
	Facets     map[string]map[string]int
	Total      int
	NextCursor *string
}

// MakerCard is a maker as search results show it.
type MakerCard struct {
	Handle    string
	Name      string
	URL       string
	AvatarURL string
	Location  string
	Crafts    []string
	Followers int
	Works     int
}

var workSorts = map[string][]search.Sort{
	"relevance":  nil,
	"newest":     {{Field: "published_at", Desc: true}},
	"popular":    {{Field: "hot", Desc: true}},
	"price_asc":  {{Field: "price"}},
	"price_desc": {{Field: "price", Desc: true}},
}

var collectionSorts = map[string][]search.Sort{
	"relevance": nil,
	"newest":    {{Field: "updated_at", Desc: true}},
	"popular":   {{Field: "items", Desc: true}},
}

var makerSorts = map[string][]search.Sort{
	"relevance": nil,
	"newest":    {{Field: "created_at", Desc: true}},
	"popular":   {{Field: "followers", Desc: true}},
}

// Facets each type answers with counts.
var (
	WorkFacets  = []string{"category", "materials", "tags", "in_stock", "made_to_order", "maker_location"}
	MakerFacets = []string{"location", "crafts"}
)

func (p Params) query() (kind string, q search.Query, err error) {
	f := map[string]string{}
	q.Text = strings.TrimSpace(p.Q)
	if len([]rune(q.Text)) > 200 {
		f["q"] = "too_long"
	}
	sorts := workSorts
	switch p.Type {
	case "", TypeWorks:
		kind, q.Facets = work.SearchKind, WorkFacets
		if q.Text != "" {
			q.Highlight = []string{"title"}
		}
		q.Filters = append(q.Filters, work.PublicFilter())
	case TypeMakers:
		kind, q.Facets, sorts = maker.SearchKind, MakerFacets, makerSorts
	case TypeCollections:
		kind, sorts = curation.SearchKind, collectionSorts
	default:
		f["type"] = "type_unknown"
	}
	sort := p.Sort
	if sort == "" {
		sort = "relevance"
		if q.Text == "" {
			sort = "newest"
		}
	}
	s, ok := sorts[sort]
	if !ok {
		f["sort"] = "sort_unknown"
	}
	q.Sort = s
	if p.Limit == 0 {
		p.Limit = search.DefaultLimit
	}
	if p.Limit < 1 || p.Limit > 100 {
		f["limit"] = "out_of_range"
	}
	q.Limit = p.Limit
	if q.Offset, err = search.DecodeCursor(p.Cursor); err != nil {
		f["cursor"] = "cursor_invalid"
	}
	if p.PriceMin != nil && p.PriceMax != nil && *p.PriceMin > *p.PriceMax {
		f["price_min"] = "out_of_range"
	}
	for name, v := range map[string]*int64{"price_min": p.PriceMin, "price_max": p.PriceMax} {
		if v != nil && *v < 0 {
			f[name] = "out_of_range"
		}
	}
	if len(f) > 0 {
		return "", q, problem.Invalid(f)
	}
	eq := func(field string, values ...string) {
		var vs []any
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				vs = append(vs, v)
			}
		}
		if len(vs) > 0 {
			q.Filters = append(q.Filters, search.Filter{Field: field, Values: vs})
		}
	}
	if kind == work.SearchKind {
		eq("category", p.Category)
		for _, t := range p.Tags { // every tag asked for must be there
			eq("tags", t)
		}
		for _, m := range p.Materials {
			eq("materials", m)
		}
		if p.PriceMin != nil || p.PriceMax != nil {
			r := search.Filter{Field: "price"}
			if p.PriceMin != nil {
				v := float64(*p.PriceMin)
				r.Min = &v
			}
			if p.PriceMax != nil {
				v := float64(*p.PriceMax)
				r.Max = &v
			}
			q.Filters = append(q.Filters, r)
		}
		if p.InStock != nil {
			q.Filters = append(q.Filters, search.Filter{Field: "in_stock", Values: []any{*p.InStock}})
		}
		if p.MadeToOrder != nil {
			q.Filters = append(q.Filters, search.Filter{Field: "made_to_order", Values: []any{*p.MadeToOrder}})
		}
		eq("maker_location", p.Location)
	} else if kind == maker.SearchKind {
		eq("location", p.Location)
	} else {
		q.Filters = append(q.Filters, search.Filter{Field: "visibility", Values: []any{curation.Public}})
	}
	return kind, q, nil
}

// Search runs one search query.
func (s *Service) Search(ctx context.Context, p Params) (*Result, error) {
	if p.Type == "threads" {
		return s.searchThreads(ctx, p)
	}
	kind, q, err := p.query()
	if err != nil {
		return nil, err
	}
	res, err := s.index.Search(ctx, kind, q)
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("search %s: %w", kind, err))
	}
	out := &Result{Type: kind, Items: make([]any, 0, len(res.Hits)), Facets: res.Facets, Total: res.Total,
		NextCursor: search.NextCursor(q.Offset, q.Limit, len(res.Hits), res.Total)}
	if out.Facets == nil {
		out.Facets = map[string]map[string]int{}
	}
	for _, h := range res.Hits {
		switch kind {
		case work.SearchKind:
			card := work.CardFrom(h.Document)
			card.Highlights = h.Highlights
			out.Items = append(out.Items, card)
		case maker.SearchKind:
			out.Items = append(out.Items, makerCard(h.Document))
		default:
			out.Items = append(out.Items, collectionCard(h))
		}
	}
	return out, nil
}

// searchThreads answers type=threads; only text, sort and paging apply.
func (s *Service) searchThreads(ctx context.Context, p Params) (*Result, error) {
	text := strings.TrimSpace(p.Q)
	if len([]rune(text)) > 200 {
		return nil, problem.InvalidField("q", "too_long")
	}
	l, err := s.threads.SearchThreads(ctx, p.Viewer, text, p.Sort, p.Cursor, p.Limit)
	if err != nil {
		return nil, err
	}
	out := &Result{Type: "threads", Items: make([]any, 0, len(l.Items)), Facets: map[string]map[string]int{},
		Total: l.Total, NextCursor: l.NextCursor}
	for _, c := range l.Items {
		out.Items = append(out.Items, c)
	}
	return out, nil
}

func makerCard(d search.Document) MakerCard {
	str := func(k string) string { v, _ := d[k].(string); return v }
	num := func(k string) int { v, _ := search.Number(d[k]); return int(v) }
	var crafts []string
	switch v := d["crafts"].(type) {
	case []string:
		crafts = v
	case []any:
		for _, c := range v {
			if s, ok := c.(string); ok {
				crafts = append(crafts, s)
			}
		}
	}
	if crafts == nil {
		crafts = []string{}
	}
	return MakerCard{Handle: str("handle"), Name: str("name"), URL: "/@" + str("handle"), AvatarURL: str("avatar"),
		Location: str("location"), Crafts: crafts, Followers: num("followers"), Works: num("works")}
}

// Suggest completes what someone is typing: titles of published works, or
// names of makers.
func (s *Service) Suggest(ctx context.Context, typ, prefix string, limit int) ([]string, error) {
	prefix = strings.TrimSpace(prefix)
	if len([]rune(prefix)) > 100 {
		return nil, problem.InvalidField("q", "too_long")
	}
	if limit == 0 {
		limit = search.DefaultSuggestLimit
	}
	if limit < 1 || limit > 20 {
		return nil, problem.InvalidField("limit", "out_of_range")
	}
	var out []string
	var err error
	switch typ {
	case "", "works":
		out, err = s.index.Suggest(ctx, work.SearchKind, prefix, "title", limit, []search.Filter{work.PublicFilter()})
	case "makers":
		out, err = s.index.Suggest(ctx, maker.SearchKind, prefix, "name", limit, nil)
	default:
		return nil, problem.InvalidField("type", "type_unknown")
	}
	if err != nil {
		return nil, problem.Unavailable("search", fmt.Errorf("suggest: %w", err))
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}
