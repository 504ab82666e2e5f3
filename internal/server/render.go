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
	"net/url"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
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

var pageNames = []string{"home", "signup", "signin", "settings", "error", "maker", "work", "studio", "studio_settings", "work_form", "search", "feed", "collection",
	"group", "group_form", "members", "post_form", "thread", "notifications", "moderation"}

func loadCatalog() (*i18n.Catalog, error) { return i18n.Load(web.Locales()) }

func loadViews(catalog *i18n.Catalog) (*views, error) {
	v := &views{pages: map[string]*template.Template{}, assets: map[string]string{}, files: map[string]asset{}}
	funcs := template.FuncMap{"inc": func(i int) int { return i + 1 }, "money": money}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(web.Templates(), "layout.html", "partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	for _, name := range pageNames {
		t, err := template.Must(layout.Clone()).ParseFS(web.Templates(), name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		v.pages[name] = t
	}
	err = fs.WalkDir(web.Static(), ".", func(p string, d fs.DirEntry, err error) error {
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

// Page is what every page template gets; each page's struct embeds it.
type Page struct {
	Lang      string
	Title     string // a message key
	RawTitle  string // a title that is content (a work's, a studio's), shown as is
	User      *account.User
	CSRF      string
	OtherLang string
	Here      string // this page's path and query, without ?lang=
	catalog   *i18n.Catalog
	assets    map[string]string
}

// T translates key into the page's language.
func (p *Page) T(key string, args ...any) string { return p.catalog.T(p.Lang, key, args...) }

// Asset returns the hashed URL of a static file.
func (p *Page) Asset(name string) string { return p.assets[name] }

func (s *Server) page(c echo.Context, title string) Page {
	lang := language(c)
	other := "zh-CN"
	if lang == "zh-CN" {
		other = "en"
	}
	q := c.Request().URL.Query()
	q.Del("lang")
	here := c.Request().URL.Path
	if len(q) > 0 {
		here += "?" + q.Encode()
	}
	csrf, _ := c.Get(keyCSRF).(string)
	return Page{Lang: lang, Title: title, User: currentUser(c), CSRF: csrf, OtherLang: other,
		Here: here, catalog: s.catalog, assets: s.views.assets}
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

// formField is one labelled input with its hint and error, in the page's language.
type formField struct {
	Name, Type, Value, Autocomplete string
	Label, Hint, Error              string
	Required                        bool
}

// fieldsPage is a page with a form whose fields may carry errors.
type fieldsPage struct {
	Page
	Errors    map[string]string // field -> message key
	FormError string
}

// Field builds the template data for one input.
func (p *fieldsPage) Field(name, typ, value, autocomplete string) formField {
	f := formField{Name: name, Type: typ, Value: value, Autocomplete: autocomplete, Required: true,
		Label: p.T("field_" + name)}
	if p.catalog.Has("field_" + name + "_hint") {
		f.Hint = p.T("field_" + name + "_hint")
	}
	if key, ok := p.Errors[name]; ok {
		f.Error = p.T(key)
	}
	return f
}

type errorPage struct {
	Page
	Message   string
	RequestID string
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func containsFold(s, sub string) bool { return strings.Contains(strings.ToLower(s), sub) }
