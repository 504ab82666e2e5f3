package server

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"guildhall/internal/discovery"
	"guildhall/internal/work"
)

type homePage struct {
	Page
	Discover *discovery.Discover
}

// homePage is the discover page: one read of its snapshot.
func (s *Server) homePage(c echo.Context) error {
	d, err := s.discovery.Discover(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "home", &homePage{Page: s.page(c, ""), Discover: d})
}

type searchPage struct {
	fieldsPage
	Params      discovery.Params
	Result      *discovery.Result
	Works       *work.Results
	Makers      []discovery.MakerCard
	Collections []discovery.CollectionCard
	Min, Max    string
	Categories  []work.Category
	Sorts       []string
	Query       url.Values
}

// Link is this search with one parameter changed (and the page reset).
func (p *searchPage) Link(name, value string) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = append([]string(nil), v...)
	}
	q.Del("cursor")
	if value == "" {
		q.Del(name)
	} else {
		q.Set(name, value)
	}
	return "/search?" + q.Encode()
}

// Next is the link to the next page.
func (p *searchPage) Next() string {
	if p.Result == nil || p.Result.NextCursor == nil {
		return ""
	}
	return p.Link("cursor", "") + "&cursor=" + url.QueryEscape(*p.Result.NextCursor)
}

// Types are what the search form offers to look for.
func (p *searchPage) Types() []string {
	return []string{discovery.TypeWorks, discovery.TypeMakers, discovery.TypeCollections}
}

// Type is what this search looks for.
func (p *searchPage) Type() string { return p.Params.Kind() }

// ForWorks reports whether the search looks for works, which price and
// stock narrow.
func (p *searchPage) ForWorks() bool { return p.Params.Kind() == discovery.TypeWorks }

// CategoryName labels a category id in the page's language.
func (p *searchPage) CategoryName(id string) string {
	if c, ok := work.CategoryByID(id); ok {
		return c.Label(p.Lang)
	}
	return id
}

func (s *Server) searchPage(c echo.Context) error {
	page := &searchPage{fieldsPage: fieldsPage{Page: s.page(c, "search_title")}, Categories: work.Categories, Query: c.QueryParams(),
		Min: c.QueryParam("min"), Max: c.QueryParam("max"),
		Sorts: []string{"relevance", "newest", "popular", "price_asc", "price_desc"}}
	p, err := searchParams(c, true)
	if err != nil {
		return s.formFailed(c, err, "search", page)
	}
	page.Params = p
	res, err := s.discovery.Search(c.Request().Context(), p)
	if err != nil {
		return err
	}
	page.Result = res
	page.Works = &work.Results{}
	for _, it := range res.Items {
		switch v := it.(type) {
		case work.Card:
			page.Works.Items = append(page.Works.Items, v)
		case discovery.MakerCard:
			page.Makers = append(page.Makers, v)
		case discovery.CollectionCard:
			page.Collections = append(page.Collections, v)
		}
	}
	return s.render(c, http.StatusOK, "search", page)
}

type feedPage struct {
	Page
	Feed *discovery.FeedList
}

func (s *Server) feedPage(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p := &feedPage{Page: s.page(c, "feed_title")}
	if p.Feed, err = s.discovery.Feed(c.Request().Context(), currentUser(c), q.Cursor, q.Limit); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "feed", p)
}
