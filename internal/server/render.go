package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/i18n"
	"guildhall/web"
)

// views are the parsed templates and the content-hashed static files.
type views struct {
	pages  map[string]*template.Template
	assets map[string]string // "app.css" -> "/static/app.3f2a1b9c.css"
	files  map[string]asset  // "app.3f2a1b9c.css" -> content
}

type asset struct {
	body        []byte
	contentType string
}

func loadCatalog() (*i18n.Catalog, error) { return i18n.Load(web.Locales()) }

func loadViews(catalog *i18n.Catalog) (*views, error) {
	v := &views{pages: map[string]*template.Template{}, assets: map[string]string{}, files: map[string]asset{}}
	if err := v.parsePages(); err != nil {
		return nil, err
	}
	err := fs.WalkDir(web.Static(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.Static(), p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		hashed := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		v.assets[p] = "/static/" + hashed
		v.files[hashed] = asset{body: b, contentType: mime.TypeByExtension(ext)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash static files: %w", err)
	}
	return v, nil
}

// parsePages parses each page: a file directly in web/templates is a page
// named after it, and web/templates/common holds what pages share (the
// layout and the partials), parsed into every page.
func (v *views) parsePages() error {
	funcs := template.FuncMap{"inc": func(i int) int { return i + 1 }, "money": money}
	common, err := template.New("common").Funcs(funcs).ParseFS(web.Templates(), "common/*.html")
	if err != nil {
		return fmt.Errorf("parse the layout and partials: %w", err)
	}
	files, err := fs.ReadDir(web.Templates(), ".")
	if err != nil {
		return fmt.Errorf("list pages: %w", err)
	}
	for _, f := range files {
		name, ok := strings.CutSuffix(f.Name(), ".html")
		if f.IsDir() || !ok {
			continue
		}
		t, err := template.Must(common.Clone()).ParseFS(web.Templates(), f.Name())
		if err != nil {
			return fmt.Errorf("parse page %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return nil
}

// static serves content-hashed files: the name changes with the content, so
// they may be cached for a year.
func (s *Server) static(c echo.Context) error {
	a, ok := s.views.files[c.Param("*")]
	if !ok {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, a.contentType, a.body)
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}

func containsFold(s, sub string) bool { return strings.Contains(strings.ToLower(s), sub) }
