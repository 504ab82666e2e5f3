package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/discovery"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// searchParams reads a search from the query string. major says whether
// prices are typed by people in yuan ("min", "max") or sent by clients in
// minor units ("price_min", "price_max").
func searchParams(c echo.Context, major bool) (discovery.Params, error) {
	q := c.QueryParams()
	p := discovery.Params{Q: q.Get("q"), Type: q.Get("type"), Category: q.Get("category"), Location: q.Get("location"),
		Sort: q.Get("sort"), Cursor: q.Get("cursor"), Tags: listParam(q, "tags"), Materials: listParam(q, "materials"),
		Viewer: currentUser(c)}
	f := map[string]string{}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			f["limit"] = "out_of_range"
		}
		p.Limit = n
	}
	price := func(field string) *int64 {
		name := field
		if major {
			name = strings.TrimPrefix(field, "price_")
		}
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return nil
		}
		var amount int64
		var ok bool
		if major {
			amount, ok = parseMoney(v)
		} else {
			n, err := strconv.ParseInt(v, 10, 64)
			amount, ok = n, err == nil && n >= 0
		}
		if !ok {
			f[name] = "out_of_range"
			return nil
		}
		return &amount
	}
	p.PriceMin, p.PriceMax = price("price_min"), price("price_max")
	for name, target := range map[string]**bool{"in_stock": &p.InStock, "made_to_order": &p.MadeToOrder} {
		if v := q.Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				f[name] = "want_true_or_false"
			}
			*target = &b
		}
	}
	if len(f) > 0 {
		return p, problem.Invalid(f)
	}
	return p, nil
}

// listParam accepts ?tags=a,b and ?tags=a&tags=b alike.
func listParam(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		out = append(out, splitList(v)...)
	}
	return out
}

func (s *Server) apiSearch(c echo.Context) error {
	p, err := searchParams(c, false)
	if err != nil {
		return err
	}
	res, err := s.discovery.Search(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

type searchPage struct {
	fieldsPage
	Params      discovery.Params
	Result      *discovery.Result
	Works       *work.Page
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
	page.Works = &work.Page{}
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

func (s *Server) apiSuggest(c echo.Context) error {
	limit := 0
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return problem.InvalidField("limit", "out_of_range")
		}
		limit = n
	}
	items, err := s.discovery.Suggest(c.Request().Context(), c.QueryParam("type"), c.QueryParam("q"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

func (s *Server) apiDiscover(c echo.Context) error {
	d, err := s.discovery.Discover(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}
