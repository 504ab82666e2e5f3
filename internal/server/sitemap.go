package server

import (
	"encoding/xml"
	"net/http"

	"github.com/labstack/echo/v4"
)

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists the public pages search engines should know: the home page
// and the newest published works (never a draft or an archived work).
func (s *Server) sitemap(c echo.Context) error {
	entries, err := s.works.Sitemap(c.Request().Context(), 1000)
	if err != nil {
		return err
	}
	out := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: []sitemapURL{{Loc: s.cfg.BaseURL + "/"}}}
	for _, e := range entries {
		out.URLs = append(out.URLs, sitemapURL{Loc: s.cfg.BaseURL + e.Path, LastMod: e.Modified.Format("2006-01-02")})
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.XMLPretty(http.StatusOK, out, "  ")
}
