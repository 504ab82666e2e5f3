package server

import (
	"fmt"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"guildhall/internal/account"
	"guildhall/internal/i18n"
	"guildhall/internal/moderation"
	"guildhall/internal/problem"
	"guildhall/internal/work"
)

// formPage is a page whose form can show field errors in place.
type formPage interface{ form() *fieldsPage }

func (p *fieldsPage) form() *fieldsPage { return p }

// formFailed shows field errors, a taken value or a rate limit on the form
// itself; anything else goes to the error handler.
func (s *Server) formFailed(c echo.Context, err error, name string, page formPage) error {
	p, ok := problem.As(err)
	if !ok {
		return err
	}
	status := statusOf[p.Kind]
	switch p.Kind {
	case problem.KindInvalid, problem.KindConflict:
		page.form().Errors = p.Fields
	case problem.KindUnauthorized:
		page.form().FormError = p.Message
	case problem.KindTooMany:
		c.Response().Header().Set("Retry-After", retryAfterSeconds(p.RetryAfter))
		page.form().FormError = "rate_limited"
	default:
		return err
	}
	return s.render(c, status, name, page)
}

// When shows a time for people: relative while it is recent, then a date.
func (p *Page) When(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return p.T("time_just_now")
	case d < time.Hour:
		return p.T("time_minutes_ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return p.T("time_hours_ago", int(d/time.Hour))
	}
	local := t.In(time.Local)
	if p.Lang == "zh-CN" {
		return local.Format("2006年1月2日")
	}
	return local.Format("Jan 2, 2006")
}

// ISO is a time as a <time datetime> attribute wants it.
func (p *Page) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// IsMe reports whether userID is the signed-in viewer.
func (p *Page) IsMe(userID string) bool { return p.User != nil && p.User.ID == userID }

// OffPlatform reports whether a post's flags say it tries to take a deal
// off the platform.
func (p *Page) OffPlatform(flags []string) bool {
	return slices.Contains(flags, moderation.FlagOffPlatform)
}

// Reasons are the report reasons, in the order the form offers them.
func (p *Page) Reasons() []string {
	return []string{moderation.ReasonSpam, moderation.ReasonOffPlatform, moderation.ReasonHarassment,
		moderation.ReasonCounterfeit, moderation.ReasonProhibited, moderation.ReasonOther}
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
	CartCount int    // items in the cart, for the header
	catalog   *i18n.Catalog
	assets    map[string]string
}

// OtherLangName is the name of the other language, in that language, for
// the switch in the header.
func (p *Page) OtherLangName() string {
	if p.OtherLang == "zh-CN" {
		return p.T("lang_zh")
	}
	return p.T("lang_en")
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
		Here: here, CartCount: headerCartCount(c), catalog: s.catalog, assets: s.views.assets}
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
	Args      []any
	Fields    map[string]string // field → message key, for a form refused before its handler
	RequestID string
}

// Text is the message with its arguments, in the page's language.
func (p *errorPage) Text() string { return p.T(p.Message, p.Args...) }

// Money formats an amount in minor units for people: ¥129.00.
func (p *Page) Money(m work.Money) string { return money(m) }

func money(m work.Money) string {
	sym := map[string]string{"CNY": "¥", "USD": "$", "EUR": "€"}[m.Currency]
	return sym + decimal(m.Amount)
}

func decimal(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }
