package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/discovery"
	"guildhall/internal/problem"
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
	return c.JSON(http.StatusOK, searchOut(res))
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
	return c.JSON(http.StatusOK, suggestionsJSON{Items: items})
}

func (s *Server) apiDiscover(c echo.Context) error {
	d, err := s.discovery.Discover(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, discoverOut(d))
}

func (s *Server) apiFeed(c echo.Context) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	page, err := s.discovery.Feed(c.Request().Context(), currentUser(c), q.Cursor, q.Limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, feedOut(page))
}
